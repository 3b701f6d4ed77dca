"""Posting by ``intacct-bridge worker --post`` processes on PostgreSQL, against a sandbox
served over HTTP.

* Each tenant posts with its stored posting configuration (``config posting set``), not the
  worker's defaults: a stock journal and a default account other than the usual ones end up
  on the posted entries.
* Issue 11's chaos acceptance in one run: with 10% transient failures, 5% commit-then-drop
  and the worker running the posting job SIGKILLed twice mid-run, every document is in
  Intacct exactly once (counted in the sandbox by the bridge's key) with its RECORDNO on its
  posting state, and ``reconcile`` is clean.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, select

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.posting import effective_config
from intacct_bridge.config.secrets import Keyring, KeySource, generate_key
from intacct_bridge.config.store import save_config
from intacct_bridge.export import ReconcileReport, reconcile
from intacct_bridge.model.documents import Document, DocumentType
from intacct_bridge.model.finance import Journal
from intacct_bridge.sandbox import GATEWAY_PATH, QuickstartCredentials, Sandbox
from intacct_bridge.secret import Secret
from intacct_bridge.store.repositories import save_record
from intacct_bridge.store.session import session_factory
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.sync.connect import client_for, load_config
from intacct_bridge.sync.state import SyncState
from tests.export.world import TENANT, make_sandbox, make_store, month
from tests.posting.books import DEPT_SALES, document, line
from tests.servers import serve_in_thread
from tests.store.fixtures import PG_URL, PG_URL_ENV, scratch_pg_url
from tests.sync.test_engine_pg import _post_job_worker, _post_jobs, _stop, _wait, _worker_ids

pytestmark = pytest.mark.skipif(not PG_URL, reason=f"set {PG_URL_ENV} to run on PostgreSQL")

T = DocumentType
POSTING = SyncStateRow.kind == "posting"
#: the posting configuration every test stores for the tenant (config posting set)
STORED = [
    *("--default-account", "goods_in_transit=1230"),
    *("--default-account", "rounding=7100"),
    *("--rate", "EUR/USD=1.1@2026-11-01"),
    *("--interentity-accounts", "1900,2900"),
]


@dataclass
class Deployment:
    url: str
    engine: Engine
    keyring: Keyring
    sandbox: Sandbox
    creds: QuickstartCredentials

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "INTACCT_BRIDGE_SECRET_KEY": self.keyring.keys[0].decode(),
            "INTACCT_BRIDGE_DB_URL": self.url,
            "INTACCT_BRIDGE_TENANT": TENANT,
            "PYTHONUNBUFFERED": "1",
            # a killed worker's slot stays leased for its request timeout: keep it short
            "INTACCT_BRIDGE_REQUEST_TIMEOUT": "5",
        }
        env.pop("INTACCT_BRIDGE_SECRET_KEY_FILE", None)
        return env

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "intacct_bridge.cli.main", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def worker(self, *options: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                *(sys.executable, "-m", "intacct_bridge.cli.main", "worker", "--post"),
                *("--tenant", TENANT, "--poll", "1", "--stalled-after", "3", "--grace", "1"),
                *options,
            ],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def states(self) -> list[SyncStateRow]:
        with session_factory(self.engine)() as session:
            return list(session.scalars(select(SyncStateRow).where(POSTING)))

    def posted(self) -> int:
        return sum(1 for row in self.states() if row.state == SyncState.SUCCESS.value)

    def records(self, object_name: str) -> list[dict[str, Any]]:
        return self.sandbox.admin.records(self.creds.company_id, object_name)


@contextmanager
def deployed(documents: list[Document]) -> Iterator[tuple[Deployment, str]]:
    """The export world's tenant on a fresh PostgreSQL schema, with journals INVJ and XJ in
    the store and the sandbox, its integration pointing at the sandbox served over HTTP."""
    with scratch_pg_url() as url:
        sandbox, creds = make_sandbox()
        sandbox.admin.seed(creds.company_id, "GLJOURNAL", [{"SYMBOL": "XJ", "TITLE": "Other"}])
        # the worker also synchronises the store's customer, naming its contact this way
        sandbox.admin.seed(
            creds.company_id, "CONTACT", [{"CONTACTNAME": "Customer CUST1", "PRINTAS": "Acme"}]
        )
        engine = make_store(url, documents)
        keyring = Keyring([generate_key()], KeySource("env"))
        try:
            with serve_in_thread(sandbox.asgi_app()) as base:
                config = IntegrationConfig(
                    tenant_id=TENANT,
                    option_active=True,
                    endpoint_url=base + GATEWAY_PATH,
                    sender_id=creds.sender_id,
                    sender_password=Secret(creds.sender_password),
                    company_id=creds.company_id,
                    user_id=creds.user_id,
                    user_password=Secret(creds.user_password),
                )
                with session_factory(engine).begin() as session:
                    save_config(session, TENANT, config, keyring)
                    save_record(session, TENANT, Journal(id="INVJ", name="Inventory journal"))
                    save_record(session, TENANT, Journal(id="XJ", name="Other"))
                yield Deployment(url, engine, keyring, sandbox, creds), base
        finally:
            engine.dispose()


def _run_until_posted(
    deployment: Deployment, workers: list[subprocess.Popen[bytes]], total: int
) -> None:
    def settled() -> bool:
        states = deployment.states()
        return (
            _post_jobs(deployment.engine) == 0
            and len(states) == total
            and all(row.state == SyncState.SUCCESS.value for row in states)
        )

    try:
        _wait("every document posted", settled, workers, deployment.engine)
    except AssertionError as failure:
        unsettled = [
            (row.key, row.state, row.last_message)
            for row in deployment.states()
            if row.state != SyncState.SUCCESS.value
        ]
        raise AssertionError(f"{failure}; not posted: {unsettled}") from None


def test_worker_posts_with_each_tenants_stored_configuration() -> None:
    documents = [
        document(T.PURCHASE_RECEIPT, line(quantity="2", unit_cost="10.00"), number="PR-W"),
        document(T.MISC_STOCK_RECEIPT, line(quantity="3", unit_cost="10.00"), number="MR-W"),
    ]
    with deployed(documents) as (deployment, _base):
        # stored: journal XJ and misc. receipts against 5400 — neither is what the worker
        # would take without the tenant's configuration (INVJ, and no misc. receipt account)
        deployment.cli(
            *("config", "posting", "set", "--stock-journal", "XJ"),
            *("--default-account", "misc_receipt_offset=5400", *STORED),
        )
        workers = [deployment.worker()]
        try:
            _run_until_posted(deployment, workers, len(documents))
        finally:
            _stop(workers)
        batches = {str(b["REFERENCENO"]): b for b in deployment.records("GLBATCH")}
        assert {key: b["JOURNAL"] for key, b in batches.items()} == {
            "purchase_receipt/PR-W/GLBATCH": "XJ",
            "misc_stock_receipt/MR-W/GLBATCH": "XJ",
        }
        misc = [
            row
            for row in deployment.records("GLDETAIL")
            if str(row.get("BATCHKEY"))
            == str(batches["misc_stock_receipt/MR-W/GLBATCH"]["RECORDNO"])
        ]
        assert sorted((str(r["ACCOUNTNO"]), str(r["TR_TYPE"])) for r in misc) == [
            ("1220", "1"),
            ("5400", "-1"),
        ]


# --- chaos ----------------------------------------------------------------------------------

RECEIPTS = 80


def _chaos_documents() -> list[Document]:
    """The export world's month, 80 receipts and 8 EUR bills whose lines round differently
    one by one than in total."""
    receipts = [
        document(T.PURCHASE_RECEIPT, line(quantity="1", unit_cost="10.00"), number=f"R-{n:03d}")
        for n in range(RECEIPTS)
    ]
    bills = [
        document(
            T.PURCHASE_INVOICE,
            line(1, quantity="6", unit_price="9.55"),
            line(2, item="FREIGHT", unit_price="0.05"),
            line(3, item="FREIGHT", unit_price="0.15", dimensions=DEPT_SALES),
            number=f"FX-{n}",
            supplier_invoice_number=f"EU-{n}",
            currency="EUR",
            date=dt.date(2026, 11, 12),
        )
        for n in range(8)
    ]
    return [*month(), *receipts, *bills]


def _bridge_key(object_name: str, record: dict[str, Any]) -> str:
    """The bridge's key an Intacct record carries (export/convert.py ``lookup_for``)."""
    if object_name == "GLBATCH":
        return str(record.get("REFERENCENO") or "")
    if object_name == "APBILL":
        return str(record.get("DOCNUMBER") or "")
    return str(record.get("RECORDID") or "")


