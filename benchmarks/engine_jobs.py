"""The task engine's cost and its recovery time (sync/engine.py, procrastinate, PostgreSQL).

1. **Overhead per job.** One worker (this process, concurrency 1) runs ``--jobs`` sync jobs
   of a configured tenant with nothing to send: each job is the engine's fetch, the thread
   hop, an empty round (configuration, outbox, claims) and the job's completion. Jobs/s and
   CPU milliseconds per job (this process: the worker, its sandbox and the polling).
2. **Recovery after SIGKILL.** Two ``intacct-bridge worker`` processes (``--stalled-after``
   seconds, sweep every second) synchronise ``--records`` items against an in-process
   sandbox served over HTTP (50 ms per request + 2 ms per function); the worker holding
   claimed records is SIGKILLed; seconds until its claims are freed and its job put back
   by the survivor, and until every record is synchronised.

    python benchmarks/engine_jobs.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test

Works in a scratch schema of ``--db`` (dropped after). Prints a table, then — as the last
line — one JSON object with ``jobs_per_s``, ``cpu_ms_per_job``, ``recovery_s``,
``stalled_after_s`` and the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))

from intacct_bridge.config.models import IntegrationConfig  # noqa: E402
from intacct_bridge.config.secrets import Keyring, KeySource, Secret, generate_key  # noqa: E402
from intacct_bridge.config.store import save_config  # noqa: E402
from intacct_bridge.model.items import Item  # noqa: E402
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID  # noqa: E402
from intacct_bridge.sandbox import GATEWAY_PATH, Sandbox  # noqa: E402
from intacct_bridge.store.migrate import upgrade  # noqa: E402
from intacct_bridge.store.repositories import ensure_default_tenant, save_record  # noqa: E402
from intacct_bridge.store.session import create_store_engine, session_factory  # noqa: E402
from intacct_bridge.store.tables.sync import SyncStateRow  # noqa: E402
from intacct_bridge.sync.engine import (  # noqa: E402
    SYNC_TASK,
    EngineOptions,
    JobEngine,
    tenant_queue,
)

TENANT = DEFAULT_TENANT_ID
#: the company of ``Sandbox.quickstart()``
COMPANY = "DEMO-MFG"


@contextmanager
def scratch(url: str) -> Iterator[str]:
    schema = f"ib_bench_{uuid.uuid4().hex[:10]}"
    admin = create_store_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def configure(url: str, endpoint: str, sandbox: Sandbox) -> Keyring:
    creds = sandbox.quickstart()
    upgrade(url)
    engine = create_store_engine(url)
    keyring = Keyring([generate_key()], KeySource("env"))
    with session_factory(engine).begin() as session:
        ensure_default_tenant(session)
        config = IntegrationConfig(
            tenant_id=TENANT,
            option_active=True,
            endpoint_url=endpoint,
            sender_id=creds.sender_id,
            sender_password=Secret(creds.sender_password),
            company_id=creds.company_id,
            user_id=creds.user_id,
            user_password=Secret(creds.user_password),
        )
        save_config(session, TENANT, config, keyring)
    engine.dispose()
    return keyring


def overhead(url: str, jobs: int) -> dict[str, float]:
    sandbox = Sandbox(seed=3)
    with scratch(url) as scratch_url:
        keyring = configure(scratch_url, sandbox.endpoint, sandbox)
        engine = create_store_engine(scratch_url)
        options = EngineOptions(tick=3600, concurrency=1, stalled_after=30)
        runner = JobEngine(engine, keyring, options=options, transport=sandbox.transport())

        async def fill() -> None:
            async with runner.app.open_async():
                deferrer = runner.app.configure_task(SYNC_TASK, queue=tenant_queue(TENANT))
                for _ in range(jobs):
                    await deferrer.defer_async(tenant=TENANT)

        asyncio.run(fill())
        stop = threading.Event()
        thread = threading.Thread(
            target=runner.start_worker, args=([TENANT],), kwargs={"stop": stop}
        )
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        began = time.perf_counter()
        thread.start()
        while True:
            with engine.connect() as connection:
                left = connection.execute(
                    text("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo','doing')")
                ).scalar_one()
            if not left:
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_SELF)
        stop.set()
        thread.join()
        engine.dispose()
    used = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
    return {
        "jobs": jobs,
        "seconds": seconds,
        "jobs_per_s": jobs / seconds,
        "cpu_ms_per_job": 1000 * used / jobs,
    }


def recovery(url: str, records: int, stalled_after: float) -> dict[str, float]:
    from tests.servers import serve_in_thread

    sandbox = Sandbox(seed=4)
    with scratch(url) as scratch_url, serve_in_thread(sandbox.asgi_app()) as base:
        keyring = configure(scratch_url, base + GATEWAY_PATH, sandbox)
        engine = create_store_engine(scratch_url)
        sessions = session_factory(engine)
        with sessions.begin() as session:
            for n in range(records):
                save_record(session, TENANT, Item(id=f"RB-{n:05d}", name=f"Bench item {n}"))
        sandbox.faults.set_limits(COMPANY, latency_per_request=0.05, latency_per_function=0.002)
        env = {
            **os.environ,
            "INTACCT_BRIDGE_SECRET_KEY": keyring.keys[0].decode(),
            "INTACCT_BRIDGE_DB_URL": scratch_url,
        }
        env.pop("INTACCT_BRIDGE_SECRET_KEY_FILE", None)
        command = [
            sys.executable,
            "-m",
            "intacct_bridge.cli.main",
            "worker",
            "--poll",
            "1",
            "--batch",
            "20",
            "--stalled-after",
            str(stalled_after),
        ]
        workers = [
            subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(2)
        ]

        def claims(pid: int) -> int:
            with sessions() as session:
                query = (
                    select(func.count())
                    .select_from(SyncStateRow)
                    .where(SyncStateRow.claimed_by.like(f"%:{pid}:w%"))
                )
                return int(session.scalar(query) or 0)

        def done() -> int:
            with sessions() as session:
                query = (
                    select(func.count())
                    .select_from(SyncStateRow)
                    .where(SyncStateRow.state == "success")
                )
                return int(session.scalar(query) or 0)

        try:
            deadline = time.monotonic() + 120
            victim = None
            while victim is None:
                victim = next((w for w in workers if claims(w.pid)), None)
                assert time.monotonic() < deadline, "no worker claimed records"
                time.sleep(0.02)
            with sessions() as session:
                holder = session.scalar(
                    select(SyncStateRow.claimed_by)
                    .where(SyncStateRow.claimed_by.like(f"%:{victim.pid}:w%"))
                    .limit(1)
                )
            dead_id = int(str(holder).rsplit(":w", 1)[1])
            victim.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            victim.wait()
            while claims(victim.pid):
                time.sleep(0.02)
            freed = time.monotonic() - killed
            while True:  # its job back in the queue, or run by the survivor
                with engine.connect() as connection:
                    stuck = connection.execute(
                        text(
                            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing' "
                            "AND (worker_id = :dead OR worker_id IS NULL)"
                        ),
                        {"dead": dead_id},
                    ).scalar_one()
                if not stuck:
                    break
                assert time.monotonic() < deadline, "the dead worker's job was never put back"
                time.sleep(0.02)
            put_back = time.monotonic() - killed
            while done() < records:
                assert time.monotonic() < deadline, "the records were not all synchronised"
                time.sleep(0.05)
            finished = time.monotonic() - killed
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(timeout=30)
            engine.dispose()
    return {
        "records": records,
        "claims_freed_s": freed,
        "recovery_s": put_back,
        "all_done_after_kill_s": finished,
        "stalled_after_s": stalled_after,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("INTACCT_BRIDGE_TEST_PG_URL"))
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--records", type=int, default=400)
    parser.add_argument("--stalled-after", type=float, default=3.0)
    args = parser.parse_args()
    if not args.db:
        sys.exit("give --db postgresql+psycopg://… (or set INTACCT_BRIDGE_TEST_PG_URL)")
    load = os.getloadavg()[0]
    one = overhead(args.db, args.jobs)
    two = recovery(args.db, args.records, args.stalled_after)
    print(f"load average (1 min) at start: {load:.2f}")
    print(f"{'measure':<42} {'value':>10}")
    print(f"{'empty sync jobs run':<42} {one['jobs']:>10}")
    print(f"{'jobs/s (one worker, concurrency 1)':<42} {one['jobs_per_s']:>10.1f}")
    print(f"{'CPU ms per job (whole process)':<42} {one['cpu_ms_per_job']:>10.1f}")
    print(f"{'stalled after (s)':<42} {two['stalled_after_s']:>10.1f}")
    print(f"{'SIGKILL -> its claims freed (s)':<42} {two['claims_freed_s']:>10.1f}")
    print(f"{'SIGKILL -> its job put back (s)':<42} {two['recovery_s']:>10.1f}")
    print(f"{'SIGKILL -> all records done (s)':<42} {two['all_done_after_kill_s']:>10.1f}")
    print(json.dumps({**one, **two, "load_average": load}))


if __name__ == "__main__":
    main()
