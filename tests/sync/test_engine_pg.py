"""Worker processes on PostgreSQL through the task engine (procrastinate, sync/engine.py).

Real ``intacct-bridge worker`` processes against a sandbox served over HTTP with latency:

* the engine's schema comes and goes with Alembic revision 0006_engine (PostgreSQL only);
* a worker SIGKILLed in the middle of a sync job: another worker's sweep puts its job back
  and frees its records' claims within seconds (not the 300 s lease), a worker stopped with
  SIGTERM gives its claims back and exits 0, and every record is in Intacct exactly once with
  its RECORDNO;
* issue 11's "on PostgreSQL with several worker processes": the demo month posted by three
  worker processes, the one running the posting job SIGKILLed mid-run, then ``reconcile``
  finds 0 differences and every document is in Intacct once with its RECORDNO.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from intacct_bridge.config.store import get_config, save_config
from intacct_bridge.model.items import Item
from intacct_bridge.sandbox import GATEWAY_PATH, QuickstartCredentials, Sandbox
from intacct_bridge.store.migrate import downgrade, upgrade
from intacct_bridge.store.repositories import save_record
from intacct_bridge.store.session import create_store_engine
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.sync.engine import POST_TASK
from intacct_bridge.sync.state import SyncState
from tests.servers import serve_in_thread
from tests.store.fixtures import PG_URL, PG_URL_ENV, scratch_pg_url
from tests.sync.conftest import TENANT, Bridge

pytestmark = pytest.mark.skipif(not PG_URL, reason=f"set {PG_URL_ENV} to run on PostgreSQL")

RECORDS = 400
BATCH = 20
STALLED_AFTER = 3


def _engine_objects(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        counts = {}
        for name, query in {
            "tables": "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
            "c.relnamespace WHERE n.nspname = current_schema() AND c.relname LIKE "
            "'procrastinate%'",
            "routines": "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = "
            "p.pronamespace WHERE n.nspname = current_schema() AND p.proname LIKE "
            "'procrastinate%'",
            "types": "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = "
            "t.typnamespace WHERE n.nspname = current_schema() AND t.typname LIKE "
            "'procrastinate%'",
        }.items():
            counts[name] = int(connection.execute(text(query)).scalar_one())
        return counts


def test_the_engine_schema_comes_and_goes_with_its_revision() -> None:
    with scratch_pg_url() as url:
        upgrade(url)
        engine = create_store_engine(url)
        try:
            made = _engine_objects(engine)
            assert made["tables"] >= 4 and made["routines"] >= 15 and made["types"] >= 3
            downgrade(url, "0005")
            assert _engine_objects(engine) == {"tables": 0, "routines": 0, "types": 0}
            upgrade(url)
            assert _engine_objects(engine) == made
            # procrastinate's own check: its schema is usable
            import procrastinate

            app = procrastinate.App(
                connector=procrastinate.PsycopgConnector(
                    conninfo=engine.url.set(drivername="postgresql").render_as_string(False)
                )
            )
            with app.open():
                assert app.check_connection()
        finally:
            engine.dispose()


def _env(bridge: Bridge) -> dict[str, str]:
    env = {
        **os.environ,
        "INTACCT_BRIDGE_SECRET_KEY": bridge.keyring.keys[0].decode(),
        "INTACCT_BRIDGE_DB_URL": bridge.url,
        "PYTHONUNBUFFERED": "1",
        # a killed worker's slot stays leased for its request timeout (slots.py): keep the
        # wait after each kill short
        "INTACCT_BRIDGE_REQUEST_TIMEOUT": "5",
    }
    env.pop("INTACCT_BRIDGE_SECRET_KEY_FILE", None)
    return env


def _start_worker(bridge: Bridge, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "intacct_bridge.cli.main", "worker"),
            *("--poll", "1", "--batch", str(BATCH), "--stalled-after", str(STALLED_AFTER)),
            *("--grace", "1", *options),
        ],
        env=_env(bridge),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _diagnosis(engine: Engine | None) -> str:
    """The engine's jobs and workers and the sync states, for a failure message."""
    if engine is None:
        return ""
    queries = {
        "jobs": "SELECT id, task_name, status, worker_id, args FROM procrastinate_jobs",
        "workers": "SELECT id, now() - last_heartbeat FROM procrastinate_workers",
        "states": "SELECT kind, state, error_code, count(*) FROM sync_state GROUP BY 1, 2, 3",
    }
    with engine.connect() as connection:
        return "; ".join(
            f"{name}: {connection.execute(text(query)).all()}" for name, query in queries.items()
        )


