"""The console in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium,
installed by .ci/run through apt when missing; never a browser download).

One walk through the daily work, against a live server on a free port and the in-process
sandbox: sign in, configure and test the connection, remove a mapped property, find a
record in error and Force synchronise it after fixing its cause, read the dashboard, run
"Create all" with its live progress, read the finance pages and reconcile, create an API key,
download the custom package. Screenshots go to the test's temporary folder, or to
``$INTACCT_BRIDGE_SCREENSHOTS`` (``docs/console`` regenerates the README's).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from intacct_bridge.model.finance import Ledger, PaymentTerm
from intacct_bridge.sync import state
from intacct_bridge.sync.state import SyncState
from intacct_bridge.web.console.finance import types_of
from tests.console.conftest import PASSWORD, World, demo_documents, record_posting
from tests.sync.conftest import customer, item

CHROMIUM = "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None,
    reason="Debian's chromium is not installed (apt-get install chromium)",
)


@pytest.fixture
def served(world: World, backend: str) -> Iterator[str]:
    if backend != "sqlite":
        pytest.skip("the browser walk runs once, on SQLite")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(world.app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the console server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_the_daily_walk_in_chromium(world: World, served: str, tmp_path: Path) -> None:
    shots = Path(os.environ.get("INTACCT_BRIDGE_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    # a record in error: its payment term is unknown in Intacct
    world.save(world.a, PaymentTerm(ledger=Ledger.AR, id="N30", due_days=30))
    world.save(world.a, customer("C1", payment_term_id="N30"), customer("C2"), item("W-1"))
    world.worker().run_until_idle(world.a)
    # a month of documents, some of them posted to Intacct (the posting state `post` records)
    posted = demo_documents(world, documents=40)
    refused = next(d for d in posted if d.type.value in types_of("journal"))
    for number, document in enumerate(posted[:25]):
        failed = document is refused
        record_posting(world, document, "error" if failed else "success", 1000 + number)
    if refused not in posted[:25]:
        record_posting(world, refused, "error", None)
    base = f"{served}/console/t/{world.a}"

    with playwright_api.sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        try:
            # sign in (a wrong password first: one message that names no part)
            page.goto(f"{served}/console/")
            page.fill("#username", world.admin)
            page.fill("#password", "not the password")
            page.click("button[type=submit]")
            assert page.locator(".error").inner_text() == "Wrong user name or password."
            page.screenshot(path=str(shots / "sign-in.png"))
            page.fill("#username", world.admin)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/monitor")

            # configure and test the connection
            page.goto(f"{base}/config")
            assert page.locator("#sender_password").input_value() == ""
            page.fill("#async_timeout", "90")
            page.click("#config-form button[type=submit]")
            page.wait_for_selector(".notice")
            page.click("button:has-text('Test connection')")
            page.wait_for_selector("#connection .notice")
            assert "The connection works." in page.inner_text("#connection")
            page.screenshot(path=str(shots / "configuration.png"), full_page=True)

            # remove a mapped property
            page.goto(f"{base}/mapping/CUSTOMER")
            assert page.locator("#field-TAXID").count() == 1
            page.click("button[aria-label='remove TAXID']")
            page.wait_for_selector(".notice")
            assert page.locator("#field-TAXID").count() == 0
            page.screenshot(path=str(shots / "mapping.png"), full_page=True)

            # find the record in error, fix its cause, Force synchronise it
            page.goto(f"{base}/monitor")
            page.select_option("select[name=state]", "error")
            page.wait_for_selector("text=TERMNAME")
            page.screenshot(path=str(shots / "monitor-error.png"), full_page=True)
            world.sandbox.admin.seed(
                world.creds.company_id, "ARTERM", [{"NAME": "N30", "DUEDATE": 30}]
            )
            page.check("input[aria-label='select customer C1']")
            page.click("button[value=force]")
            page.wait_for_selector(".notice")
            deadline = time.monotonic() + 20
            while True:
                with world.sessions() as session:
                    got = state.get_state(session, world.a, "customer", "C1")
                if got is not None and got.state is SyncState.SUCCESS:
                    break
                assert time.monotonic() < deadline, got
                time.sleep(0.2)
            page.goto(f"{base}/monitor?key=C1")
            assert "Synchronised" in page.inner_text("#record-table")
            page.goto(f"{base}/monitor")
            page.screenshot(path=str(shots / "monitor.png"), full_page=True)

            # read the dashboard and the message history
            page.goto(f"{base}/dashboard")
            assert page.locator("#states-chart svg").count() == 1
            assert "Customers" in page.inner_text("#states-chart")
            assert page.locator("#postings-chart svg rect").count() > 0
            page.screenshot(path=str(shots / "dashboard.png"), full_page=True)
            page.goto(f"{base}/messages")
            page.screenshot(path=str(shots / "messages.png"), full_page=True)

            # Create all: the full pull runs in the background, its progress polled by htmx
            page.goto(f"{base}/mapping")
            page.click("#create-all-form button")
            page.wait_for_selector("text=Create all finished", timeout=30_000)
            assert "GLACCOUNT" in page.inner_text("#create-all")
            page.screenshot(path=str(shots / "mapping-create-all.png"), full_page=True)

            # finance: AR documents with their Intacct status and link, then reconcile
            page.goto(f"{base}/finance/ar")
            assert page.locator("#finance-documents a[href^='https://']").count() > 0
            page.screenshot(path=str(shots / "finance-ar.png"), full_page=True)
            page.goto(f"{base}/finance/journal?state=error")
            assert "Intacct refused" in page.inner_text("#finance-documents")
            page.goto(f"{base}/finance/reconcile")
            page.click("#reconcile-form button")
            page.wait_for_selector("#reconcile-report")
            page.screenshot(path=str(shots / "reconcile.png"), full_page=True)
            page.goto(f"{base}/finance/dimension-types")
            assert page.locator("#dimension-types tr").count() > 1
            page.screenshot(path=str(shots / "dimension-types.png"), full_page=True)

            # an API key: shown once, then only its prefix
            page.goto(f"{base}/api-keys")
            page.fill("#key-name", "warehouse WMS")
            page.check("input[value='documents:write']")
            page.check("input[value='state:read']")
            page.click("#api-key-form button")
            key = page.inner_text("#new-key-text")
            assert key.startswith("ibk_")
            page.goto(f"{base}/api-keys")
            assert key not in page.content()
            page.screenshot(path=str(shots / "api-keys.png"), full_page=True)

            # download the custom package
            page.goto(f"{base}/config?tab=package")
            with page.expect_download() as waiting:
                page.click("#download-package")
            download = waiting.value
            assert download.suggested_filename == f"intacct-bridge-package-{world.a}.xml"
            assert b"customErpPackage" in Path(download.path()).read_bytes()
        finally:
            browser.close()
