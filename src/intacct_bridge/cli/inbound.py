"""``intacct-bridge pull``: financial setup in from Intacct (create all, or what changed)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from intacct_bridge.cli.config import (
    KeyFileOption,
    console,
    fail,
    guarded,
    keyring,
    ready_engine,
)
from intacct_bridge.cli.ops import DbOption, TenantOption
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID


def pull_command(
    tenant: TenantOption = DEFAULT_TENANT_ID,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Create all: read every record (and mark the ones Intacct no longer has "
            "deleted). Without it only what changed since the last pull is read.",
        ),
    ] = False,
    objects: Annotated[
        list[str] | None,
        typer.Option(
            "--object",
            metavar="OBJECT",
            help="Pull only this Intacct object (GLACCOUNT, DEPARTMENT …); repeatable.",
        ),
    ] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Pull GL accounts, journals, terms, taxes, entities, dimensions, attributes and bank
    accounts from the tenant's Intacct company into the store.

    The first pull of an object reads everything; later pulls read only the records changed
    since. Exit code 1 when rows were rejected or entities do not match the bridge's
    companies (each listed with its fix).
    """
    import asyncio

    from intacct_bridge.config.store import get_config
    from intacct_bridge.intacct.client import IntacctClient
    from intacct_bridge.intacct.errors import IntacctError
    from intacct_bridge.store.session import session_factory
    from intacct_bridge.sync.inbound import InboundSync, ObjectReport, PullReport

    with guarded():
        keys = keyring(key_file)
        engine = ready_engine(db)
        sessions = session_factory(engine)
        try:
            with sessions() as session:
                config = get_config(session, tenant, keys)
            if config is None:
                fail(
                    f"tenant {tenant!r} has no Intacct configuration; run: intacct-bridge "
                    "config set … (or setup sandbox)"
                )
            settings = config.intacct_config()

            out = console()

            def progress(item: ObjectReport) -> None:
                if item.skipped is None:
                    out.print(
                        f"{item.intacct_object}: {item.fetched} read, {item.changed} changed"
                        + (f", {len(item.rejected)} rejected" if item.rejected else "")
                    )

            async def run() -> PullReport:
                async with IntacctClient(settings) as client:
                    sync = InboundSync(sessions, client, tenant)
                    return await sync.pull(full=full, objects=objects or None, progress=progress)

            try:
                report = asyncio.run(run())
            except IntacctError as error:
                fail(f"Intacct refused or could not be reached: {error}", code=1)
        finally:
            engine.dispose()
    _show(report)
    problems = any(o.rejected for o in report.objects) or bool(report.warnings)
    raise typer.Exit(1 if problems else 0)


def _show(report: object) -> None:
    from intacct_bridge.sync.inbound import PullReport

    assert isinstance(report, PullReport)
    out = console()
    table = Table(title=f"Pull for tenant {escape(report.tenant_id)}", box=box.SIMPLE_HEAD)
    for column in ("Object", "Mode", "Read", "New", "Changed", "Inactive", "Deleted", "Rejected"):
        text = column in ("Object", "Mode")
        table.add_column(column, justify="left" if text else "right", no_wrap=text)
    for item in report.objects:
        if item.skipped:
            table.add_row(item.intacct_object, "skipped", "", "", "", "", "", "")
            continue
        table.add_row(
            item.intacct_object,
            item.mode,
            str(item.fetched),
            str(item.created),
            str(item.updated),
            str(item.deactivated),
            str(item.deleted),
            str(len(item.rejected)),
        )
    out.print(table)
    out.print(f"{report.requests} request(s) to Intacct; {report.changed} record(s) changed.")
    for item in report.objects:
        if item.skipped:
            out.print(f"[dim]{escape(item.skipped)}[/dim]")
        for line in item.rejected:
            out.print(f"[red]rejected:[/red] {escape(line)}")
        for line in item.notes:
            out.print(f"[yellow]note:[/yellow] {escape(line)}")
    for line in report.warnings:
        out.print(f"[yellow]warning:[/yellow] {escape(line)}")
