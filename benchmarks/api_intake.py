"""Documents submitted through the REST API per second, on SQLite and on PostgreSQL.

For each database: a fresh store (SQLite file; PostgreSQL scratch schema, dropped after) with
the demo master data, an API key, and ``intacct-bridge serve --workers N`` (default 4) on a
free port. A client in another process then submits the demo's documents with a few threads,
in lists of ``--batch`` documents per ``POST /api/v1/documents`` (and, separately, some one
document per request), a bounded number of documents. Every document must be answered 201;
the figures count stored documents per wall-clock second, from the first request to the last
answer, and per CPU second of the server's processes (read from /proc; the database server's
own CPU is not in it).

    python benchmarks/api_intake.py                  # 3,000 documents per database
    python benchmarks/api_intake.py --documents 600  # a short run

The machine's load average is printed beside the figures: other work on the same cores makes
the rates smaller. PostgreSQL: ``$INTACCT_BRIDGE_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). The last line is one JSON object with
``api_docs_per_s_sqlite`` and ``api_docs_per_s_pg`` (lists), ``api_docs_per_server_cpu_s_*``,
``api_single_docs_per_s_*`` (one document per request) and the run's settings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from intacct_bridge.auth.apikeys import create_api_key  # noqa: E402
from intacct_bridge.auth.model import Scope  # noqa: E402
from intacct_bridge.config.secrets import generate_key  # noqa: E402
from intacct_bridge.demo import DemoGenerator  # noqa: E402
from intacct_bridge.intake import import_records  # noqa: E402
from intacct_bridge.model.canonical import to_plain  # noqa: E402
from intacct_bridge.model.tenancy import Tenant  # noqa: E402
from intacct_bridge.store.migrate import upgrade  # noqa: E402
from intacct_bridge.store.repositories import create_tenant  # noqa: E402
from intacct_bridge.store.session import create_store_engine, session_factory  # noqa: E402

PG_URL = os.environ.get(
    "INTACCT_BRIDGE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TENANT = "bench"


def prepare(url: str, documents: int) -> tuple[str, list[dict[str, object]]]:
    """Migrate, add the tenant and the demo master data; the key and the document bodies."""
    upgrade(url)
    engine = create_store_engine(url)
    generator = DemoGenerator(seed=7, documents=documents)
    sessions = session_factory(engine)
    with sessions() as db, db.begin():
        create_tenant(db, Tenant(id=TENANT, name="Benchmark"))
        report = import_records(db, generator.master_data(), tenant_id=TENANT)
        assert report.ok, report.errors[:3]
        key, _info = create_api_key(
            db, TENANT, "bench", [Scope.DOCUMENTS_WRITE], dt.datetime.now(dt.UTC)
        )
    engine.dispose()
    bodies: list[dict[str, object]] = []
    for document in generator.documents():
        if document.reverses is None:  # a reversal needs its original stored first
            plain = to_plain(document)
            assert isinstance(plain, dict)
            bodies.append(plain)
    return key.text, bodies


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(url: str, workers: int) -> Iterator[tuple[str, int]]:
    """``intacct-bridge serve --workers`` on ``url``'s database: its URL and process id."""
    port = free_port()
    env = {
        **os.environ,
        "INTACCT_BRIDGE_DB_URL": url,
        "INTACCT_BRIDGE_SECRET_KEY": generate_key().decode(),
        "INTACCT_BRIDGE_RESUME_PENDING": "false",
        "INTACCT_BRIDGE_RECEIPT_DAYS": "0",
    }
    command = [
        sys.executable, "-m", "intacct_bridge.cli.main", "serve", "--db", url,
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code in (200, 503):
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the API server did not start")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its live descendants (Linux's
    /proc; 0 elsewhere): the server's supervisor and workers, not the database server."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(child) for child in children)
        except (OSError, ValueError, IndexError):
            continue
    return total


def client(base: str, key: str, path: Path, threads: int) -> dict[str, float]:
    """Submit every request body in ``path`` (JSON Lines) from ``threads`` threads."""
    work: queue.Queue[bytes] = queue.Queue()
    with path.open("rb") as lines:
        for line in lines:
            work.put(line.rstrip(b"\n"))
    stored = errors = 0
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def run() -> None:
        nonlocal stored, errors
        with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
            while True:
                try:
                    body = work.get_nowait()
                except queue.Empty:
                    return
                response = http.post("/api/v1/documents", content=body)
                answer = response.json()
                count = len(answer["results"]) if "results" in answer else 1
                with lock:
                    if response.status_code == 201:
                        stored += count
                    else:
                        errors += 1
                        if errors <= 3:
                            print(response.status_code, response.text[:300], file=sys.stderr)

    started, cpu = time.perf_counter(), time.process_time()
    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {
        "documents": stored,
        "errors": errors,
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
    }


