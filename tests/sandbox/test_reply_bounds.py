"""One request cannot make an unbounded reply: the reply budget and the function cap."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest
from lxml import etree

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox, SandboxSettings
from tests.sandbox.envelope import envelope, fn, login
from tests.servers import free_port, start_sandbox_serve, stop_sandbox_serve

CREDS = QuickstartCredentials()
LIMIT = SandboxSettings().max_reply_bytes


def _body(functions: str) -> bytes:
    return envelope(
        functions,
        sender_id=CREDS.sender_id,
        sender_password=CREDS.sender_password,
        authentication=login(CREDS.user_id, CREDS.company_id, CREDS.user_password),
    )


def _vendors(count: int) -> bytes:
    return _body(
        "".join(
            fn(
                f"<create><VENDOR><VENDORID>V{n:05d}</VENDORID><NAME>Vendor {n} of many</NAME>"
                f"<DISPLAYCONTACT><PRINTAS>Vendor {n}</PRINTAS><EMAIL1>ap{n}@example.com</EMAIL1>"
                "<MAILADDRESS><ADDRESS1>1 Long Road</ADDRESS1><CITY>Leeds</CITY>"
                "</MAILADDRESS></DISPLAYCONTACT></VENDOR></create>"
            )
            for n in range(count)
        )
    )


def _big_reads(count: int) -> bytes:
    read = (
        "<readByQuery><object>VENDOR</object><fields>*</fields><query></query>"
        "<pagesize>1000</pagesize></readByQuery>"
    )
    return _body("".join(fn(read) for _ in range(count)))


@pytest.fixture(scope="module")
def crowded() -> Sandbox:
    sandbox = Sandbox(seed=3)
    sandbox.quickstart()
    reply = sandbox.gateway.handle(_vendors(1000), endpoint=sandbox.endpoint)
    assert b"<status>failure</status>" not in reply.body
    return sandbox


def test_a_reply_never_exceeds_its_budget(crowded: Sandbox) -> None:
    reply = crowded.gateway.handle(_big_reads(30), endpoint=crowded.endpoint)
    assert reply.status == 200
    # 30 pages of 1,000 vendors are far over the budget; the reply stays within it
    assert len(reply.body) <= LIMIT + 64 * 1024, len(reply.body)
    results = etree.fromstring(reply.body).findall("operation/result")
    assert len(results) == 30  # one result per function, in order
    statuses = [r.findtext("status") for r in results]
    served = statuses.count("success")
    assert 0 < served < 30
    assert statuses == ["success"] * served + ["failure"] * (30 - served)
    refused = results[served]
    assert refused.findtext("errormessage/error/errorno") == "DL02000001"
    assert f"of the reply's {LIMIT} bytes are left" in (
        refused.findtext("errormessage/error/description2") or ""
    )
    # the functions after it are not run at all (the work is bounded too)
    for later in results[served + 1 :]:
        assert f"readByQuery was not run: the reply reached its limit of {LIMIT} bytes" in (
            later.findtext("errormessage/error/description2") or ""
        )
    page = results[0].find("data")
    assert page is not None and page.get("count") == "1000"


def test_a_function_over_the_budget_in_a_transaction_rolls_it_back(crowded: Sandbox) -> None:
    crowded.backend.settings.max_reply_bytes = 50_000
    try:
        body = _body(
            fn("<create><VENDOR><VENDORID>TX1</VENDORID><NAME>T</NAME><DISPLAYCONTACT>"
               "<PRINTAS>T</PRINTAS></DISPLAYCONTACT></VENDOR></create>")
            + fn("<readByQuery><object>VENDOR</object><fields>*</fields><query></query>"
                 "<pagesize>1000</pagesize></readByQuery>")
        ).replace(b"<operation>", b'<operation transaction="true">')  # fmt: skip
        root = etree.fromstring(crowded.gateway.handle(body, endpoint=crowded.endpoint).body)
        assert [r.findtext("status") for r in root.iterfind("operation/result")] == [
            "aborted",
            "failure",
        ]
        table = crowded.backend.companies[CREDS.company_id].data.table("VENDOR")
        assert "TX1" not in table.by_id
    finally:
        crowded.backend.settings.max_reply_bytes = LIMIT


def test_too_many_functions_is_refused_before_anything_runs(crowded: Sandbox) -> None:
    limit = crowded.backend.settings.max_functions
    create = (
        "<create><VENDOR><VENDORID>MANY{}</VENDORID><NAME>M</NAME><DISPLAYCONTACT>"
        "<PRINTAS>M</PRINTAS></DISPLAYCONTACT></VENDOR></create>"
    )
    body = _body("".join(fn(create.format(n)) for n in range(limit + 1)))
    reply = crowded.gateway.handle(body, endpoint=crowded.endpoint)
    root = etree.fromstring(reply.body)
    assert root.findtext("control/status") == "failure"
    assert root.findtext("errormessage/error/errorno") == "XL03000003"
    assert f"holds {limit + 1} functions; the gateway accepts at most {limit}" in (
        root.findtext("errormessage/error/description2") or ""
    )
    table = crowded.backend.companies[CREDS.company_id].data.table("VENDOR")
    assert "MANY0" not in table.by_id


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")  # pragma: no cover


@pytest.mark.server
@pytest.mark.timeout(180)
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_the_servers_memory_stays_bounded_under_the_58kb_request() -> None:
    """The issue's request: 400 readByQuery pagesize 1000 over 1,000 vendors (58 KB)
    made a 278 MB reply and took the server to 1.9 GB. Now the reply is within budget and
    the server's peak memory grows by a bounded amount."""
    port = free_port()
    process = start_sandbox_serve(None, port)
    url = f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml"
    try:
        with httpx.Client(timeout=120) as client:
            assert client.post(url, content=_vendors(1000)).status_code == 200
            client.post(url, content=_big_reads(1))  # warm: one full page
            before = _peak_rss_mb(process.pid)
            body = _big_reads(400)
            assert len(body) < 70_000
            reply = client.post(url, content=body, headers={"accept-encoding": "identity"})
            after = _peak_rss_mb(process.pid)
        assert reply.status_code == 200
        assert len(reply.content) <= LIMIT + 64 * 1024
        assert reply.content.count(b"<status>success</status>") > 1
        assert after - before < 400, f"peak RSS grew {after - before:.0f} MB ({before:.0f} MB)"
    finally:
        stop_sandbox_serve(process, signal.SIGTERM)
