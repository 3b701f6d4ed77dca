"""The custom package: valid against Intacct's XSD, importable, and its Smart Events deliver
what the bridge needs (tenant, token, object, record key, event)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import parse_qsl

import httpx
import pytest
from lxml import etree

from intacct_bridge.config.secrets import Secret
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.packages import parse_package
from intacct_bridge.setup.package import (
    AUDIT_OWNER,
    AUDIT_TENANT_FIELD,
    AUDIT_VERSION_FIELD,
    EVENTS,
    INBOUND_OBJECTS,
    DeliveryRejected,
    build_package,
    inbound_objects,
    read_delivery,
    smart_link_id,
    user_defined_dimension,
)

HOOK = "https://bridge.example.com/intacct/events"
SECRET = Secret("per-tenant-webhook-secret")


def package(**changes: object) -> bytes:
    values: dict[str, object] = {
        "tenant_id": "acme",
        "company_id": "DEMO-MFG",
        "webhook_url": HOOK,
        "webhook_secret": SECRET,
    }
    values.update(changes)
    return build_package(**values)  # type: ignore[arg-type]


class Receiver:
    """The bridge's webhook, in memory: records each form post."""

    def __init__(self) -> None:
        self.posts: list[dict[str, str]] = []
        self.urls: list[str] = []
        self.lock = threading.Lock()

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            with self.lock:
                self.urls.append(str(request.url))
                self.posts.append(dict(parse_qsl(request.content.decode())))
            return httpx.Response(200)

        return httpx.MockTransport(handle)


@pytest.fixture
def receiver(sandbox: Sandbox) -> Receiver:
    receiver = Receiver()
    sandbox.backend.smart_event_transport = receiver.transport()
    return receiver


def test_the_package_validates_against_intacct_schema(
    validate_package: Callable[[bytes], None],
) -> None:
    validate_package(package())
    validate_package(package(audit_trail=False))
    validate_package(package(objects=inbound_objects(["PRODUCTLINE"], projects=False)))


def test_one_smart_event_per_inbound_object_and_event() -> None:
    parsed = parse_package(package())[0]
    assert parsed.name == "intacct-bridge"
    links = {link.smart_link_id: link for link in parsed.smart_links}
    assert len(links) == len(INBOUND_OBJECTS) * len(EVENTS)
    names = {o.name for o in INBOUND_OBJECTS}
    assert {"GLACCOUNT", "GLJOURNAL", "APTERM", "ARTERM", "TAXDETAIL", "TAXSOLUTION"} <= names
    assert {"LOCATIONENTITY", "DEPARTMENT", "LOCATION", "CLASS", "PROJECT", "EMPLOYEE"} <= names
    assert {"WAREHOUSE", "CHECKINGACCOUNT"} <= names
    for obj in INBOUND_OBJECTS:
        for event in EVENTS:
            link = links[smart_link_id(obj.name, event)]
            assert (link.type, link.owner_object, link.events) == (
                "workflow",
                obj.owner_object,
                (event,),
            )
            assert link.target == HOOK and link.active and link.action == "http"
            assert link.http_post is not None
            arguments = dict(link.http_post.arguments)
            assert arguments == {
                "tenant": "acme",
                "token": SECRET.reveal(),
                "company": "DEMO-MFG",
                "object": obj.name,
                "key": f"{{!{obj.name}.RECORDNO!}}",
                "id": f"{{!{obj.name}.{obj.id_field}!}}",
                "event": event,
                "modified": f"{{!{obj.name}.WHENMODIFIED!}}",
                "format": "1",
            }


def test_the_audit_trail_is_custom_fields_holding_the_tenant() -> None:
    data = package()
    fields = {field.custom_field_id: field for field in parse_package(data)[0].custom_fields}
    assert set(fields) == {AUDIT_TENANT_FIELD, AUDIT_VERSION_FIELD}
    assert {field.owner_object for field in fields.values()} == {AUDIT_OWNER}
    root = etree.fromstring(data)
    tenant_field = next(
        f for f in root.iter("customField") if f.findtext("customFieldId") == AUDIT_TENANT_FIELD
    )
    assert [v.text for v in tenant_field.iter("pickValue")] == ["acme"]
    assert tenant_field.findtext("dataDescription/picklist/defaultValue") == "acme"
    assert tenant_field.findtext("hidden") == "true"
    assert parse_package(package(audit_trail=False))[0].custom_fields == ()


