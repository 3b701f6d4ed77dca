"""Smart Events installed by a customization package: firing, delivery, retries, log."""

from __future__ import annotations

import threading
from urllib.parse import parse_qsl

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.admin import AdminError
from tests.sandbox.envelope import Caller, envelope, fn, login
from tests.servers import serve_in_thread


def package(target: str, condition: str = '{!GLACCOUNT.STATUS!} == "active"') -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<customErpPackage>
  <packageDescription><name>intacct-bridge</name><description>events</description>
    <author>intacct-bridge</author></packageDescription>
  <smartLinks>
    <smartLink>
      <smartLinkId>BRIDGE_GLACCOUNT</smartLinkId>
      <type>workflow</type>
      <ownerObject>glaccount</ownerObject>
      <events><event>add</event><event>set</event><event>delete</event></events>
      <target>{target}</target>
      <renderDetails><workflow>
        <action><httpPostAction><method>post</method><arguments>
          <argument><argument>recordno</argument><value>{{!GLACCOUNT.RECORDNO!}}</value></argument>
          <argument><argument>accountno</argument><value>{{!GLACCOUNT.ACCOUNTNO!}}</value></argument>
          <argument><argument>title</argument><value>{{!GLACCOUNT.TITLE!}}</value></argument>
        </arguments><requestTimeout>2</requestTimeout></httpPostAction></action>
        <condition>{condition}</condition>
      </workflow></renderDetails>
      <active>true</active>
    </smartLink>
  </smartLinks>