def _wait(
    what: str,
    check: Callable[[], bool],
    workers: list[subprocess.Popen[bytes]],
    engine: Engine | None = None,
) -> None:
    deadline = time.monotonic() + 90
    while not check():
        for worker in workers:
            if worker.poll() is not None and worker.returncode != -signal.SIGKILL:
                if worker.stdout is not None and worker.stdout.closed:
                    continue  # stopped by the test, its output read
                out = worker.stdout.read().decode() if worker.stdout else ""
                raise AssertionError(f"a worker exited ({worker.returncode}): {out}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {_diagnosis(engine)}"
        time.sleep(0.05)


def _stop(workers: list[subprocess.Popen[bytes]]) -> list[str]:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    outputs = []
    for worker in workers:
        if worker.stdout is not None and worker.stdout.closed:
            continue  # its output was read already
        try:
            out, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            worker.kill()
            out, _ = worker.communicate()
        outputs.append(out.decode() if out else "")
    return outputs


def _count(bridge: Bridge, *where: object) -> int:
    with bridge.sessions() as session:
        query = select(func.count()).select_from(SyncStateRow).where(*where)  # type: ignore[arg-type]
        return int(session.scalar(query) or 0)


def _claims_of(bridge: Bridge, pid: int) -> int:
    return _count(bridge, SyncStateRow.claimed_by.like(f"%:{pid}:w%"))


def _point_at(bridge: Bridge, base: str, *, active: bool = True) -> None:
    """Point the tenant at the served sandbox; ``active`` switches its integration on."""
    with bridge.sessions.begin() as session:
        config = get_config(session, TENANT, bridge.keyring)
        assert config is not None
        changed = config.updated(endpoint_url=base + GATEWAY_PATH, option_active=active)
        save_config(session, TENANT, changed, bridge.keyring)


def test_a_killed_workers_job_is_picked_up_by_another(pg_bridge: Bridge) -> None:
    bridge = pg_bridge
    with bridge.sessions.begin() as session:
        for n in range(RECORDS):
            save_record(session, TENANT, Item(id=f"EK-{n:05d}", name=f"Engine item {n}"))
    bridge.sandbox.faults.set_limits(
        bridge.creds.company_id, latency_per_request=0.15, latency_per_function=0.004
    )
    workers: list[subprocess.Popen[bytes]] = []
    stopped_output = ""
    with serve_in_thread(bridge.sandbox.asgi_app()) as base:
        _point_at(bridge, base)
        try:
            workers = [_start_worker(bridge) for _ in range(3)]
            done = SyncStateRow.state == SyncState.SUCCESS.value
            # SIGKILL a worker while it holds claimed records (in the middle of a job)
            _wait(
                "a worker with claims",
                lambda: any(_claims_of(bridge, w.pid) for w in workers),
                workers,
            )
            victim = next(w for w in workers if _claims_of(bridge, w.pid))
            before = _count(bridge, done)
            victim.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            victim.wait(timeout=10)
            # its claims are freed by another worker's sweep, long before their lease
            _wait(
                "the dead worker's claims freed",
                lambda: not _claims_of(bridge, victim.pid),
                workers,
            )
            recovered = time.monotonic() - killed_at
            assert recovered < STALLED_AFTER + 6, recovered
            assert before < RECORDS, "the kill must land before the end"
            # SIGTERM a worker in the middle of a job: it gives its claims back and exits 0
            alive = [w for w in workers if w is not victim]
            _wait(
                "a worker with claims",
                lambda: any(_claims_of(bridge, w.pid) for w in alive),
                workers,
            )
            stopped = next(w for w in alive if _claims_of(bridge, w.pid))
            stopped.send_signal(signal.SIGTERM)
            out, _ = stopped.communicate(timeout=20)
            assert stopped.returncode == 0, out
            assert "Worker stopped." in out.decode()
            assert _claims_of(bridge, stopped.pid) == 0
            # either survivor's sweep may have put the dead worker's job back
            stopped_output = out.decode()
            _wait(
                "every record synchronised",
                lambda: _count(bridge, done) == RECORDS,
                workers,
                bridge.engine,
            )
        finally:
            outputs = _stop(workers)
    outputs.append(stopped_output)
    assert any("of a dead worker" in out for out in outputs), outputs
    assert _count(bridge, SyncStateRow.tenant_id == TENANT) == RECORDS
    # exactly once in Intacct, each linked to its own RECORDNO
    listed = bridge.intacct("ITEM")
    ids = sorted(key for key in listed if key.startswith("EK-"))
    assert ids == [f"EK-{n:05d}" for n in range(RECORDS)]
    with bridge.sessions() as session:
        links = dict(
            session.execute(
                select(SyncStateRow.key, SyncStateRow.record_no).where(
                    SyncStateRow.tenant_id == TENANT, SyncStateRow.kind == "item"
                )
            ).all()
        )
    assert links == {key: int(str(listed[key]["RECORDNO"])) for key in ids}


# --- the demo month, posted by worker processes ------------------------------------------------


def _demo_on_postgres(directory: Path, url: str) -> tuple[Sandbox, str, object, Any]:
    """The demo's steps up to the posting check, with the store on PostgreSQL."""
    from intacct_bridge.config.secrets import create_key_file, load_keyring
    from intacct_bridge.demo.generator import DemoGenerator
    from intacct_bridge.demo.run import DEMO_SIZES, DemoContext, DemoOptions, DemoRun
    from intacct_bridge.store.session import session_factory

    class OnPostgres(DemoRun):
        STEPS = ("bridge", "company", "setup", "load", "sync", "pull")

        def _bridge(self, report: object) -> None:
            create_key_file(directory / "secret.key")
            engine = create_store_engine(url)
            upgrade(url)
            generator = DemoGenerator(7, **DEMO_SIZES, documents=300)
            self.ctx = DemoContext(
                directory=directory,
                engine=engine,
                sessions=session_factory(engine),
                keyring=load_keyring(directory / "secret.key", env={}),
                sandbox=Sandbox(seed=7),
                generator=generator,
                period=f"{generator.year:04d}-{generator.month:02d}",
            )

    run = OnPostgres(DemoOptions(directory=directory))
    reports = run.run()
    assert run.ok, [(r.name, r.status, r.errors[:3]) for r in reports]
    assert run.ctx is not None
    return run.ctx.sandbox, run.ctx.period, run.ctx.keyring, run.ctx.generator


def _posting_options(generator: Any) -> list[str]:
    """The demo tenant's posting configuration (``demo.run.demo_posting_config``) as the
    worker's options."""
    from intacct_bridge.demo.company import DEFAULT_ACCOUNTS, RATES, RATES_FROM, STOCK_JOURNAL

    options = ["--post", "--stock-journal", STOCK_JOURNAL]
    options += ["--closed", f"AP={generator.ap_closed_through.isoformat()}"]
    options += ["--closed-period-policy", "first_open_date"]
    for kind, account in DEFAULT_ACCOUNTS.items():
        options += ["--default-account", f"{kind.value}={account}"]
    for source, target, rate in RATES:
        options += ["--rate", f"{source}/{target}={rate}@{RATES_FROM.isoformat()}"]
    return options


def test_the_demo_month_posted_by_worker_processes_reconciles(tmp_path: Path) -> None:
    from intacct_bridge.config.secrets import Keyring
    from intacct_bridge.demo.run import demo_posting_config
    from intacct_bridge.export import reconcile
    from intacct_bridge.store.session import session_factory
    from intacct_bridge.sync.connect import client_for, load_config

    with scratch_pg_url() as url:
        sandbox, period, keyring, generator = _demo_on_postgres(tmp_path, url)
        assert isinstance(keyring, Keyring)
        engine = create_store_engine(url)
        sessions = session_factory(engine)
        bridge = Bridge(url, engine, sessions, keyring, sandbox, QuickstartCredentials())
        posting = SyncStateRow.kind == "posting"
        sandbox.faults.set_limits("DEMO-MFG", latency_per_request=0.05, latency_per_function=0.004)
        workers: list[subprocess.Popen[bytes]] = []
        try:
            with serve_in_thread(sandbox.asgi_app()) as base:
                _point_at(bridge, base, active=False)  # no job until every worker is up
                for _ in range(3):  # one by one: their engine worker IDs are in this order
                    workers.append(
                        _start_worker(bridge, "--tenant", TENANT, *_posting_options(generator))
                    )
                    _wait(
                        "the worker registered",
                        lambda: _registered(engine) == len(workers),
                        workers,
                    )
                ids = _worker_ids(engine)
                _point_at(bridge, base)
                # SIGKILL the worker running the posting job once it has posted some
                _wait(
                    "some documents posted", lambda: _count(bridge, posting, _ok()) >= 20, workers
                )
                runner = _post_job_worker(engine)
                assert runner is not None, "the posting job runs on one of the workers"
                victim = workers[ids.index(runner)]
                partial = _count(bridge, posting, _ok())
                victim.send_signal(signal.SIGKILL)
                victim.wait(timeout=10)
                unsettled = SyncStateRow.state != SyncState.SUCCESS.value

                def settled() -> bool:
                    return _post_jobs(engine) == 0 and _count(bridge, posting, unsettled) == 0

                _wait("every document posted", settled, workers, engine)
                outputs = _stop(workers)
                config = demo_posting_config(generator)
                with sessions() as session:
                    tenant_config = load_config(session, TENANT, keyring)

                async def check() -> object:
                    async with client_for(tenant_config) as client:
                        return await reconcile(engine, TENANT, client, period, config=config)

                result = asyncio.run(check())
        finally:
            _stop(workers)
        try:
            _check_posted(bridge, sandbox, partial, outputs, result)
        finally:
            engine.dispose()


def _check_posted(
    bridge: Bridge, sandbox: Sandbox, partial: int, outputs: list[str], result: object
) -> None:
    posting = SyncStateRow.kind == "posting"
    assert partial < _count(bridge, posting), "the kill must land in the middle of the run"
    assert any("of a dead worker" in out for out in outputs), outputs
    from intacct_bridge.export import ReconcileReport

    assert isinstance(result, ReconcileReport)
    assert result.differences == [] and result.unposted == [] and result.problems == []
    assert len(result.posted) == _count(bridge, posting)
    # each document in Intacct once, with its RECORDNO
    with bridge.sessions() as session:
        rows = session.execute(
            select(SyncStateRow.intacct_object, SyncStateRow.record_no).where(posting)
        ).all()
    assert all(recordno is not None for _, recordno in rows)
    for object_name in {name for name, _ in rows}:
        ours = sorted(int(r) for name, r in rows if name == object_name)
        theirs = sorted(
            int(str(record["RECORDNO"]))
            for record in sandbox.admin.records("DEMO-MFG", object_name)
        )
        assert ours == theirs, object_name


def _ok() -> object:
    return SyncStateRow.state == SyncState.SUCCESS.value


def _registered(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()
        )


def _worker_ids(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id FROM procrastinate_workers ORDER BY id"))
        return [int(row[0]) for row in rows]


def _post_jobs(engine: Engine) -> int:
    """Posting jobs queued or running."""
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = :task "
                "AND status IN ('todo', 'doing')"
            ),
            {"task": POST_TASK},
        )
        return int(found.scalar_one())


