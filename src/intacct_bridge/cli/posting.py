"""``intacct-bridge post`` and ``intacct-bridge reconcile``: the export to Intacct."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from intacct_bridge.cli.config import KeyFileOption, console, fail, guarded, keyring, ready_engine
from intacct_bridge.cli.ops import DbOption, TenantOption
from intacct_bridge.cli.setup import StateOption
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from intacct_bridge.config.models import IntegrationConfig
    from intacct_bridge.export import PostingConfig
    from intacct_bridge.intacct.client import IntacctClient

DefaultAccountOption = Annotated[
    list[str] | None,
    typer.Option(
        "--default-account",
        help="A company-wide account, TYPE=ACCOUNT (e.g. goods_in_transit=1230, "
        "rounding=7100); repeat for more.",
        show_default=False,
    ),
]
ClosedOption = Annotated[
    list[str] | None,
    typer.Option(
        "--closed",
        help="A closed period: MODULE[:ENTITY]=YYYY-MM-DD (last closed day; MODULE GL, AP or "
        "AR); documents in it are listed as problems before anything is sent.",
        show_default=False,
    ),
]
RateOption = Annotated[
    list[str] | None,
    typer.Option(
        "--rate",
        help="An exchange rate FROM/TO=RATE@YYYY-MM-DD (e.g. EUR/USD=1.1@2026-11-01).",
        show_default=False,
    ),
]
InterentityOption = Annotated[
    str | None,
    typer.Option(
        "--interentity-accounts",
        help="DUE_FROM,DUE_TO: the inter-entity accounts Intacct balances entities with "
        "(multi-entity companies).",
        show_default=False,
    ),
]
JournalOption = Annotated[
    str, typer.Option("--stock-journal", help="Journal of the stock journal entries.")
]


def posting_config(
    default_account: list[str] | None,
    closed: list[str] | None,
    rate: list[str] | None,
    stock_journal: str,
    interentity: str | None = None,
) -> PostingConfig:
    """A posting configuration from the command's options (fails with the fix)."""
    from intacct_bridge.export import PostingConfig
    from intacct_bridge.posting import AccountType, ExchangeRates

    accounts: dict[AccountType, str] = {}
    for item in default_account or ():
        name, _, account = item.partition("=")
        try:
            accounts[AccountType(name.strip())] = account.strip()
        except ValueError:
            kinds = ", ".join(t.value for t in AccountType)
            fail(f"--default-account {item!r}: TYPE must be one of {kinds}")
        if not account.strip():
            fail(f"--default-account {item!r}: give TYPE=ACCOUNT")
    closes: dict[tuple[str, str | None], dt.date] = {}
    for item in closed or ():
        where, _, day = item.partition("=")
        module, _, entity = where.partition(":")
        if module.upper() not in ("GL", "AP", "AR"):
            fail(f"--closed {item!r}: MODULE is GL, AP or AR")
        try:
            closes[(module.upper(), entity or None)] = dt.date.fromisoformat(day)
        except ValueError:
            fail(f"--closed {item!r}: give MODULE[:ENTITY]=YYYY-MM-DD")
    rates: list[tuple[str, str, dt.date, Decimal]] = []
    for item in rate or ():
        try:
            pair, _, rest = item.partition("=")
            source, _, base = pair.partition("/")
            value, _, day = rest.partition("@")
            rates.append((source.upper(), base.upper(), dt.date.fromisoformat(day), Decimal(value)))
        except (ValueError, InvalidOperation):
            fail(f"--rate {item!r}: give FROM/TO=RATE@YYYY-MM-DD, e.g. EUR/USD=1.1@2026-11-01")
    try:
        table = ExchangeRates(rates)
    except ValueError as error:
        fail(f"--rate: {error}")
    accounts_pair: tuple[str, str] | None = None
    if interentity is not None:
        due_from, _, due_to = interentity.partition(",")
        if not due_from.strip() or not due_to.strip():
            fail(f"--interentity-accounts {interentity!r}: give DUE_FROM,DUE_TO (e.g. 1900,2900)")
        accounts_pair = (due_from.strip(), due_to.strip())
    return PostingConfig(
        default_accounts=accounts,
        stock_journal=stock_journal,
        rates=table,
        closed_through=closes,
        interentity_accounts=accounts_pair,
    )


@contextmanager
def _connected(
    tenant: str, db: str | None, key_file: Path | None, state: Path | None, *, save: bool
) -> Iterator[tuple[Engine, IntacctClient]]:
    """The store and a client for the tenant's Intacct (or a sandbox state file)."""
    with connected(tenant, db, key_file, state, save=save) as (engine, client, _config):
        yield engine, client


@contextmanager
def connected(
    tenant: str, db: str | None, key_file: Path | None, state: Path | None, *, save: bool
) -> Iterator[tuple[Engine, IntacctClient, IntegrationConfig]]:
    """The store, a client for the tenant's Intacct (or a sandbox state file) and the
    tenant's integration configuration."""
    from intacct_bridge.cli.setup import _load_sandbox, _locked
    from intacct_bridge.store.session import session_factory
    from intacct_bridge.sync.connect import client_for, load_config

    ring = keyring(key_file, required=False)
    engine = ready_engine(db)
    try:
        lock = _locked(state) if state is not None else nullcontext()
        with lock:
            sandbox = _load_sandbox(state) if state is not None else None
            with session_factory(engine).begin() as session:
                config = load_config(session, tenant, ring)
            transport = sandbox.transport() if sandbox is not None else None
            yield engine, client_for(config, transport=transport), config
            if sandbox is not None and state is not None and save:
                from intacct_bridge.sandbox.persistence import save_state

                save_state(sandbox.backend, state)
    finally:
        engine.dispose()


