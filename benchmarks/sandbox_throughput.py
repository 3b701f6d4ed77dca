"""Sandbox throughput: VENDOR creates per second, in-process and over HTTP.

Sends ``--functions`` (default 10,000) VENDOR ``create`` functions in requests of
``--batch`` (default 100) functions each, three ways, each against a fresh sandbox:

* **in-process** — ``Sandbox().gateway.handle(body)`` directly;
* **transport** — an ``httpx.Client`` on ``Sandbox().transport()`` (no socket);
* **http** — ``uvicorn`` serving ``Sandbox().asgi_app()`` on 127.0.0.1 (a free port) in a
  background thread, and one ``httpx.Client`` posting to it;
* **http+state** — the same with the state file kept as ``sandbox serve --state`` keeps it:
  every committed request journaled before its reply (``sandbox/journal.py``), in a
  temporary directory. The ratio ``http_state_vs_http`` is the cost of that guarantee.

Every reply is checked afterwards (control success, one successful result per function,
all vendors stored), outside the timed loop. The target is 2,000 functions/s in-process on
one core. Prints a table, then — as the last line — one JSON object with the figures::

    python benchmarks/sandbox_throughput.py                # the full run (< 60 s)
    python benchmarks/sandbox_throughput.py --functions 2000 --skip-http
    python benchmarks/sandbox_throughput.py --profile      # cProfile of the in-process run
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from lxml import etree

from intacct_bridge.sandbox import GATEWAY_PATH, QuickstartCredentials, Sandbox

TARGET_INPROCESS = 2000.0


@dataclass
class Run:
    mode: str
    functions: int
    requests: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.functions / self.seconds if self.seconds else 0.0


def vendor_create(number: int) -> str:
    return (
        f'<function controlid="f{number}"><create><VENDOR>'
        f"<VENDORID>V{number:06d}</VENDORID><NAME>Vendor {number}</NAME>"
        f"<DISPLAYCONTACT><PRINTAS>Vendor {number}</PRINTAS>"
        f"<EMAIL1>ap{number}@example.com</EMAIL1>"
        f"<MAILADDRESS><CITY>Leeds</CITY><COUNTRY>United Kingdom</COUNTRY></MAILADDRESS>"
        f"</DISPLAYCONTACT><CURRENCY>GBP</CURRENCY></VENDOR></create></function>"
    )


def request_body(creds: QuickstartCredentials, controlid: str, functions: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<request><control><senderid>{creds.sender_id}</senderid>"
        f"<password>{creds.sender_password}</password><controlid>{controlid}</controlid>"
        "<uniqueid>false</uniqueid><dtdversion>3.0</dtdversion>"
        "<includewhitespace>false</includewhitespace></control>"
        f"<operation><authentication><login><userid>{creds.user_id}</userid>"
        f"<companyid>{creds.company_id}</companyid><password>{creds.user_password}</password>"
        f"</login></authentication><content>{functions}</content></operation></request>"
    ).encode()


def bodies(creds: QuickstartCredentials, total: int, batch: int) -> list[bytes]:
    return [
        request_body(
            creds,
            f"bench-{start}",
            "".join(vendor_create(n) for n in range(start, min(start + batch, total))),
        )
        for start in range(0, total, batch)
    ]


def fresh() -> tuple[Sandbox, QuickstartCredentials]:
    sandbox = Sandbox(seed=42)
    return sandbox, sandbox.quickstart()


def warm_up(post: Callable[[bytes], bytes], creds: QuickstartCredentials) -> None:
    """One small request first: imports, the parser, the credential check."""
    post(request_body(creds, "warm-up", '<function controlid="w"><getDimensions/></function>'))


def check(replies: list[bytes], sandbox: Sandbox, creds: QuickstartCredentials, total: int) -> None:
    """Every function succeeded and every vendor is stored (outside the timed loop)."""
    successes = 0
    for reply in replies:
        root = etree.fromstring(reply)
        if root.findtext("control/status") != "success":
            raise SystemExit(f"control failure: {reply[:1000]!r}")
        for result in root.iter("result"):
            if result.findtext("status") != "success":
                raise SystemExit(f"function failure: {etree.tostring(result)[:1000]!r}")
            successes += 1
    stored = len(sandbox.backend.companies[creds.company_id].data.table("VENDOR").by_id)
    if successes != total or stored != total:
        raise SystemExit(f"expected {total} vendors; {successes} results, {stored} stored")


def timed(mode: str, post: Callable[[bytes], bytes], total: int, batch: int) -> Run:
    sandbox, creds = SANDBOXES[mode]
    warm_up(post, creds)
    payloads = bodies(creds, total, batch)
    replies: list[bytes] = []
    started = time.perf_counter()
    for payload in payloads:
        replies.append(post(payload))
    seconds = time.perf_counter() - started
    check(replies, sandbox, creds, total)
    return Run(mode, total, len(payloads), seconds)


SANDBOXES: dict[str, tuple[Sandbox, QuickstartCredentials]] = {}


def run_inprocess(total: int, batch: int) -> Run:
    sandbox, _ = SANDBOXES["in-process"] = fresh()

    def post(body: bytes) -> bytes:
        return sandbox.gateway.handle(body, endpoint=sandbox.endpoint).body

    return timed("in-process", post, total, batch)


def run_transport(total: int, batch: int) -> Run:
    sandbox, _ = SANDBOXES["transport"] = fresh()
    with httpx.Client(transport=sandbox.transport()) as client:

        def post(body: bytes) -> bytes:
            return client.post(sandbox.endpoint, content=body).content

        return timed("transport", post, total, batch)


@contextmanager
def uvicorn_server(sandbox: Sandbox, app: Any = None) -> Iterator[str]:
    """Serve the sandbox (or ``app``) on 127.0.0.1 (a free port) from a background thread."""
    import uvicorn

    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
    # and without it every reply waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app or sandbox.asgi_app(), log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}{GATEWAY_PATH}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def run_http(total: int, batch: int) -> Run:
    sandbox, _ = SANDBOXES["http"] = fresh()
    with (
        uvicorn_server(sandbox) as url,
        httpx.Client(timeout=30, headers={"content-type": "application/xml"}) as client,
    ):

        def post(body: bytes) -> bytes:
            response = client.post(url, content=body)
            response.raise_for_status()
            return response.content

        return timed("http", post, total, batch)


def run_http_state(total: int, batch: int) -> Run:
    from intacct_bridge.sandbox.journal import SavingAdminChanges, StateKeeper

    sandbox, _ = SANDBOXES["http+state"] = fresh()
    with tempfile.TemporaryDirectory() as directory:
        keeper = StateKeeper(sandbox.backend, Path(directory) / "state.json")
        keeper.start()
        sandbox.gateway.on_commit = keeper.commit
        try:
            with (
                uvicorn_server(sandbox, SavingAdminChanges(sandbox.asgi_app(), keeper)) as url,
                httpx.Client(timeout=30, headers={"content-type": "application/xml"}) as client,
            ):

                def post(body: bytes) -> bytes:
                    response = client.post(url, content=body)
                    response.raise_for_status()
                    return response.content

                run = timed("http+state", post, total, batch)
                JOURNAL_BYTES["http+state"] = keeper.journal.stat().st_size
        finally:
            sandbox.gateway.on_commit = None
            keeper.close()
    return run


JOURNAL_BYTES: dict[str, int] = {}


def profile_inprocess(total: int, batch: int, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    run = run_inprocess(total, batch)
    profiler.disable()
    out = io.StringIO()
    out.write(f"cProfile of the in-process run ({run.per_second:,.0f} functions/s under the ")
    out.write("profiler)\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def table(runs: list[Run], total: int, batch: int) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover - rich is a dependency, but stay usable without
        print(f"{'mode':<12}{'requests':>10}{'functions':>11}{'seconds':>10}{'functions/s':>14}")
        for run in runs:
            print(
                f"{run.mode:<12}{run.requests:>10}{run.functions:>11}"
                f"{run.seconds:>10.2f}{run.per_second:>14,.0f}"
            )
        return
    grid = Table(
        title=f"Sandbox throughput — {total:,} VENDOR creates, {batch} per request",
        caption=f"target in-process ≥ {TARGET_INPROCESS:,.0f} functions/s",
    )
    for name in ("mode", "requests", "functions", "seconds", "functions/s", "ms/request"):
        grid.add_column(name, justify="left" if name == "mode" else "right")
    for run in runs:
        grid.add_row(
            run.mode,
            str(run.requests),
            f"{run.functions:,}",
            f"{run.seconds:.2f}",
            f"{run.per_second:,.0f}",
            f"{1000 * run.seconds / run.requests:.1f}",
        )
    Console(soft_wrap=True).print(grid)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--functions", type=int, default=10_000, help="VENDOR creates per mode")
    parser.add_argument("--batch", type=int, default=100, help="functions per request")
    parser.add_argument("--skip-http", action="store_true", help="no uvicorn run")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of in-process")
    parser.add_argument("--top", type=int, default=25, help="rows of the profile")
    args = parser.parse_args(argv)
    if args.functions < 1 or args.batch < 1:
        parser.error("--functions and --batch must be at least 1")

    started = time.perf_counter()
    if args.profile:
        print(profile_inprocess(args.functions, args.batch, args.top))
    runs = [run_inprocess(args.functions, args.batch), run_transport(args.functions, args.batch)]
    if not args.skip_http:
        runs.append(run_http(args.functions, args.batch))
        runs.append(run_http_state(args.functions, args.batch))
    table(runs, args.functions, args.batch)

    by_mode = {run.mode: run for run in runs}
    inprocess = by_mode["in-process"].per_second
    figures = {
        "benchmark": "sandbox_throughput",
        "functions": args.functions,
        "batch": args.batch,
        "requests": by_mode["in-process"].requests,
        "inprocess_functions_per_s": round(inprocess, 1),
        "transport_functions_per_s": round(by_mode["transport"].per_second, 1),
        "http_functions_per_s": round(by_mode["http"].per_second, 1) if "http" in by_mode else None,
        "http_state_functions_per_s": (
            round(by_mode["http+state"].per_second, 1) if "http+state" in by_mode else None
        ),
        "http_state_vs_http": (
            round(by_mode["http+state"].per_second / by_mode["http"].per_second, 3)
            if "http+state" in by_mode
            else None
        ),
        "journal_bytes": JOURNAL_BYTES.get("http+state"),
        "target_inprocess_functions_per_s": TARGET_INPROCESS,
        "meets_target": inprocess >= TARGET_INPROCESS,
        "elapsed_s": round(time.perf_counter() - started, 2),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "lxml": ".".join(map(str, etree.LXML_VERSION)),
        "libxml2": ".".join(map(str, etree.LIBXML_VERSION)),
        "httpx": httpx.__version__,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    sys.stdout.flush()
    print(json.dumps(figures, sort_keys=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