def _post_job_worker(engine: Engine) -> int | None:
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT worker_id FROM procrastinate_jobs WHERE task_name = :task "
                "AND status = 'doing'"
            ),
            {"task": POST_TASK},
        ).scalar()
        return int(found) if found is not None else None


def test_a_worker_started_before_any_tenant_is_switched_on_waits_for_one(
    pg_bridge: Bridge,
) -> None:
    """A worker deployed before the integration is switched on keeps running (the
    dispatcher looks for switched-on tenants at every tick) and serves the tenant once it
    is; the embedded worker, which serves the tenants it starts with, still refuses."""
    bridge = pg_bridge
    bridge.save(*(Item(id=f"LW-{n:03d}", name=f"Late item {n}") for n in range(30)))
    workers: list[subprocess.Popen[bytes]] = []
    with serve_in_thread(bridge.sandbox.asgi_app()) as base:
        _point_at(bridge, base, active=False)
        refused = subprocess.run(
            [sys.executable, "-m", "intacct_bridge.cli.main", "worker", "--engine", "embedded"],
            env=_env(bridge),
            capture_output=True,
            timeout=60,
        )
        assert refused.returncode == 1
        assert b"no tenant has the Sage Intacct option on" in refused.stdout + refused.stderr
        try:
            workers = [_start_worker(bridge)]

            def heartbeat() -> bool:
                with bridge.engine.connect() as connection:
                    query = text("SELECT count(*) FROM procrastinate_workers")
                    return bool(connection.execute(query).scalar_one())

            _wait("the worker's heartbeat", heartbeat, workers, bridge.engine)
            time.sleep(2.5)  # two dispatch ticks: the tenant is off, nothing moves
            assert workers[0].poll() is None
            assert _count(bridge, SyncStateRow.state == SyncState.SUCCESS.value) == 0
            _point_at(bridge, base)
            _wait(
                "every record synchronised",
                lambda: _count(bridge, SyncStateRow.state == SyncState.SUCCESS.value) == 30,
                workers,
                bridge.engine,
            )
        finally:
            outputs = _stop(workers)
    assert "the tenants switched on later (none yet)" in outputs[0]
    assert sorted(k for k in bridge.intacct("ITEM") if k.startswith("LW-")) == [
        f"LW-{n:03d}" for n in range(30)
    ]
