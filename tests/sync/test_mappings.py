"""The mapping page as data: delivered maps, a tenant's changes, inspect and the
RequiredProject fix."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.intacct import RetryPolicy
from intacct_bridge.intacct import functions as fn
from intacct_bridge.model.parties import Address
from intacct_bridge.model.tenancy import Tenant
from intacct_bridge.sandbox import Sandbox
from intacct_bridge.store.repositories import create_tenant
from intacct_bridge.sync import mappings, state
from intacct_bridge.sync.connect import client_for, load_config
from intacct_bridge.sync.mappings import DELIVERED, OUTBOUND_PROPERTIES, Direction, MappingError
from intacct_bridge.sync.outbound import Context, property_value
from intacct_bridge.sync.state import SyncState
from intacct_bridge.sync.worker import EmbeddedWorker
from tests.sync.conftest import (
    TENANT,
    Bridge,
    address,
    contact,
    customer,
    item,
    sandbox_bridge,
    supplier,
)

EVERYWHERE = Address(
    line1="1 Mill Lane",
    line2="Unit 2",
    line3="Mill Estate",
    city="Leeds",
    region="West Yorks",
    postal_code="LS1 1AA",
    country_code="GB",
)
FULL = {
    "item": item("W-1", stock_unit="KG", posting_class_id="PC1"),
    "contact": contact(
        "Ann Smith",
        prefix="Ms",
        last_name="Smith",
        company_name="Acme",
        phone="+44 1",
        address=EVERYWHERE,
    ),
    "customer": customer(
        "C1",
        bill_to=EVERYWHERE,
        ship_to=address("Hull"),
        primary_contact="Ann Smith",
        payment_term_id="N30",
        currency="GBP",
        tax_id="GB1",
        posting_class_id="PC",
    ),
    "supplier": supplier(
        "V1",
        pay_to=EVERYWHERE,
        return_to=address("Hull"),
        primary_contact="Ann Smith",
        payment_term_id="N30",
        currency="GBP",
        tax_id="GB1",
        posting_class_id="PC",
    ),
}


def test_every_outbound_property_resolves_and_every_delivered_row_uses_one() -> None:
    ctx = Context(hide_display_contact=True)
    for kind, props in OUTBOUND_PROPERTIES.items():
        for prop in props:
            value = property_value(FULL[kind], kind, prop, ctx)  # type: ignore[arg-type]
            assert value is not None and value != "", f"{kind}.{prop} resolved to nothing"
    for objmap in DELIVERED.values():
        keys = [row.intacct_field for row in objmap.fields]
        assert len(keys) == len(set(keys)), objmap.intacct_object
        assert objmap.field(objmap.key_field) is not None
        if objmap.direction.sends:
            for row in objmap.mapped:
                assert row.bridge_property in OUTBOUND_PROPERTIES[objmap.bridge_object]
        else:
            assert objmap.direction is Direction.INBOUND
    assert property_value(FULL["item"], "item", "standard_cost", ctx) == Decimal("2.50")
    for name in (
        "GLACCOUNT",
        "GLJOURNAL",
        "APTERM",
        "ARTERM",
        "TAXDETAIL",
        "TAXSOLUTION",
        "LOCATIONENTITY",
        "LOCATION",
        "DEPARTMENT",
        "CLASS",
        "PROJECT",
        "EMPLOYEE",
        "TASK",
        "CHECKINGACCOUNT",
    ):
        assert DELIVERED[name].direction is Direction.INBOUND


def test_a_tenants_changes_are_its_own_and_reset_discards_them(bridge: Bridge) -> None:
    with bridge.sessions.begin() as session:
        create_tenant(session, Tenant(id="other", name="Other"))
        changed = mappings.set_field(session, TENANT, "ITEM", "glgroup", "posting_class_id")
        assert changed.field("GLGROUP").bridge_property == "posting_class_id"  # type: ignore[union-attr]
        assert changed.field("GLGROUP").default_property is None  # type: ignore[union-attr]
        mappings.remove_field(session, TENANT, "GLACCOUNT", "REQUIREPROJECT")
        mappings.set_options(session, TENANT, "CUSTOMER", direction="not sent")
    with bridge.sessions() as session:
        ours = {m.intacct_object: m for m in mappings.list_maps(session, TENANT)}
        theirs = {m.intacct_object: m for m in mappings.list_maps(session, "other")}
    assert ours["ITEM"].customised and not theirs["ITEM"].customised
    assert ours["GLACCOUNT"].field("REQUIREPROJECT") is None
    assert ours["GLACCOUNT"].removed == ("REQUIREPROJECT",)
    assert theirs["GLACCOUNT"].field("REQUIREPROJECT") is not None
    assert ours["CUSTOMER"].direction is Direction.NOT_SENT
    with bridge.sessions.begin() as session:
        for name in ("ITEM", "GLACCOUNT", "CUSTOMER"):
            assert mappings.reset_map(session, TENANT, name) == DELIVERED[name]
    with bridge.sessions() as session:
        assert mappings.list_maps(session, TENANT) == list(DELIVERED.values())


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda s: mappings.set_field(s, TENANT, "ITEM", "ITEMID", "name"), "not editable"),
        (lambda s: mappings.set_field(s, TENANT, "ITEM", "NAME", None), "required"),
        (lambda s: mappings.set_field(s, TENANT, "ITEM", "NAME", "colour"), "not a property"),
        (lambda s: mappings.set_field(s, TENANT, "ITEM", "NOPE", "name"), "no field 'NOPE'"),
        (lambda s: mappings.remove_field(s, TENANT, "GLACCOUNT", "ACCOUNTNO"), "required"),
        (lambda s: mappings.get_map(s, TENANT, "WIDGET"), "not a mapped Intacct object"),
        (lambda s: mappings.set_options(s, TENANT, "ITEM", direction="Inbound"), "cannot be"),
        (lambda s: mappings.set_options(s, TENANT, "ITEM", direction="sideways"), "direction"),
        (lambda s: mappings.set_options(s, TENANT, "ITEM", smart_event=True), "Smart Event"),
        (lambda s: mappings.set_field(s, TENANT, "GLACCOUNT", "TITLE", "id"), "received"),
    ],
)
def test_refused_changes_say_why_and_change_nothing(bridge: Bridge, call, words: str) -> None:  # type: ignore[no-untyped-def]
    with bridge.sessions.begin() as session, pytest.raises(MappingError) as refused:
        call(session)
    assert words in str(refused.value)
    with bridge.sessions() as session:
        assert mappings.list_maps(session, TENANT) == list(DELIVERED.values())


def _mapped_read(bridge: Bridge) -> bool:
    """Read GLACCOUNT with the tenant's mapped fields, as the inbound pull does."""
    with bridge.sessions() as session:
        config: IntegrationConfig = load_config(session, TENANT, bridge.keyring)
        fields = [
            row.intacct_field for row in mappings.get_map(session, TENANT, "GLACCOUNT").mapped
        ]

    async def read() -> bool:
        async with client_for(
            config, transport=bridge.sandbox.transport(), retry=RetryPolicy(attempts=1)
        ) as client:
            result = (await client.execute([fn.read_by_query("GLACCOUNT", "", fields)]))[0]
            return result.ok

    return asyncio.run(read())


