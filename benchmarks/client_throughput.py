"""Client throughput: AP bills per second through intacct-bridge's client versus
``sageintacctsdk`` (one document per call, as every existing connector works), and the
pager's peak memory over 200,000 records.

The sandbox runs over HTTP in its own process (``benchmarks/sandbox_server.py``) with the
latency model of the issue — 100 ms per request + 10 ms per function — and 2 concurrency
slots. For batch size B the physical limit is ``2 x B / (0.1 + 0.01 x B)`` documents/s.

    python benchmarks/client_throughput.py                 # full run (~2 minutes)
    python benchmarks/client_throughput.py --bills 1000 --sdk-bills 50 --pager-rows 20000

Prints a table, then — as the last line — one JSON object with ``bridge_docs_per_s``,
``sdk_docs_per_s``, ``limit_docs_per_s``, ``pager_peak_rss_mb`` and the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from intacct_bridge.intacct import IntacctClient, IntacctConfig, RetryPolicy, functions  # noqa: E402
from intacct_bridge.sandbox import QuickstartCredentials  # noqa: E402

CREDS = QuickstartCredentials()
LATENCY_REQUEST = 0.1
LATENCY_FUNCTION = 0.01
SLOTS = 2


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def sandbox_server(*extra: str) -> Iterator[str]:
    """Start ``sandbox_server.py`` in a child process; yield its gateway URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(HERE / "sandbox_server.py"), "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(HERE.parent / "src")},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("READY "):
            raise RuntimeError(f"sandbox server did not start: {line!r}")
        yield line.split()[1] + "/ia/xml/xmlgw.phtml"
    finally:
        process.terminate()
        process.wait(timeout=30)


def bill(number: int) -> dict[str, object]:
    lines = [
        {
            "ACCOUNTNO": account,
            "TRX_AMOUNT": str(Decimal(100 + number % 50) + Decimal(share) / 100),
            "ENTRYDESCRIPTION": f"Line {share}",
        }
        for share, account in enumerate(("6000", "6100", "6200"), start=1)
    ]
    return {
        "VENDORID": f"V{number % 20:03d}",
        "WHENCREATED": "11/02/2026",
        "WHENDUE": "12/02/2026",
        "RECORDID": f"BILL-{number:06d}",
        "DESCRIPTION": "benchmark bill",
        "APBILLITEMS": {"APBILLITEM": lines},
    }


def config(endpoint: str, batch: int) -> IntacctConfig:
    return IntacctConfig(
        sender_id=CREDS.sender_id,
        sender_password=CREDS.sender_password,
        company_id=CREDS.company_id,
        user_id=CREDS.user_id,
        user_password=CREDS.user_password,
        endpoint=endpoint,
        batch_size=batch,
        timeout=120,
        retry=RetryPolicy(attempts=3, initial=0.2, maximum=2, budget=300),
    )


def run_bridge(endpoint: str, bills: int, batch: int) -> tuple[float, int]:
    work = [
        functions.create(
            "APBILL", bill(n), controlid=functions.write_controlid("bench", "APBILL", n, 1)
        )
        for n in range(bills)
    ]

    async def go() -> tuple[float, int]:
        async with IntacctClient(config(endpoint, batch)) as client:
            await client.call(functions.get_dimensions())  # sign in outside the timing
            start = time.perf_counter()
            results = await client.execute(work)
            elapsed = time.perf_counter() - start
        failed = [r.errors for r in results if not r.ok]
        if failed:
            raise SystemExit(f"{len(failed)} bills failed, first: {failed[0]}")
        return elapsed, len(results)

    return asyncio.run(go())


