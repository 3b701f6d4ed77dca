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

    python benchmarks/master_data_sync.py --quick --tenants-db postgresql+psycopg://postgres@127.0.0.1/test

The no-op re-run needs ``--noop-records`` synchronised records: those beyond ``--records``
are synchronised first through a second sandbox without latency (not timed).

With ``--tenants-db`` (a PostgreSQL URL; each run works in a scratch schema it drops after)
it also measures issue 10's "10 tenants at once with 3 worker processes": 10 tenants, each
bound to its own sandbox company with 2 slots, ``--tenant-records`` records each, three
``intacct-bridge worker`` processes, against the 10-company limit (10 x 181.8). Three runs:

1. **the headline — switched on** (measured like the single-tenant figure: the records are
   in the store, the sync runs, the clock runs while it does). The three workers are
   started and left idle (every one has its heartbeat row, then 2.5 s more); the records
   are stored while the tenants' integration option is off (the workers leave such tenants
   alone), then the ten tenants are switched on in one transaction, and records/s run
   **from that commit to the last record synchronised**;
2. **stored in the window** (the production shape of imports streaming in): the workers
   idle, then the records stored while they run (1,000 records per transaction, the
   tenants in turn), records/s from the first record stored to the last synchronised.
   The import's own CPU shares the 2 cores, and the last tenant's records only begin once
   the first half of every other tenant's is stored, so this figure also measures the
   import (``benchmarks/import_throughput.py`` measures that alone);
3. **start-up included**: the records are stored first, then the workers are started,
   and records/s run from the workers' start (three Python start-ups and imports
   included); also shown from the first record synchronised.

Each run also reports the CPU seconds spent in its window by the path — the worker
processes, the sandbox process and the database's backends (PostgreSQL on this machine,
read in ``/proc``) — per record, and the import's own CPU (this process) apart. Without
``--tenants-db`` those figures are ``null`` (the reason is printed). ``--quick`` makes every
part small.

Prints a table, then — as the last line — one JSON object with ``records_per_s``,
``limit_records_per_s``, ``noop_resync_s``, ``noop_resync_intacct_calls``,
``tenants_records_per_s`` (the headline), ``tenants_limit_records_per_s``,
``tenants_stored_in_window`` and ``tenants_startup_included`` (the second and third runs,
the same keys) and the rest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url

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
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID, Tenant  # noqa: E402
from intacct_bridge.sandbox import QuickstartCredentials  # noqa: E402
from intacct_bridge.store.bulk import save_batch  # noqa: E402
from intacct_bridge.store.migrate import upgrade  # noqa: E402
from intacct_bridge.store.repositories import (  # noqa: E402
    create_tenant,
    ensure_default_tenant,
    get_tenant,
)
from intacct_bridge.store.session import create_store_engine, session_factory  # noqa: E402
from intacct_bridge.store.tables.config import IntegrationConfigRow  # noqa: E402
from intacct_bridge.store.tables.sync import SyncStateRow  # noqa: E402
from intacct_bridge.sync import state  # noqa: E402
from intacct_bridge.sync.worker import EmbeddedWorker  # noqa: E402

CREDS = QuickstartCredentials()
LATENCY_REQUEST = 0.1
LATENCY_FUNCTION = 0.01
SLOTS = 2
BATCH = 100
TENANT = DEFAULT_TENANT_ID
TENANTS = 10
WORKER_PROCESSES = 3
LATENCY = (
    "--latency-request",
    str(LATENCY_REQUEST),
    "--latency-function",
    str(LATENCY_FUNCTION),
    "--slots",
    str(SLOTS),
)


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


def store(sessions: object, start: int, stop: int, tenant: str = TENANT) -> float:
    """Save records ``start`` … ``stop - 1`` as an import does (1,000 per transaction)."""
    began = time.perf_counter()
    chunk = 1000
    for first in range(start, stop, chunk):
        with sessions.begin() as session:  # type: ignore[attr-defined]
            results = save_batch(session, tenant, records(first, min(first + chunk, stop)))
        refused = [result for result in results if isinstance(result, Exception)]
        if refused:
            raise SystemExit(f"the store refused a record: {refused[0]}")
    return time.perf_counter() - began