def test_chaos_every_document_once_with_its_recordno_and_reconcile_clean() -> None:
    documents = _chaos_documents()
    total = len(documents)
    with deployed(documents) as (deployment, _base):
        deployment.cli(
            *("config", "posting", "set", "--stock-journal", "INVJ", "--batch", "3", *STORED),
            *("--default-account", "misc_receipt_offset=5600"),
        )
        company = deployment.creds.company_id
        faults = deployment.sandbox.faults
        faults.set_limits(
            company,
            failure_rate=0.10,
            drop_rate=0.05,
            latency_per_request=0.4,
            latency_per_function=0.004,
        )
        workers: list[subprocess.Popen[bytes]] = []
        by_id: dict[int, subprocess.Popen[bytes]] = {}

        def start() -> None:
            known = set(by_id)
            workers.append(deployment.worker())
            _wait(
                "the worker registered",
                lambda: len(set(_worker_ids(deployment.engine)) - known) >= 1,
                workers,
            )
            (new,) = set(_worker_ids(deployment.engine)) - known
            by_id[new] = workers[-1]

        kills = 0
        try:
            for _ in range(2):
                start()
            # twice: SIGKILL the worker running the posting job once it has posted more,
            # and start another in its place
            for step in (10, 50):

                def running(step: int = step) -> bool:
                    done = deployment.posted()
                    if done >= total:
                        return True  # too late to kill: the assertion below says so
                    return done >= step and _post_job_worker(deployment.engine) in by_id

                _wait(f"{step} documents posted", running, workers, deployment.engine)
                runner = _post_job_worker(deployment.engine)
                if runner is None or runner not in by_id or deployment.posted() >= total:
                    continue
                by_id[runner].send_signal(signal.SIGKILL)
                by_id[runner].wait(timeout=10)
                kills += 1
                start()
            _run_until_posted(deployment, workers, total)
        finally:
            outputs = _stop(workers)
        assert kills == 2, "both kills must land in the middle of the posting"
        assert any("of a dead worker" in out for out in outputs), outputs
        outcomes = faults.describe()["outcomes"]
        assert outcomes.get("drop", 0) >= 1 and outcomes.get("fail", 0) >= 1, outcomes
        faults.set_limits(company, failure_rate=0.0, drop_rate=0.0, latency_per_request=0.0)

        # in Intacct exactly once: every bridge key on one record of its object
        found: dict[tuple[str, str], list[int]] = {}
        for object_name in ("GLBATCH", "APBILL", "ARINVOICE", "APADJUSTMENT", "ARADJUSTMENT"):
            for record in deployment.records(object_name):
                key = (object_name, _bridge_key(object_name, record))
                found.setdefault(key, []).append(int(str(record["RECORDNO"])))
        twice = {key: numbers for key, numbers in found.items() if len(numbers) != 1}
        assert twice == {}
        # … with its RECORDNO on its posting state, every document
        states = deployment.states()
        assert len(states) == total
        for row in states:
            assert row.state == SyncState.SUCCESS.value and row.record_no is not None, row.key
            number = row.key.split("/", 1)[1]
            by_key = f"{row.key}/{row.intacct_object}"
            key = by_key if row.intacct_object in ("GLBATCH", "APBILL") else number
            assert found.get((str(row.intacct_object), key)) == [row.record_no], row.key
        receipts = sorted(
            k for o, k in found if o == "GLBATCH" and k.startswith("purchase_receipt/R-")
        )
        assert receipts == [f"purchase_receipt/R-{n:03d}/GLBATCH" for n in range(RECEIPTS)]

        with session_factory(deployment.engine)() as session:
            config, _ = effective_config(session, TENANT)
            integration = load_config(session, TENANT, deployment.keyring)

        async def check() -> ReconcileReport:
            async with client_for(integration) as client:
                return await reconcile(deployment.engine, TENANT, client, "2026-11", config=config)

        report = asyncio.run(check())
        assert report.differences == [] and report.unposted == [] and report.problems == []
        assert report.clean and len(report.posted) == total