def test_without_projects_and_with_user_defined_dimensions() -> None:
    objects = inbound_objects(["productline"], projects=False)
    names = [o.name for o in objects]
    assert "PROJECT" not in names and names[-1] == "PRODUCTLINE"
    assert user_defined_dimension("productline").id_field == "ID"
    with pytest.raises(ValueError):
        inbound_objects(["GLACCOUNT"])
    with pytest.raises(ValueError):
        user_defined_dimension("bad name!")
    with pytest.raises(ValueError):
        package(webhook_url="ftp://nope")


def test_imported_package_delivers_tenant_object_key_and_event(
    sandbox: Sandbox, creds: QuickstartCredentials, receiver: Receiver
) -> None:
    installed = sandbox.admin.import_package(creds.company_id, package(company_id=creds.company_id))
    assert smart_link_id("GLACCOUNT", "add") in installed
    [account] = sandbox.admin.seed(
        creds.company_id, "GLACCOUNT", [{"ACCOUNTNO": "1000", "TITLE": "Cash"}]
    )
    sandbox.admin.set_status(creds.company_id, "GLACCOUNT", "1000", "inactive")
    log = sandbox.admin.deliveries(creds.company_id, wait=5)
    assert [(d["topic"], d["status"]) for d in log] == [
        ("ADD_GLACCOUNT", "delivered"),
        ("SET_GLACCOUNT", "delivered"),
    ]
    assert receiver.urls == [HOOK, HOOK]
    first = receiver.posts[0]
    assert {k: first[k] for k in ("tenant", "company", "object", "key", "id", "event")} == {
        "tenant": "acme",
        "company": creds.company_id,
        "object": "GLACCOUNT",
        "key": str(account.recordno),
        "id": "1000",
        "event": "add",
    }
    events = [
        read_delivery(post, tenant_id="acme", webhook_secret=SECRET, company_id=creds.company_id)
        for post in receiver.posts
    ]
    assert [(e.object_name, e.record_key, e.event) for e in events] == [
        ("GLACCOUNT", str(account.recordno), "add"),
        ("GLACCOUNT", str(account.recordno), "set"),
    ]


def test_deletes_and_dimensions_are_delivered_too(
    sandbox: Sandbox, creds: QuickstartCredentials, receiver: Receiver
) -> None:
    sandbox.admin.import_package(creds.company_id, package(company_id=creds.company_id))
    sandbox.admin.seed(creds.company_id, "DEPARTMENT", [{"DEPARTMENTID": "D10", "TITLE": "Sales"}])
    sandbox.admin.deliveries(creds.company_id, wait=5)
    assert [(p["object"], p["id"], p["event"]) for p in receiver.posts] == [
        ("DEPARTMENT", "D10", "add")
    ]


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ({"tenant": "other"}, "addressed to tenant 'other'"),
        ({"token": "guess"}, "wrong token"),
        ({"company": "ELSEWHERE"}, "bound to"),
        ({"object": "VENDOR"}, "unknown object"),
        ({"event": "explode"}, "unknown event"),
        ({"key": "1 OR 1=1"}, "not a RECORDNO"),
    ],
)
def test_deliveries_for_someone_else_are_refused(tamper: dict[str, str], message: str) -> None:
    post = {
        "tenant": "acme",
        "token": SECRET.reveal(),
        "company": "DEMO-MFG",
        "object": "GLACCOUNT",
        "key": "7",
        "id": "1000",
        "event": "set",
    }
    post.update(tamper)
    with pytest.raises(DeliveryRejected, match=message):
        read_delivery(post, tenant_id="acme", webhook_secret=SECRET, company_id="DEMO-MFG")