def _scratch_schema(url: str) -> tuple[str, str]:
    """A new schema in the PostgreSQL database ``url``; (its name, a URL working in it)."""
    schema = f"ib_bench_{uuid.uuid4().hex[:10]}"
    admin = create_store_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return schema, scoped.render_as_string(hide_password=False)


def _drop_schema(url: str, schema: str) -> None:
    admin = create_store_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _reap(process: subprocess.Popen[bytes]) -> float:
    """Wait for ``process`` to end; the CPU seconds it used (user + system)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pid, _status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = 0
            return float(usage.ru_utime + usage.ru_stime)
        time.sleep(0.05)
    process.kill()
    process.wait()
    return 0.0


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) process ``pid`` has used so far (``None``: gone, or no
    ``/proc``)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK


class _CpuMeter:
    """CPU seconds of the processes on the path while a window runs: the worker
    processes, the sandbox process and the database's backends (PostgreSQL on this machine:
    their pids from ``pg_stat_activity``, read in ``/proc``; sampled every call of
    :meth:`sample`, so a backend that ends between two samples loses its last tenth)."""

    def __init__(self, sessions: object, pids: dict[str, list[int]]) -> None:
        self.sessions = sessions
        self.pids = pids
        self.start: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}

    def _backends(self) -> list[int]:
        with self.sessions() as session:  # type: ignore[operator]
            return list(
                session.scalars(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid()"
                    )
                )
            )

    def sample(self, *, first: bool = False) -> None:
        groups = {**self.pids, "postgresql": self._backends()}
        for group, pids in groups.items():
            for pid in pids:
                cpu = _proc_cpu(pid)
                if cpu is None:
                    continue
                key = (group, pid)
                if first:
                    self.start[key] = cpu
                elif key not in self.start:
                    self.start[key] = 0.0 if group == "postgresql" else cpu
                self.last[key] = cpu

    def used(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for (group, pid), cpu in self.last.items():
            out[group] = out.get(group, 0.0) + cpu - self.start.get((group, pid), cpu)
        return out


def _sandbox_pids() -> list[int]:
    """This process's sandbox server children (their CPU counts on the path)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rpartition(")")[2].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and b"sandbox_server.py" in cmdline:
            found.append(int(entry.name))
    return found


def _wait_idle(sessions: object, workers: list[subprocess.Popen[bytes]]) -> None:
    """Until every worker process is up (its heartbeat row) and has run an empty dispatch."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if any(worker.poll() is not None for worker in workers):
            raise SystemExit("a worker process exited while starting")
        with sessions() as session:  # type: ignore[operator]
            up = int(session.scalar(text("SELECT count(*) FROM procrastinate_workers")) or 0)
        if up >= len(workers):
            time.sleep(2.5)  # a dispatch tick or two: idle, nothing due
            return
        time.sleep(0.2)
    raise SystemExit("the worker processes did not start within 300 s")


def _configure_tenants(
    sessions: object, keyring: Keyring, endpoint: str, *, active: bool = True
) -> list[str]:
    names = [f"bench-{n:02d}" for n in range(1, TENANTS + 1)]
    for n, tenant in enumerate(names, start=1):
        company = f"BENCH-{n:02d}"
        with sessions.begin() as session:  # type: ignore[attr-defined]
            create_tenant(session, Tenant(id=tenant, name=f"Bench {n}", intacct_company_id=company))
            save_config(
                session,
                tenant,
                IntegrationConfig(
                    tenant_id=tenant,
                    option_active=active,
                    endpoint_url=endpoint,
                    sender_id=CREDS.sender_id,
                    sender_password=Secret(CREDS.sender_password),
                    company_id=company,
                    user_id=CREDS.user_id,
                    user_password=Secret(CREDS.user_password),
                ),
                keyring,
            )
    return names


def _store_interleaved(sessions: object, names: list[str], per_tenant: int) -> float:
    """Store every tenant's records as imports running side by side do: 1,000 records per
    transaction, the tenants in turn. Returns when the first transaction began."""
    began = time.perf_counter()
    chunk = 1000
    for first in range(0, per_tenant, chunk):
        for tenant in names:
            with sessions.begin() as session:  # type: ignore[attr-defined]
                results = save_batch(
                    session, tenant, records(first, min(first + chunk, per_tenant))
                )
            if any(isinstance(result, Exception) for result in results):
                raise SystemExit(f"the store refused a record of tenant {tenant}")
    return began


#: the three shapes of the 10-tenant run (see the module docstring)
SWITCHED_ON = "switched_on"
STORED_IN_WINDOW = "stored_in_window"
STARTUP = "startup_included"


def _switch_on(sessions: object) -> float:
    """Switch every tenant's integration option on in one transaction; when it committed."""
    with sessions.begin() as session:  # type: ignore[attr-defined]
        session.execute(update(IntegrationConfigRow).values(option_active=True))
    return time.perf_counter()