</customErpPackage>""".encode()


class Receiver:
    """Records form posts in memory; ``fail_first`` answers 500 that many times."""

    def __init__(self) -> None:
        self.posts: list[dict[str, str]] = []
        self.fail_first = 0
        self.lock = threading.Lock()

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            with self.lock:
                if self.fail_first:
                    self.fail_first -= 1
                    return httpx.Response(500)
                self.posts.append(dict(parse_qsl(request.content.decode())))
            return httpx.Response(200)

        return httpx.MockTransport(handle)


def account(number: str, title: str, status: str = "active") -> str:
    return (
        f"<create><GLACCOUNT><ACCOUNTNO>{number}</ACCOUNTNO><TITLE>{title}</TITLE>"
        f"<STATUS>{status}</STATUS></GLACCOUNT></create>"
    )


@pytest.fixture
def receiver(sandbox: Sandbox) -> Receiver:
    receiver = Receiver()
    sandbox.backend.smart_event_transport = receiver.transport()
    return receiver


def test_create_update_delete_deliver_posts(
    sandbox: Sandbox, caller: Caller, creds: QuickstartCredentials, receiver: Receiver
) -> None:
    installed = sandbox.admin.import_package(creds.company_id, package("https://bridge.test/h"))
    assert installed == ["BRIDGE_GLACCOUNT"]
    recordno = caller.ok(account("1000", "Cash")).data().findtext("glaccount/RECORDNO")
    caller.ok(
        f"<update><GLACCOUNT><RECORDNO>{recordno}</RECORDNO><TITLE>Cash at bank</TITLE>"
        "</GLACCOUNT></update>"
    )
    caller.ok(f"<delete><object>GLACCOUNT</object><keys>{recordno}</keys></delete>")
    log = sandbox.admin.deliveries(creds.company_id, wait=5)
    assert [(d["topic"], d["status"], d["attempts"]) for d in log] == [
        ("ADD_GLACCOUNT", "delivered", 1),
        ("SET_GLACCOUNT", "delivered", 1),
        ("DELETE_GLACCOUNT", "delivered", 1),
    ]
    assert receiver.posts == [
        {"recordno": recordno, "accountno": "1000", "title": "Cash"},
        {"recordno": recordno, "accountno": "1000", "title": "Cash at bank"},
        {"recordno": recordno, "accountno": "1000", "title": "Cash at bank"},
    ]


def test_condition_filters_events(
    sandbox: Sandbox, caller: Caller, creds: QuickstartCredentials, receiver: Receiver
) -> None:
    sandbox.admin.import_package(creds.company_id, package("https://bridge.test/h"))
    caller.ok(account("2000", "Old", status="inactive"), account("2001", "New"))
    sandbox.admin.deliveries(creds.company_id, wait=5)
    assert [p["accountno"] for p in receiver.posts] == ["2001"]


def test_rolled_back_transaction_fires_nothing(
    sandbox: Sandbox, caller: Caller, creds: QuickstartCredentials, receiver: Receiver
) -> None:
    sandbox.admin.import_package(creds.company_id, package("https://bridge.test/h"))
    reply = caller.call(account("3000", "A"), account("3000", "Duplicate"), transaction=True)
    assert [r.findtext("status") for r in reply.results] == ["aborted", "failure"]
    assert sandbox.admin.deliveries(creds.company_id, wait=1) == []
    assert receiver.posts == []


def test_failed_deliveries_are_retried_a_bounded_number_of_times(
    sandbox: Sandbox, caller: Caller, creds: QuickstartCredentials, receiver: Receiver
) -> None:
    sandbox.backend.dispatcher().backoff = 0.001
    sandbox.admin.import_package(creds.company_id, package("https://bridge.test/h"))
    receiver.fail_first = 2
    caller.ok(account("4000", "Retried"))
    sandbox.admin.deliveries(creds.company_id, wait=5)
    receiver.fail_first = 10
    caller.ok(account("4001", "Lost"))
    log = sandbox.admin.deliveries(creds.company_id, wait=5)
    assert [
        (d["payload"]["accountno"], d["status"], d["attempts"], d["http_status"]) for d in log
    ] == [("4000", "delivered", 3, 200), ("4001", "failed", 3, 500)]
    assert log[1]["last_error"] == "HTTP 500"


def test_unreachable_receiver_does_not_fail_the_api_call(
    sandbox: Sandbox, caller: Caller, creds: QuickstartCredentials
) -> None:
    sandbox.backend.dispatcher().backoff = 0.001
    sandbox.admin.import_package(creds.company_id, package("http://127.0.0.1:9/unreachable"))
    caller.ok(account("5000", "Still created"))
    log = sandbox.admin.deliveries(creds.company_id, wait=10)
    assert log[0]["status"] == "failed"
    assert log[0]["last_error"].startswith("ConnectError")


def test_invalid_package_changes_nothing(sandbox: Sandbox, creds: QuickstartCredentials) -> None:
    with pytest.raises(AdminError, match=r"not imported.*not one of add, set, delete"):
        sandbox.admin.import_package(
            creds.company_id,
            package("https://x.test/h").replace(b"<event>set</event>", b"<event>edit</event>"),
        )
    assert sandbox.admin.packages(creds.company_id) == []


@pytest.mark.server
def test_round_trip_over_http_with_admin_api(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    received: list[dict[str, str]] = []

    async def hook(request: Request) -> PlainTextResponse:
        received.append(dict(parse_qsl((await request.body()).decode())))
        return PlainTextResponse("ok")

    receiver_app = Starlette(routes=[Route("/events", hook, methods=["POST"])])
    with serve_in_thread(receiver_app) as hook_base, serve_in_thread(sandbox.asgi_app()) as base:
        with httpx.Client(base_url=base) as client:
            admin = f"/sandbox/admin/companies/{creds.company_id}"
            imported = client.post(f"{admin}/packages", content=package(f"{hook_base}/events"))
            assert imported.status_code == 201, imported.text
            body = envelope(
                fn(account("6000", "Inventory")),
                sender_id=creds.sender_id,
                sender_password=creds.sender_password,
                authentication=login(creds.user_id, creds.company_id, creds.user_password),
            )
            assert (
                b"<status>success</status>"
                in client.post("/ia/xml/xmlgw.phtml", content=body).content
            )
            log = client.get(f"{admin}/smart-events/deliveries", params={"wait": 5}).json()
            bad = client.post(f"{admin}/packages", content=b"<customErpPackage>")
    assert [d["status"] for d in log["deliveries"]] == ["delivered"]
    assert received == [
        {"recordno": received[0]["recordno"], "accountno": "6000", "title": "Inventory"}
    ]
    assert bad.status_code == 422
    assert "not well-formed" in bad.json()["error"]


def test_reimporting_a_package_replaces_its_links(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    sandbox.admin.import_package(creds.company_id, package("https://old.test/h"))
    sandbox.admin.import_package(creds.company_id, package("https://new.test/h"))
    (installed,) = sandbox.admin.packages(creds.company_id)
    assert [link["target"] for link in installed["smart_links"]] == ["https://new.test/h"]
    other = package("https://x.test/h").replace(
        b"<name>intacct-bridge</name>", b"<name>someone else</name>"
    )
    with pytest.raises(AdminError, match="installed by another package"):
        sandbox.admin.import_package(creds.company_id, other)
