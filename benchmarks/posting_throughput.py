"""Posting throughput: documents/s from the store to posted and recorded in Intacct, CPU time
per document, and memory over a long stream.

* **export** — ``--export-documents`` (default 10,000) documents of the demo month (mixed
  types, ``--lines`` — default 5 — lines each on average; the measured average is printed)
  posted from the store to the sandbox and recorded (each ``success``
  with its RECORDNO) by :func:`intacct_bridge.export.post_documents`. The demo company,
  its master data and the month are prepared first, without latency, by
  ``intacct-bridge demo``'s own steps (not timed); the sandbox it leaves is then served in
  its own process (``benchmarks/sandbox_server.py --state``) with issue 11's latency model
  — 100 ms per request + 10 ms per function — and 2 slots. Each document with something
  to post is one function per entry (``functions``; one, or two for a mixed-sign credit
  memo), requests hold at most 100, so the physical
  limit is ``2 x 100 / (0.1 + 0.01 x 100)`` = 181.8 functions/s, i.e. that x documents /
  functions documents/s (as ``benchmarks/master_data_sync.py`` derives its limit); target
  ≥ 90 %. The requests are timed at the HTTP transport: **slot utilisation** is their
  busy time over ``2 x`` the wall time (what the ratio to the limit depends on, and a
  figure that holds better than wall time on a busy machine), split into the posting
  requests and the reads (look-ups, Submitted states, open items);
* **cpu** — ``--documents`` (default 20,000) documents through ``post_document`` on one core,
  timed with ``time.process_time``; target ≤ 1 ms per document;
* **stream** — ``--stream`` (default 1,000,000) documents posted one after another (the
  generated month cycled, each entry dropped after its balance is checked), peak RSS of this
  process read from ``resource.getrusage``; target < 300 MB.

Prints a table, then — as the last line — one JSON object with the figures::

    python benchmarks/posting_throughput.py
    python benchmarks/posting_throughput.py --quick        # 1,000 exported, small cpu/stream
    python benchmarks/posting_throughput.py --export-documents 0   # engine figures only
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import httpx  # noqa: E402
from client_throughput import sandbox_server  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from intacct_bridge.demo import DemoGenerator  # noqa: E402
from intacct_bridge.demo.company import posting_setup  # noqa: E402
from intacct_bridge.model.documents import Document  # noqa: E402
from intacct_bridge.posting import PostingSetup, post_document  # noqa: E402

LATENCY_REQUEST = 0.1
LATENCY_FUNCTION = 0.01
SLOTS = 2
BATCH = 100
TARGET_EXPORT = 0.9
TARGET_CPU_MS = 1.0
TARGET_RSS_MB = 300.0
LINES = 5.0


class TimedTransport(httpx.AsyncBaseTransport):
    """The network, with each request's start, end and kind (posting or read) noted."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        #: (start, end, functions, writes) per request
        self.requests: list[tuple[float, float, int, bool]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = request.content
        began = time.perf_counter()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        end = time.perf_counter()
        writes = b"<uniqueid>true</uniqueid>" in body
        self.requests.append((began, end, body.count(b"<function "), writes))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()

    def figures(self, began: float, ended: float) -> dict[str, object]:
        wall = max(ended - began, 1e-9)
        posting = sum(e - s for s, e, _n, w in self.requests if w)
        reads = sum(e - s for s, e, _n, w in self.requests if not w)
        last_write = max((e for _s, e, _n, w in self.requests if w), default=began)
        return {
            "slot_utilisation": round((posting + reads) / (SLOTS * wall), 4),
            "slot_posting_share": round(posting / (SLOTS * wall), 4),
            "slot_reads_share": round(reads / (SLOTS * wall), 4),
            "write_requests": sum(1 for r in self.requests if r[3]),
            "read_requests": sum(1 for r in self.requests if not r[3]),
            "read_functions": sum(r[2] for r in self.requests if not r[3]),
            "seconds_after_last_post": round(ended - last_write, 2),
        }


def demo_setup(generator: DemoGenerator) -> PostingSetup:
    """The demo company's posting setup (its master data, goods in transit, rounding, stock
    journal and rates: ``intacct_bridge.demo.company``)."""
    return posting_setup(generator.master_data())


def export_run(documents: int, seed: int, lines: float) -> dict[str, object]:
    """Prepare the demo company with ``documents`` documents of ``lines`` lines on average
    (not timed), then post them all to the sandbox served in its own process with the
    latency model (timed)."""
    from intacct_bridge.config.secrets import load_keyring
    from intacct_bridge.demo.run import (
        KEY_FILE,
        STATE_FILE,
        DemoOptions,
        DemoRun,
        demo_posting_config,
    )
    from intacct_bridge.export import post_documents
    from intacct_bridge.export.service import KIND, load_setup
    from intacct_bridge.model.documents import DocumentStatus
    from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID
    from intacct_bridge.store.repositories import list_documents
    from intacct_bridge.store.session import create_store_engine, session_factory
    from intacct_bridge.store.tables.sync import SyncStateRow
    from intacct_bridge.sync.connect import client_for, load_config

    with tempfile.TemporaryDirectory() as directory:
        began = time.perf_counter()
        demo = DemoRun(DemoOptions(Path(directory), documents=documents, seed=seed, lines=lines))
        steps = demo.run()
        failed = [f"{r.name}: {r.errors[:3]}" for r in steps if r.status not in ("ok", "skipped")]
        if failed:
            raise SystemExit(f"the demo preparation failed: {failed}")
        prepare_seconds = time.perf_counter() - began
        engine = create_store_engine(f"sqlite:///{directory}/demo.db")
        sessions = session_factory(engine)
        config = demo_posting_config(demo.ctx.generator)  # type: ignore[union-attr]
        keyring = load_keyring(Path(directory) / KEY_FILE, env={})
        with sessions() as session:
            integration = load_config(session, DEFAULT_TENANT_ID, keyring)
            setup = load_setup(session, DEFAULT_TENANT_ID, config)
            posted = [
                d
                for d in list_documents(session, DEFAULT_TENANT_ID)
                if d.status is DocumentStatus.POSTED
            ]
        # one function per entry (a document has one, a mixed-sign credit memo two)
        functions = sum(len(post_document(d, setup).entries) for d in posted)
        avg_lines = sum(len(d.lines) for d in posted) / max(len(posted), 1)
        latency = (
            "--latency-request", str(LATENCY_REQUEST), "--latency-function",
            str(LATENCY_FUNCTION), "--slots", str(SLOTS),
        )  # fmt: skip
        with sandbox_server(*latency, "--state", str(Path(directory) / STATE_FILE)) as endpoint:
            integration = integration.model_copy(update={"endpoint_url": endpoint})

            transport = TimedTransport()

            async def post() -> tuple[object, int]:
                async with client_for(integration, transport=transport) as client:
                    run = await post_documents(engine, DEFAULT_TENANT_ID, client, config=config)
                    return run, len(transport.requests)

            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_began = time.process_time()
            began = time.perf_counter()
            run, requests = asyncio.run(post())
            ended = time.perf_counter()
            seconds = ended - began
            slots = transport.figures(began, ended)
            cpu_seconds = time.process_time() - cpu_began
        # the sandbox process has ended: its CPU time is in RUSAGE_CHILDREN
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        sandbox_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        with sessions() as session:
            recorded = session.scalar(
                select(func.count()).where(
                    SyncStateRow.kind == KIND,
                    SyncStateRow.state == "success",
                    SyncStateRow.record_no.is_not(None),
                )
            )
        engine.dispose()
    errors = [f"{o.key}: {o.message}" for o in [*run.errors, *run.pending]]  # type: ignore[attr-defined]
    limit_functions = SLOTS * BATCH / (LATENCY_REQUEST + LATENCY_FUNCTION * BATCH)
    limit = limit_functions * len(posted) / max(functions, 1)
    rate = len(posted) / seconds
    return {
        "export_documents": len(posted),
        "avg_lines_per_doc": round(avg_lines, 2),
        "functions": functions,
        "recorded_with_recordno": int(recorded or 0),
        "export_errors": errors,
        "export_seconds": round(seconds, 2),
        "export_cpu_seconds": round(cpu_seconds, 2),
        "sandbox_cpu_seconds": round(sandbox_cpu, 2),
        "seconds_per_request": round(seconds * SLOTS / max(requests, 1), 3),
        "requests": requests,
        "prepare_seconds": round(prepare_seconds, 1),
        "docs_per_s": round(rate, 2),
        "limit_docs_per_s": round(limit, 2),
        "docs_vs_limit": round(rate / limit, 4),
        **slots,
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=None, help="cpu run (20,000)")
    parser.add_argument("--stream", type=int, default=None, help="stream (1,000,000)")
    parser.add_argument(
        "--export-documents", type=int, default=None, help="export run (10,000; 0: skip)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lines", type=float, default=LINES, help="average lines per document (5)")
    parser.add_argument("--quick", action="store_true", help="small numbers everywhere")
    args = parser.parse_args(argv)
    if args.documents is None:
        args.documents = 2_000 if args.quick else 20_000
    if args.stream is None:
        args.stream = 50_000 if args.quick else 1_000_000
    if args.export_documents is None:
        args.export_documents = 1_000 if args.quick else 10_000

    generator = DemoGenerator(
        seed=args.seed, documents=min(args.documents, 5_000), lines=args.lines
    )
    setup = demo_setup(generator)
    documents: list[Document] = list(generator.documents())
    lines = sum(len(doc.lines) for doc in documents) / len(documents)
    problems = sum(1 for doc in documents if not post_document(doc, setup).ok)

    source = itertools.islice(itertools.cycle(documents), args.documents)
    start = time.process_time()
    entries = 0
    for doc in source:
        entries += len(post_document(doc, setup).entries)
    cpu = time.process_time() - start
    cpu_ms = cpu * 1000 / args.documents

    rss_before = peak_rss_mb()
    start_wall = time.perf_counter()
    for doc in itertools.islice(itertools.cycle(documents), args.stream):
        for entry in post_document(doc, setup).entries:
            entry.check_balanced()
    stream_seconds = time.perf_counter() - start_wall
    rss = peak_rss_mb()

    # after the stream, so that its peak RSS is the engine's alone
    export: dict[str, object] = {"docs_per_s": None, "limit_docs_per_s": None}
    if args.export_documents:
        export = export_run(args.export_documents, args.seed, args.lines)
    if hasattr(os, "getloadavg"):
        print("load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    if args.export_documents:
        print(
            f"export: {export['export_documents']:,} documents, {export['functions']:,} "
            f"functions, {export['requests']} requests, latency 100 ms/request + 10 ms/function, "
            f"{SLOTS} slots; {export['avg_lines_per_doc']} lines per document; "
            f"prepared in {export['prepare_seconds']} s (not timed)"
        )
        for error in export["export_errors"][:10]:  # type: ignore[index]
            print(f"  not posted: {error}")
    print(
        f"documents: {len(documents):,} distinct, {lines:.1f} lines each, "
        f"{problems} with problems; {entries:,} entries in the cpu run"
    )
    print(f"{'measure':<28}{'value':>14}{'target':>12}")
    if args.export_documents:
        print(f"{'export seconds':<28}{export['export_seconds']:>14}{'':>12}")
        print(f"{'export docs / s':<28}{export['docs_per_s']:>14}{'':>12}")
        print(f"{'physical limit docs / s':<28}{export['limit_docs_per_s']:>14}{'':>12}")
        ratio = float(export["docs_vs_limit"])  # type: ignore[arg-type]
        print(f"{'export / limit':<28}{ratio:>14.1%}{'>= 90%':>12}")
        for name, key in (
            ("slot utilisation", "slot_utilisation"),
            ("  of it posting", "slot_posting_share"),
            ("  of it reads", "slot_reads_share"),
        ):
            print(f"{name:<28}{float(export[key]):>14.1%}{'':>12}")  # type: ignore[arg-type]
        reads = f"{export['read_requests']} ({export['read_functions']} fn)"
        print(f"{'read requests':<28}{reads:>14}{'':>12}")
        print(f"{'s after the last post':<28}{export['seconds_after_last_post']:>14}{'':>12}")
        print(f"{'recorded with RECORDNO':<28}{export['recorded_with_recordno']:>14}{'':>12}")
        cpu_s = float(export["export_cpu_seconds"])  # type: ignore[arg-type]
        per_cpu = int(export["export_documents"]) / max(cpu_s, 1e-9)  # type: ignore[call-overload]
        print(f"{'export docs / CPU-second':<28}{per_cpu:>14,.0f}{'':>12}")
        sandbox_s = float(export["sandbox_cpu_seconds"])  # type: ignore[arg-type]
        print(f"{'sandbox CPU seconds':<28}{sandbox_s:>14.1f}{'':>12}")
        per_request = float(export["seconds_per_request"])  # type: ignore[arg-type]
        ideal = LATENCY_REQUEST + LATENCY_FUNCTION * BATCH
        print(f"{'s / request per slot':<28}{per_request:>14.2f}{f'{ideal:.2f} ideal':>12}")
    print(f"{'cpu ms / document':<28}{cpu_ms:>14.3f}{'<= 1.0':>12}")
    print(f"{'documents / s (1 core)':<28}{args.documents / cpu:>14,.0f}{'':>12}")
    print(f"{'stream documents':<28}{args.stream:>14,}{'':>12}")
    print(f"{'stream seconds':<28}{stream_seconds:>14.1f}{'':>12}")
    print(f"{'peak RSS before stream MB':<28}{rss_before:>14.1f}{'':>12}")
    print(f"{'peak RSS after stream MB':<28}{rss:>14.1f}{'< 300':>12}")
    figures = {
        **{k: v for k, v in export.items() if k != "export_errors"},
        "engine_avg_lines_per_doc": round(lines, 2),
        "export_not_posted": len(export.get("export_errors") or ()),  # type: ignore[arg-type]
        "cpu_ms_per_doc": round(cpu_ms, 4),
        "engine_docs_per_s": round(args.documents / cpu, 1),
        "stream_documents": args.stream,
        "stream_peak_rss_mb": round(rss, 1),
        "documents_with_problems": problems,
        "entries": entries,
        "python": sys.version.split()[0],
    }
    ok = cpu_ms <= TARGET_CPU_MS and rss < TARGET_RSS_MB
    if args.export_documents:
        ok = ok and float(export["docs_vs_limit"]) >= TARGET_EXPORT  # type: ignore[arg-type]
        ok = ok and not export["export_errors"]
    print(json.dumps(figures))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