def tenants_run(url: str, per_tenant: int, shape: str) -> dict[str, object]:
    """10 tenants, 3 worker processes, one PostgreSQL: aggregate records/s, in one of the
    three shapes of the module docstring."""
    schema, scoped = _scratch_schema(url)
    keyring = Keyring([generate_key()], KeySource("env"))
    workers: list[subprocess.Popen[bytes]] = []
    worker_cpu = 0.0
    cpu: dict[str, float] = {}
    store_cpu = 0.0
    try:
        upgrade(scoped)
        engine = create_store_engine(scoped)
        sessions = session_factory(engine)
        with sandbox_server(*LATENCY, "--companies", str(TENANTS)) as endpoint:
            base = endpoint.rsplit("/ia/", 1)[0]
            names = _configure_tenants(sessions, keyring, endpoint, active=shape != SWITCHED_ON)
            if shape == STARTUP:
                for tenant in names:
                    store(sessions, 0, per_tenant, tenant)
            env = {
                **os.environ,
                "INTACCT_BRIDGE_DB_URL": scoped,
                "INTACCT_BRIDGE_SECRET_KEY": keyring.keys[0].decode(),
                "PYTHONPATH": str(HERE.parent / "src"),
            }
            env.pop("INTACCT_BRIDGE_SECRET_KEY_FILE", None)
            total = per_tenant * TENANTS
            began = time.perf_counter()
            workers = [
                subprocess.Popen(
                    [sys.executable, "-m", "intacct_bridge.cli.main", "worker", "--poll", "0.2"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(WORKER_PROCESSES)
            ]
            meter = _CpuMeter(
                sessions,
                {"workers": [w.pid for w in workers], "sandbox": _sandbox_pids()},
            )
            if shape == SWITCHED_ON:
                _wait_idle(sessions, workers)
                for tenant in names:  # the option is off: the workers leave them alone
                    store(sessions, 0, per_tenant, tenant)
                time.sleep(2.5)  # a dispatch tick or two: still idle
                meter.sample(first=True)
                began = _switch_on(sessions)
            elif shape == STORED_IN_WINDOW:
                _wait_idle(sessions, workers)
                meter.sample(first=True)
                store_before = time.process_time()
                began = _store_interleaved(sessions, names, per_tenant)
                store_cpu = time.process_time() - store_before
            else:
                meter.sample(first=True)
            query = select(func.count()).where(SyncStateRow.state == "success")
            done = 0
            first: tuple[float, int] | None = None  # when the first records were in
            while done < total:
                time.sleep(0.1)
                with sessions() as session:
                    done = int(session.scalar(query) or 0)
                meter.sample()
                if first is None and done:
                    first = (time.perf_counter(), done)
                if any(worker.poll() is not None for worker in workers):
                    raise SystemExit("a worker process exited during the tenants run")
                if time.perf_counter() - began > 3600:
                    raise SystemExit(f"the tenants run did not finish: {done}/{total}")
            ended = time.perf_counter()
            cpu = meter.used()
            seconds = ended - began
            assert first is not None
            steady = (total - first[1]) / max(ended - first[0], 1e-9)
            limits = httpx.get(f"{base}/sandbox/admin/limits", timeout=30).json()
        engine.dispose()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker_cpu += _reap(worker)
        _drop_schema(url, schema)
    single = SLOTS * BATCH / (LATENCY_REQUEST + LATENCY_FUNCTION * BATCH)
    path_cpu = sum(cpu.values())
    return {
        "tenants": TENANTS,
        "tenants_shape": shape,
        "tenant_records": total,
        "tenants_seconds": round(seconds, 2),
        "tenants_records_per_s": round(total / seconds, 2),
        "tenants_after_first_in_records_per_s": round(steady, 2),
        "tenants_limit_records_per_s": round(single * TENANTS, 2),
        "tenants_worker_cpu_s": round(worker_cpu, 2),
        "tenants_records_per_worker_cpu_s": round(total / worker_cpu, 1) if worker_cpu else None,
        "tenants_window_cpu_s": {k: round(v, 2) for k, v in sorted(cpu.items())},
        "tenants_path_cpu_ms_per_record": round(1000 * path_cpu / total, 3),
        "tenants_store_cpu_s": round(store_cpu, 2),
        "tenants_rate_limited": int(limits["outcomes"].get("rate_limited", 0)),
        "tenants_peak_in_flight": max(limits["peak_in_flight"].values(), default=0),
        # the companies' slots busy over the window (nothing is sent before it), and how
        # full the requests were: what separates idle slots from a slow path
        "tenants_slots_busy": round(
            sum(limits.get("busy_seconds", {}).values()) / (SLOTS * TENANTS * seconds), 3
        ),
        "tenants_functions_per_request": round(
            sum(limits.get("functions", {}).values())
            / max(1, sum(limits.get("requests", {}).values())),
            1,
        ),
    }


def _cpu_text(run: dict[str, Any]) -> str:
    cpu = run["tenants_window_cpu_s"]
    parts = ", ".join(f"{name} {seconds} s" for name, seconds in cpu.items())
    return (
        f"{run['tenants_path_cpu_ms_per_record']} ms CPU/record ({parts}); slots busy "
        f"{run['tenants_slots_busy']:.0%}, {run['tenants_functions_per_request']} "
        "functions/request"
    )


def _tenant_rows(headline: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The table rows of the three 10-tenant runs."""
    streamed: dict[str, Any] = headline["tenants_stored_in_window"]
    cold: dict[str, Any] = headline["tenants_startup_included"]
    limit = float(headline["tenants_limit_records_per_s"])

    def rate(run: dict[str, Any]) -> str:
        value = float(run["tenants_records_per_s"])
        return f"{value:.1f} records/s ({value / limit:.1%})"

    runs = (headline, streamed, cold)
    return [
        (f"{TENANTS}-company limit", "", "", f"{limit:.1f} records/s"),
        (
            f"{TENANTS} tenants, {WORKER_PROCESSES} worker processes (PostgreSQL): records",
            f"{headline['tenant_records']:,} records",
            f"{headline['tenants_seconds']} s",
            rate(headline),
        ),
        ("  stored, workers idle, tenants switched on → last synchronised", "", "", ""),
        ("  CPU in that window: workers + sandbox + PostgreSQL", "", "", _cpu_text(headline)),
        (
            "records stored while the workers run; first stored → last synchronised",
            f"{streamed['tenant_records']:,} records",
            f"{streamed['tenants_seconds']} s",
            rate(streamed),
        ),
        ("  CPU in that window: workers + sandbox + PostgreSQL", "", "", _cpu_text(streamed)),
        (
            "  the import's own CPU (storing the records, this process)",
            "",
            f"{streamed['tenants_store_cpu_s']} s",
            "",
        ),
        (
            "records stored first; workers' start → last synchronised",
            f"{cold['tenant_records']:,} records",
            f"{cold['tenants_seconds']} s",
            rate(cold) + ", start-up included",
        ),
        (
            "  from the first record synchronised",
            "",
            "",
            f"{cold['tenants_after_first_in_records_per_s']} records/s",
        ),
        ("  CPU: workers + sandbox + PostgreSQL (start-up included)", "", "", _cpu_text(cold)),
        (
            "GW-0010 refusals, peak per company (all three runs)",
            "",
            "",
            f"{sum(int(run['tenants_rate_limited']) for run in runs)}, "
            f"{max(int(run['tenants_peak_in_flight']) for run in runs)}",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=None, help="default 20,000 (quick: 1,000)")
    parser.add_argument("--noop-records", type=int, default=None, help="default 100,000")
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--tenants-db", help="PostgreSQL URL for the 10-tenant run")
    parser.add_argument("--tenant-records", type=int, default=None, help="default 2,000")
    parser.add_argument("--quick", action="store_true", help="small numbers everywhere")
    args = parser.parse_args()
    if args.records is None:
        args.records = 1_000 if args.quick else 20_000
    if args.noop_records is None:
        args.noop_records = 5_000 if args.quick else 100_000
    if args.tenant_records is None:
        args.tenant_records = 150 if args.quick else 2_000
    with tempfile.TemporaryDirectory() as directory:
        url = args.db or f"sqlite:///{directory}/bench.db"
        upgrade(url)
        engine = create_store_engine(url)
        sessions = session_factory(engine)
        keyring = Keyring([generate_key()], KeySource("env"))
        latency = LATENCY

        store_seconds = store(sessions, 0, args.records)
        with sandbox_server(*latency) as endpoint:
            configure(sessions, keyring, endpoint)
            worker = EmbeddedWorker(engine, keyring)
            cpu_before = time.process_time()
            first = worker.run_until_idle(TENANT)
            sync_cpu = time.process_time() - cpu_before
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
                for found in state.list_states(session, TENANT, kind=kind):
                    state.mark_changed(session, TENANT, found.kind, found.key, force=True)
        forced = EmbeddedWorker(engine, keyring).run_until_idle(TENANT)
        engine.dispose()

    tenants: dict[str, object] = {
        "tenants_records_per_s": None,
        "tenants_limit_records_per_s": None,
    }
    reason = ""
    if args.tenants_db and make_url(args.tenants_db).get_backend_name() == "postgresql":
        tenants = tenants_run(args.tenants_db, args.tenant_records, SWITCHED_ON)
        for shape in (STORED_IN_WINDOW, STARTUP):
            tenants[f"tenants_{shape}"] = tenants_run(args.tenants_db, args.tenant_records, shape)
    else:
        reason = "10 tenants x 3 worker processes: not measured (needs --tenants-db, PostgreSQL)"

    limit = SLOTS * BATCH / (LATENCY_REQUEST + LATENCY_FUNCTION * BATCH)
    rate = args.records / first.seconds
    rows = [
        (
            "store (save_batch, as an import)",
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
        (
            "  worker CPU (this process, all threads)",
            "",
            f"{sync_cpu:.1f} s",
            f"{args.records / sync_cpu:.0f} records/CPU-s",
        ),
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
    if tenants["tenants_records_per_s"] is not None:
        rows += _tenant_rows(tenants)
    print("latency model: 100 ms/request + 10 ms/function, 2 slots; items, customers, suppliers")
    if reason:
        print(reason)
    if hasattr(os, "getloadavg"):
        print("load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
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
                "sync_worker_cpu_s": round(sync_cpu, 2),
                "records_per_worker_cpu_s": round(args.records / sync_cpu, 1),
                "requests": first.requests,
                "noop_records": total,
                "noop_resync_s": round(noop.seconds, 3),
                "noop_resync_intacct_calls": noop.requests,
                "forced_resync_s": round(forced.seconds, 2),
                "forced_resync_intacct_calls": forced.requests,
                **tenants,
                "database": "sqlite" if args.db is None else engine.dialect.name,
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