def post_command(
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    state: StateOption = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Only list the problems; send and store nothing."),
    ] = False,
    default_account: DefaultAccountOption = None,
    closed: ClosedOption = None,
    rate: RateOption = None,
    stock_journal: JournalOption = "INVJ",
    interentity: InterentityOption = None,
    batch: Annotated[
        int, typer.Option("--batch", min=1, max=100, help="Documents sent per request.")
    ] = 50,
) -> None:
    """Post every posted document not yet in Intacct, exactly once; exit 1 if any is in
    error or still pending. The tenant's configuration decides the mode (asynchronous with
    its policy ID when Asynchronous is on: results arrive at the bridge's callback) and the
    transaction integration level (MEGA: top level or entity sessions)."""
    import asyncio

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from intacct_bridge.export import PostingRunReport, post_documents, posting_config_for

    base = posting_config(default_account, closed, rate, stock_journal, interentity)
    base = dataclasses.replace(base, batch_size=batch)
    out = console()
    with (
        guarded(),
        connected(tenant, db, key_file, state, save=not dry_run) as (engine, client, integration),
    ):
        config = posting_config_for(integration, base)
        with Progress(TextColumn("Posting"), BarColumn(), MofNCompleteColumn(), console=out) as bar:
            task = bar.add_task("post", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total or 1)

            async def run() -> PostingRunReport:
                async with client:
                    return await post_documents(
                        engine, tenant, client, config=config, dry_run=dry_run, progress=advance
                    )

            report = asyncio.run(run())
    problems = report.errors + report.pending
    for warning in report.warnings:
        out.print(f"[yellow]Warning:[/yellow] {escape(warning)}")
    for outcome in problems:
        colour = "red" if outcome.state == "error" else "yellow"
        out.print(
            f"[{colour}]{outcome.state}[/{colour}] {escape(outcome.key)}: "
            f"{escape(outcome.message or '')}"
        )
    verb = "would post" if dry_run else "posted"
    out.print(
        f"{report.documents} documents: {report.posted if not dry_run else '-'} {verb}, "
        f"{report.already} already in Intacct, {report.nothing_to_post} with nothing to post, "
        f"{len(report.errors)} in error, {len(report.pending)} pending"
        + (
            f", {len(report.awaiting)} awaiting Intacct's asynchronous result."
            if report.awaiting
            else "."
        )
    )
    if problems:
        raise typer.Exit(1)


def reconcile_command(
    period: Annotated[str, typer.Option("--period", help="The month, YYYY-MM.")],
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    state: StateOption = None,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Also group by this GLDETAIL dimension field (DEPARTMENTID, LOCATIONID …); "
            "repeat for more.",
            show_default=False,
        ),
    ] = None,
    default_account: DefaultAccountOption = None,
    closed: ClosedOption = None,
    rate: RateOption = None,
    stock_journal: JournalOption = "INVJ",
    interentity: InterentityOption = None,
) -> None:
    """The balances the bridge expects for a month against Intacct's general ledger, per
    account and entity; every difference and unposted document listed; exit 1 if any."""
    import asyncio

    from intacct_bridge.export import ReconcileReport, reconcile
    from intacct_bridge.export.service import period_bounds

    try:
        period_bounds(period)
    except ValueError as error:
        fail(str(error))
    config = posting_config(default_account, closed, rate, stock_journal, interentity)
    with guarded(), _connected(tenant, db, key_file, state, save=False) as (engine, client):

        async def run() -> ReconcileReport:
            async with client:
                return await reconcile(
                    engine, tenant, client, period, config=config, by=tuple(by or ())
                )

        report = asyncio.run(run())
    out = console()
    if report.differences:
        table = Table("Account", "Entity", "Dimensions", "Bridge", "Intacct", "Difference")
        for diff in report.differences:
            dims = ", ".join(f"{k}={v}" for k, v in diff.key.dimensions)
            table.add_row(
                diff.key.account_id,
                diff.key.entity_id or "",
                dims,
                str(diff.expected),
                str(diff.actual),
                str(diff.difference),
            )
        out.print(table)
    for outcome in report.unposted:
        out.print(
            f"[yellow]{escape(outcome.state)}[/yellow] {escape(outcome.key)}: "
            f"{escape(outcome.message or 'not in Intacct')}"
        )
    for outcome in report.problems:
        out.print(f"[red]problem[/red] {escape(outcome.key)}: {escape(outcome.message or '')}")
    out.print(
        f"{period}: {len(report.expected)} balances expected, {len(report.actual)} in Intacct, "
        f"{len(report.differences)} differences; {len(report.posted)} documents posted, "
        f"{len(report.unposted)} not posted, {len(report.problems)} with problems."
    )
    if not report.clean:
        raise typer.Exit(1)
