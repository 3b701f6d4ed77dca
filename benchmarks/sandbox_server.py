"""Run a seeded sandbox server in its own process, for the client benchmarks.

    python benchmarks/sandbox_server.py --port 8099 [--latency-request 0.1]
        [--latency-function 0.01] [--slots 2] [--classes 200000] [--companies 10]
        [--state sandbox.json]

Prints ``READY <base-url>`` on stdout once it serves. Seeds the quickstart company with
vendors, GL accounts and an AP term (for AP bills), and optionally ``--classes`` CLASS
records (for the pager), and ``--companies`` more empty companies ``BENCH-01`` … for the
quickstart sender and user (for several tenants). With ``--state`` it serves the sandbox
saved in that file instead (read once, never written: nothing is journaled), with the same
limits. Stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

import uvicorn

from intacct_bridge.sandbox import Sandbox

VENDORS = 20
ACCOUNTS = ("6000", "6100", "6200", "2000")


def limited(sandbox: Sandbox, args: argparse.Namespace) -> Sandbox:
    sandbox.faults.set_limits(
        None,
        slots=args.slots,
        latency_per_request=args.latency_request,
        latency_per_function=args.latency_function,
    )
    return sandbox


def build(args: argparse.Namespace) -> Sandbox:
    sandbox = Sandbox(seed=1)
    if args.state:
        from intacct_bridge.sandbox.persistence import load_state

        load_state(sandbox.backend, args.state)
        return limited(sandbox, args)
    creds = sandbox.quickstart()
    company = creds.company_id
    sandbox.admin.seed(
        company,
        "GLACCOUNT",
        [
            {
                "ACCOUNTNO": number,
                "TITLE": f"Account {number}",
                "ACCOUNTTYPE": "incomestatement" if number.startswith("6") else "balancesheet",
            }
            for number in ACCOUNTS
        ],
    )
    sandbox.admin.seed(
        company,
        "VENDOR",
        [
            {
                "VENDORID": f"V{n:03d}",
                "NAME": f"Supplier {n}",
                "DISPLAYCONTACT.PRINTAS": f"Supplier {n}",
            }
            for n in range(VENDORS)
        ],
    )
    if args.classes:
        chunk = 10_000
        for start in range(0, args.classes, chunk):
            sandbox.admin.seed(
                company,
                "CLASS",
                [
                    {"CLASSID": f"C{n:07d}", "NAME": f"Class {n}", "DESCRIPTION": "benchmark row"}
                    for n in range(start, min(start + chunk, args.classes))
                ],
            )
    for n in range(1, args.companies + 1):
        sandbox.quickstart(replace(creds, company_id=f"BENCH-{n:02d}"))
    return limited(sandbox, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency-request", type=float, default=0.0)
    parser.add_argument("--latency-function", type=float, default=0.0)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--classes", type=int, default=0)
    parser.add_argument("--companies", type=int, default=0)
    parser.add_argument("--state", help="serve the sandbox saved in this state file")
    args = parser.parse_args()
    sandbox = build(args)
    config = uvicorn.Config(
        sandbox.asgi_app(),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        lifespan="off",
        access_log=False,
    )
    server = uvicorn.Server(config)
    original = server.startup

    async def startup(sockets: object = None) -> None:
        await original(sockets)  # type: ignore[arg-type]
        print(f"READY http://127.0.0.1:{args.port}", flush=True)

    server.startup = startup  # type: ignore[method-assign]
    server.run()
    sys.exit(0)


if __name__ == "__main__":
    main()
