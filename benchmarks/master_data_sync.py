"""Master data sync: records per second through the whole path — store → outbox → embedded
worker → client → sandbox → sync state — against the physical limit, and the cost of a
re-run with nothing changed.

The sandbox runs over HTTP in its own process (``benchmarks/sandbox_server.py``) with the
latency model of issue 10 — 100 ms per request + 10 ms per function — and 2 concurrency
slots. Requests hold at most 100 functions, so the physical limit is
``2 x 100 / (0.1 + 0.01 x 100)`` = 181.8 records/s.

    python benchmarks/master_data_sync.py                       # 20,000 records; no-op over 100,000
    python benchmarks/master_data_sync.py --records 2000 --noop-records 10000
    python benchmarks/master_data_sync.py --db postgresql+psycopg://postgres@127.0.0.1/bench

The no-op re-run needs ``--noop-records`` synchronised records: those beyond ``--records``
are synchronised first through a second sandbox without latency (not timed). The "10
tenants with 3 worker processes" part of the issue needs the multi-process engine
(docs/decisions/0001-sync-jobs.md) and is not measured yet (``null`` in the JSON).

Prints a table, then — as the last line — one JSON object with ``records_per_s``,
``limit_records_per_s``, ``noop_resync_s``, ``noop_resync_intacct_calls``,
``tenants_records_per_s``, ``tenants_limit_records_per_s`` and the rest.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from client_throughput import sandbox_server  # noqa: E402

from intacct_bridge.config.models import IntegrationConfig  # noqa: E402
from intacct_bridge.config.secrets import Keyring, KeySource, Secret, generate_key  # noqa: E402
from intacct_bridge.config.store import save_config  # noqa: E402
from intacct_bridge.model.items import Item  # noqa: E402
from intacct_bridge.model.kinds import Record  # noqa: E402
from intacct_bridge.model.parties import Address, Customer, Supplier  # noqa: E402
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID  # noqa: E402
from intacct_bridge.sandbox import QuickstartCredentials  # noqa: E402
from intacct_bridge.store.migrate import upgrade  # noqa: E402
from intacct_bridge.store.repositories import (  # noqa: E402
    ensure_default_tenant,
    get_tenant,
    save_record,
)
from intacct_bridge.store.session import create_store_engine, session_factory  # noqa: E402
from intacct_bridge.sync import state  # noqa: E402
from intacct_bridge.sync.worker import EmbeddedWorker  # noqa: E402

CREDS = QuickstartCredentials()
LATENCY_REQUEST = 0.1
LATENCY_FUNCTION = 0.01
SLOTS = 2
BATCH = 100
TENANT = DEFAULT_TENANT_ID


def records(start: int, stop: int) -> list[Record]:
    """Items, customers and suppliers in turn, numbered ``start`` … ``stop - 1``."""
    address = Address(line1="1 Mill Lane", city="Leeds", postal_code="LS1 1AA", country_code="GB")
    out: list[Record] = []
    for n in range(start, stop):
        match n % 3:
            case 0:
                out.append(Item(id=f"BI-{n:07d}", name=f"Bench item {n}"))
            case 1:
                out.append(Customer(id=f"BC{n:07d}", name=f"Bench customer {n}", bill_to=address))
            case _:
                out.append(Supplier(id=f"BV{n:07d}", name=f"Bench supplier {n}", pay_to=address))
    return out


def configure(sessions: object, keyring: Keyring, endpoint: str) -> None:
    config = IntegrationConfig(
        tenant_id=TENANT,
        option_active=True,
        endpoint_url=endpoint,
        sender_id=CREDS.sender_id,
        sender_password=Secret(CREDS.sender_password),
        company_id=CREDS.company_id,
        user_id=CREDS.user_id,
        user_password=Secret(CREDS.user_password),
    )
    with sessions.begin() as session:  # type: ignore[attr-defined]
        if get_tenant(session, TENANT) is None:
            ensure_default_tenant(session)
        save_config(session, TENANT, config, keyring)


def store(sessions: object, start: int, stop: int) -> float:
    began = time.perf_counter()
    chunk = 1000
    for first in range(start, stop, chunk):
        with sessions.begin() as session:  # type: ignore[attr-defined]
            for record in records(first, min(first + chunk, stop)):
                save_record(session, TENANT, record)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--noop-records", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.db or f"sqlite:///{directory}/bench.db"
        upgrade(url)
        engine = create_store_engine(url)
        sessions = session_factory(engine)
        keyring = Keyring([generate_key()], KeySource("env"))
        latency = (
            "--latency-request",
            str(LATENCY_REQUEST),
            "--latency-function",
            str(LATENCY_FUNCTION),
            "--slots",
            str(SLOTS),
        )

        store_seconds = store(sessions, 0, args.records)
        with sandbox_server(*latency) as endpoint:
            configure(sessions, keyring, endpoint)
            worker = EmbeddedWorker(engine, keyring)
            first = worker.run_until_idle(TENANT)
        if first.success != args.records or first.errors:
            raise SystemExit(f"the sync did not complete: {first}")

        extra = max(0, args.noop_records - args.records)
        if extra:
            store(sessions, args.records, args.records + extra)
            with sandbox_server() as endpoint:  # no latency: preparation, not measured
                configure(sessions, keyring, endpoint)
                prepared = EmbeddedWorker(engine, keyring).run_until_idle(TENANT)
            if prepared.success != extra or prepared.errors:
                raise SystemExit(f"the preparation did not complete: {prepared}")
        total = args.records + extra
        with sessions() as session:
            synced = state.count_states(session, TENANT, state="success")
        if synced != total:
            raise SystemExit(f"{synced} records synchronised, expected {total}")

        noop = EmbeddedWorker(engine, keyring).run_until_idle(TENANT)

        # everything queued again by hand: the fingerprints match, still no call
        with sessions.begin() as session:
            for kind in ("item", "customer", "supplier"):
                for row in state.list_states(session, TENANT, kind=kind):
                    state.mark_changed(session, TENANT, row.kind, row.key, force=True)
        forced = EmbeddedWorker(engine, keyring).run_until_idle(TENANT)
        engine.dispose()

    limit = SLOTS * BATCH / (LATENCY_REQUEST + LATENCY_FUNCTION * BATCH)
    rate = args.records / first.seconds
    rows = [
        (
            "store (save_record)",
            f"{args.records:,} records",
            f"{store_seconds:.1f} s",
            f"{args.records / store_seconds:.0f} records/s",
        ),
        (
            "sync: store → Intacct → state",
            f"{args.records:,} records",
            f"{first.seconds:.1f} s",
            f"{rate:.1f} records/s",
        ),
        (f"physical limit ({SLOTS} slots, {BATCH}/request)", "", "", f"{limit:.1f} records/s"),
        ("sync / limit", "", "", f"{rate / limit:.1%}"),
        ("requests sent", "", "", f"{first.requests}"),
        (
            "re-run, nothing changed",
            f"{total:,} records",
            f"{noop.seconds:.2f} s",
            f"{noop.requests} Intacct calls",
        ),
        (
            "re-run, all re-queued",
            f"{total:,} records",
            f"{forced.seconds:.1f} s",
            f"{forced.requests} Intacct calls, {forced.unchanged:,} unchanged",
        ),
    ]
    width = [max(len(r[i]) for r in rows) for i in range(4)]
    print("latency model: 100 ms/request + 10 ms/function, 2 slots; items, customers, suppliers")
    for row in rows:
        print("  ".join(cell.ljust(width[i]) for i, cell in enumerate(row)))
    print(
        json.dumps(
            {
                "records": args.records,
                "records_per_s": round(rate, 2),
                "limit_records_per_s": round(limit, 2),
                "records_vs_limit": round(rate / limit, 4),
                "sync_seconds": round(first.seconds, 2),
                "requests": first.requests,
                "noop_records": total,
                "noop_resync_s": round(noop.seconds, 3),
                "noop_resync_intacct_calls": noop.requests,
                "forced_resync_s": round(forced.seconds, 2),
                "forced_resync_intacct_calls": forced.requests,
                "tenants_records_per_s": None,
                "tenants_limit_records_per_s": None,
                "database": "sqlite" if args.db is None else engine.dialect.name,
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