def submit(
    base: str, key: str, bodies: list[object], folder: Path, threads: int
) -> dict[str, float]:
    """Run :func:`client` in another process (the server's workers keep the cores they get)."""
    path = folder / f"requests-{uuid.uuid4().hex[:6]}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for body in bodies:
            out.write(json.dumps(body) + "\n")
    command = [sys.executable, __file__, "--client", base, key, str(path), str(threads)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    if done.stderr:
        print(done.stderr, file=sys.stderr, end="")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def measure(url: str, args: argparse.Namespace, folder: Path) -> dict[str, float]:
    key, bodies = prepare(url, args.documents + args.single)
    lists = bodies[: args.documents]
    singles = bodies[args.documents : args.documents + args.single]
    batches: list[object] = [lists[i : i + args.batch] for i in range(0, len(lists), args.batch)]
    with server(url, args.workers) as (base, pid):
        cpu = tree_cpu(pid)
        batched = submit(base, key, batches, folder, args.threads)
        cpu_lists = tree_cpu(pid) - cpu
        single = submit(base, key, list(singles), folder, args.threads)
    return {
        "lists": batched["documents"] / batched["seconds"],
        "lists_per_cpu_s": batched["documents"] / cpu_lists if cpu_lists > 0 else 0.0,
        "client_per_cpu_s": batched["documents"] / batched["cpu"] if batched["cpu"] else 0.0,
        "lists_documents": batched["documents"],
        "single": single["documents"] / single["seconds"] if single["documents"] else 0.0,
        "single_documents": single["documents"],
        "errors": batched["errors"] + single["errors"],
    }


@contextmanager
def pg_scratch() -> Iterator[str | None]:
    from sqlalchemy import create_engine

    schema = f"ib_bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(PG_URL)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # no PostgreSQL here: say so, measure SQLite only
        print(f"PostgreSQL skipped: {type(error).__name__}: {error}", file=sys.stderr)
        yield None
        return
    try:
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=3000, help="documents sent in lists")
    parser.add_argument("--single", type=int, default=300, help="documents sent one by one")
    parser.add_argument("--batch", type=int, default=50, help="documents per list")
    parser.add_argument("--workers", type=int, default=4, help="server worker processes")
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--client", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        base, key, path, threads = args.client
        print(json.dumps(client(base, key, Path(path), int(threads))))
        return
    results: dict[str, dict[str, float] | None] = {}
    with tempfile.TemporaryDirectory(prefix="ib-api-bench-") as folder:
        results["sqlite"] = measure(f"sqlite:///{folder}/store.db", args, Path(folder))
        with pg_scratch() as pg_url:
            results["pg"] = measure(pg_url, args, Path(folder)) if pg_url else None
    load = os.getloadavg()
    print(
        f"REST API intake: intacct-bridge serve --workers {args.workers}, "
        f"{args.threads} client threads"
    )
    print(
        f"{'database':<12}{'lists of ' + str(args.batch):>16}{'per server CPU-s':>18}"
        f"{'one per request':>18}{'errors':>8}"
    )
    for name, figures in results.items():
        if figures is None:
            print(f"{name:<12}{'skipped':>16}")
            continue
        print(
            f"{name:<12}{figures['lists']:>12,.0f} d/s{figures['lists_per_cpu_s']:>14,.0f} d/s"
            f"{figures['single']:>14,.0f} d/s{figures['errors']:>8.0f}"
        )
    print(
        "per server CPU-s: documents stored per CPU second of the bridge's processes "
        "(supervisor and workers; the database server's CPU is not counted)"
    )
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")

    def figure(name: str, key: str) -> float | None:
        found = results.get(name)
        return None if found is None else round(found[key], 1)

    print(
        json.dumps(
            {
                "api_docs_per_s_sqlite": figure("sqlite", "lists"),
                "api_docs_per_s_pg": figure("pg", "lists"),
                "api_docs_per_server_cpu_s_sqlite": figure("sqlite", "lists_per_cpu_s"),
                "api_docs_per_server_cpu_s_pg": figure("pg", "lists_per_cpu_s"),
                "api_single_docs_per_s_sqlite": figure("sqlite", "single"),
                "api_single_docs_per_s_pg": figure("pg", "single"),
                "documents": args.documents,
                "batch": args.batch,
                "workers": args.workers,
                "client_threads": args.threads,
                "errors": sum(f["errors"] for f in results.values() if f is not None),
                "load_average_1m": round(load[0], 2),
                "cores": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