def run_sdk(endpoint: str, bills: int) -> float:
    from sageintacctsdk import SageIntacctSDK
    from sageintacctsdk.apis import api_base

    original = api_base.ApiBase.__init__

    def init(self: object, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self._ApiBase__api_url = endpoint  # type: ignore[attr-defined]

    api_base.ApiBase.__init__ = init  # type: ignore[method-assign]
    try:
        sdk = SageIntacctSDK(
            sender_id=CREDS.sender_id,
            sender_password=CREDS.sender_password,
            user_id=CREDS.user_id,
            company_id=CREDS.company_id,
            user_password=CREDS.user_password,
        )
        sdk.bills.set_show_private(False)
        start = time.perf_counter()
        for number in range(100_000, 100_000 + bills):
            sdk.bills.post(bill(number))
        return time.perf_counter() - start
    finally:
        api_base.ApiBase.__init__ = original  # type: ignore[method-assign]


def pager_child(endpoint: str, pagesize: int) -> None:
    """Stream every CLASS through the pager; print rows, seconds and peak RSS as JSON."""

    async def go() -> int:
        rows = 0
        async with IntacctClient(config(endpoint, 100)) as client:
            async for _row in client.iter_read_by_query(
                "CLASS", "", ["CLASSID", "NAME"], pagesize=pagesize
            ):
                rows += 1
        return rows

    start = time.perf_counter()
    rows = asyncio.run(go())
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"rows": rows, "seconds": time.perf_counter() - start, "peak_rss_mb": peak_kb / 1024}
        )
    )


def run_pager(rows: int, pagesize: int) -> dict[str, float]:
    with sandbox_server("--classes", str(rows)) as endpoint:
        output = subprocess.run(
            [sys.executable, __file__, "--pager-child", endpoint, "--pagesize", str(pagesize)],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(HERE.parent / "src")},
        ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    if result["rows"] != rows:
        raise SystemExit(f"pager returned {result['rows']} rows, expected {rows}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bills", type=int, default=5000)
    parser.add_argument("--sdk-bills", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--pager-rows", type=int, default=200_000)
    parser.add_argument("--pagesize", type=int, default=1000)
    parser.add_argument("--pager-child", metavar="ENDPOINT")
    args = parser.parse_args()
    if args.pager_child:
        pager_child(args.pager_child, args.pagesize)
        return

    latency = (
        "--latency-request",
        str(LATENCY_REQUEST),
        "--latency-function",
        str(LATENCY_FUNCTION),
        "--slots",
        str(SLOTS),
    )
    with sandbox_server(*latency) as endpoint:
        bridge_seconds, bridge_bills = run_bridge(endpoint, args.bills, args.batch)
        sdk_seconds = run_sdk(endpoint, args.sdk_bills)
    pager = run_pager(args.pager_rows, args.pagesize)

    batch = args.batch
    limit = SLOTS * batch / (LATENCY_REQUEST + LATENCY_FUNCTION * batch)
    bridge_rate = bridge_bills / bridge_seconds
    sdk_rate = args.sdk_bills / sdk_seconds
    rows = [
        (
            "intacct-bridge client",
            f"{bridge_bills} bills",
            f"{bridge_seconds:.1f} s",
            f"{bridge_rate:.1f} docs/s",
        ),
        (
            "sageintacctsdk (1/call)",
            f"{args.sdk_bills} bills",
            f"{sdk_seconds:.1f} s",
            f"{sdk_rate:.1f} docs/s",
        ),
        (f"physical limit (B={batch})", "", "", f"{limit:.1f} docs/s"),
        ("client / limit", "", "", f"{bridge_rate / limit:.1%}"),
        ("client / sdk", "", "", f"{bridge_rate / sdk_rate:.1f}x"),
        (
            f"pager, {pager['rows']:,} rows",
            f"page {args.pagesize}",
            f"{pager['seconds']:.1f} s",
            f"peak RSS {pager['peak_rss_mb']:.0f} MB",
        ),
    ]
    width = [max(len(r[i]) for r in rows) for i in range(4)]
    print("latency model: 100 ms/request + 10 ms/function, 2 slots; AP bills of 3 lines")
    for row in rows:
        print("  ".join(cell.ljust(width[i]) for i, cell in enumerate(row)))
    print(
        json.dumps(
            {
                "bridge_docs_per_s": round(bridge_rate, 2),
                "sdk_docs_per_s": round(sdk_rate, 2),
                "limit_docs_per_s": round(limit, 2),
                "bridge_vs_limit": round(bridge_rate / limit, 4),
                "bridge_vs_sdk": round(bridge_rate / sdk_rate, 2),
                "bills": bridge_bills,
                "sdk_bills": args.sdk_bills,
                "batch_size": batch,
                "pager_rows": int(pager["rows"]),
                "pager_seconds": round(pager["seconds"], 2),
                "pager_peak_rss_mb": round(pager["peak_rss_mb"], 1),
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