def test_required_project_is_found_by_inspect_and_fixed_by_remove_field(bridge: Bridge) -> None:
    # the default sandbox company has no Projects module
    worker = bridge.worker()
    findings = worker.inspect(TENANT)
    fields = {(f.intacct_object, f.intacct_field) for f in findings}
    assert ("GLACCOUNT", "REQUIREPROJECT") in fields and ("GLACCOUNT", "REQUIRETASK") in fields
    project = next(f for f in findings if f.intacct_field == "REQUIREPROJECT")
    assert project.fix == "intacct-bridge mapping remove-field GLACCOUNT REQUIREPROJECT"
    assert "required_project" in project.message
    missing_objects = {f.intacct_object for f in findings if f.intacct_field is None}
    assert {"PROJECT", "TASK"} <= missing_objects
    assert not any(f.intacct_object in ("ITEM", "CUSTOMER", "VENDOR", "CONTACT") for f in findings)
    assert not _mapped_read(bridge)  # what every pull would hit
    with bridge.sessions.begin() as session:
        for finding in findings:
            if finding.intacct_field is not None:
                mappings.remove_field(
                    session, TENANT, finding.intacct_object, finding.intacct_field
                )
            else:
                mappings.set_options(session, TENANT, finding.intacct_object, direction="Not sent")
    assert worker.inspect(TENANT) == []
    assert _mapped_read(bridge)


def test_with_the_projects_module_on_nothing_is_reported() -> None:
    sandbox = Sandbox(seed=9)
    sandbox.quickstart(
        modules={
            "gl",
            "ap",
            "ar",
            "cm",
            "inventory",
            "purchasing",
            "order_entry",
            "tax",
            "projects",
        }
    )
    with sandbox_bridge(sandbox) as bridge:
        found = {(f.intacct_object, f.intacct_field) for f in bridge.worker().inspect(TENANT)}
    assert ("GLACCOUNT", "REQUIREPROJECT") not in found
    assert ("PROJECT", None) not in found


class HidingTransport(httpx.AsyncBaseTransport):
    """A company whose CUSTOMER has no TAXID field (as with a custom field not defined)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        if b"<inspect" in request.content:
            body = body.replace(b"<Field>TAXID</Field>", b"")
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in ("content-encoding", "content-length")
        }
        return httpx.Response(response.status_code, headers=headers, content=body)


def test_a_mapped_field_the_company_lacks_holds_that_object_back_until_fixed(
    bridge: Bridge,
) -> None:
    bridge.save(customer("C1", tax_id="GB123"), item("W-1"))
    worker = EmbeddedWorker(
        bridge.engine,
        bridge.keyring,
        transport=HidingTransport(bridge.sandbox.transport()),
        retry=RetryPolicy(attempts=1),
    )
    report = worker.run_until_idle(TENANT)
    assert report.success == 1  # the item went; the customer waits
    assert [(f.intacct_object, f.intacct_field) for f in report.findings] == [("CUSTOMER", "TAXID")]
    assert report.findings[0].fix == "intacct-bridge mapping remove-field CUSTOMER TAXID"
    assert "C1" not in bridge.intacct("CUSTOMER")
    with bridge.sessions.begin() as session:
        assert state.get_state(session, TENANT, "customer", "C1").state is SyncState.PENDING  # type: ignore[union-attr]
        mappings.remove_field(session, TENANT, "CUSTOMER", "TAXID")
    fixed = worker.run_until_idle(TENANT)
    assert fixed.success == 1 and not fixed.findings
    assert "TAXID" not in {k for k, v in bridge.intacct("CUSTOMER")["C1"].items() if v}
