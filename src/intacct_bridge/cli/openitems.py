"""``intacct-bridge openitems``: posted AP/AR documents with their payment status."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from intacct_bridge.cli.config import KeyFileOption, console, fail, guarded, ready_engine
from intacct_bridge.cli.ops import DbOption, TenantOption
from intacct_bridge.cli.posting import connected
from intacct_bridge.cli.setup import StateOption
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID

_STATUSES = ("notPaid", "partiallyPaid", "paid")


def openitems_command(
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    state: StateOption = None,
    pull: Annotated[
        bool,
        typer.Option(
            "--pull", help="First read the paid and due amounts from Intacct (else: as stored)."
        ),
    ] = False,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="Only this status: notPaid, partiallyPaid or paid.", show_default=False
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The open items: every posted AP bill, AP adjustment, AR invoice and AR adjustment with
    Intacct's total, paid and due amounts and its status (notPaid, partiallyPaid, paid)."""
    import asyncio

    from intacct_bridge.export.openitems import list_open_items, refresh_open_items

    if status is not None and status not in _STATUSES:
        fail(f"--status {status!r}: give one of {', '.join(_STATUSES)}")
    with guarded():
        if pull:
            with connected(tenant, db, key_file, state, save=False) as (engine, client, _config):

                async def run() -> None:
                    async with client:
                        await refresh_open_items(engine, tenant, client)

                asyncio.run(run())
        engine = ready_engine(db)
        try:
            items = list_open_items(engine, tenant, status=status)
        finally:
            engine.dispose()
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "document": i.key,
                        "object": i.intacct_object,
                        "recordno": i.record_no,
                        "party": i.party_id,
                        "currency": i.currency,
                        "due_date": i.due_date,
                        "total": str(i.total),
                        "paid": str(i.paid),
                        "due": str(i.due),
                        "prepaid": None if i.prepaid is None else str(i.prepaid),
                        "intacct_state": i.intacct_state,
                        "status": i.status,
                        "pulled_at": i.pulled_at.isoformat(),
                    }
                    for i in items
                ],
                indent=2,
            )
        )
        return
    out = console()
    table = Table("Document", "Intacct", "Party", "Cur.", "Total", "Paid", "Due", "Status")
    for item in items:
        table.add_row(
            escape(item.key),
            f"{item.intacct_object} {item.record_no}",
            escape(item.party_id or ""),
            item.currency or "",
            str(item.total),
            str(item.paid),
            str(item.due),
            item.status,
        )
    out.print(table)
    counts = {s: sum(1 for i in items if i.status == s) for s in _STATUSES}
    out.print(
        f"{len(items)} open item(s): "
        + ", ".join(f"{n} {s}" for s, n in counts.items())
        + ("" if pull else " (as last pulled; --pull reads Intacct first)")
    )


__all__ = ["openitems_command"]
