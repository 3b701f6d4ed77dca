"""``intacct-bridge post`` and ``intacct-bridge reconcile``: the export to Intacct."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
    from intacct_bridge.config.posting import Effective, PostingSettings
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
    str | None,
    typer.Option(
        "--stock-journal",
        help="Journal of the stock journal entries (default: the stored or derived one).",
        show_default=False,
    ),
]


def posting_overrides(
    default_account: list[str] | None,
    closed: list[str] | None,
    rate: list[str] | None,
    stock_journal: str | None,
    interentity: str | None = None,
) -> dict[str, Any]:
    """The command's options as :class:`PostingSettings` field overrides (fails with the
    fix on a bad value); options not given are left out."""
    from intacct_bridge.posting import AccountType

    overrides: dict[str, Any] = {}
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
    if accounts:
        overrides["default_accounts"] = accounts
    closes: list[dict[str, Any]] = []
    for item in closed or ():
        where, _, day = item.partition("=")
        module, _, entity = where.partition(":")
        if module.upper() not in ("GL", "AP", "AR"):
            fail(f"--closed {item!r}: MODULE is GL, AP or AR")
        try:
            through = dt.date.fromisoformat(day)
        except ValueError:
            fail(f"--closed {item!r}: give MODULE[:ENTITY]=YYYY-MM-DD")
        closes.append({"module": module.upper(), "entity": entity or None, "through": through})
    if closes:
        overrides["closed"] = closes
    rates: list[dict[str, Any]] = []
    for item in rate or ():
        try:
            pair, _, rest = item.partition("=")
            source, _, base = pair.partition("/")
            value, _, day = rest.partition("@")
            amount = Decimal(value)
            if not amount.is_finite() or amount <= 0 or len(source) != 3 or len(base) != 3:
                raise ValueError(item)
            rates.append(
                {
                    "source": source.upper(),
                    "target": base.upper(),
                    "rate": amount,
                    "effective": dt.date.fromisoformat(day),
                }
            )
        except (ValueError, InvalidOperation):
            fail(
                f"--rate {item!r}: give FROM/TO=RATE@YYYY-MM-DD with a positive rate, "
                "e.g. EUR/USD=1.1@2026-11-01"
            )
    if rates:
        overrides["rates"] = rates
    if stock_journal is not None:
        overrides["stock_journal"] = stock_journal
    if interentity is not None:
        due_from, _, due_to = interentity.partition(",")
        if not due_from.strip() or not due_to.strip():
            fail(f"--interentity-accounts {interentity!r}: give DUE_FROM,DUE_TO (e.g. 1900,2900)")
        overrides["interentity_accounts"] = (due_from.strip(), due_to.strip())
    return overrides


def posting_config_overrides(
    default_account: list[str] | None,
    closed: list[str] | None,
    rate: list[str] | None,
    stock_journal: str | None,
    interentity: str | None = None,
    closed_period_policy: str | None = None,
) -> dict[str, Any]:
    """The settings the command's options override in every tenant's stored posting
    configuration (``worker --post``), checked now; fails with the fix."""
    from intacct_bridge.config.posting import PostingSettings

    overrides = posting_overrides(default_account, closed, rate, stock_journal, interentity)
    if closed_period_policy is not None:
        overrides["closed_period_policy"] = closed_period_policy
    _validated(PostingSettings(), overrides)
    return overrides


def _validated(settings: PostingSettings, overrides: dict[str, Any]) -> PostingSettings:
    from pydantic import ValidationError

    from intacct_bridge.cli.config import validation_message

    try:
        return settings.merged(overrides)
    except ValidationError as error:
        fail(validation_message(error))


def stored_config(
    engine: Engine, tenant: str, overrides: dict[str, Any]
) -> tuple[PostingConfig, Effective]:
    """The tenant's stored (or derived) posting configuration with this run's overrides."""
    from pydantic import ValidationError

    from intacct_bridge.cli.config import validation_message
    from intacct_bridge.config.posting import effective_config
    from intacct_bridge.store.session import session_factory

    with session_factory(engine)() as session:
        try:
            return effective_config(session, tenant, overrides)
        except ValidationError as error:
            fail(validation_message(error))


_MISSING_FIELD = re.compile(r"field '(\w+)' does not exist on the \w+ object")


def _left_off_fix(messages: Iterable[str]) -> str | None:
    """The command that leaves off the dimensions Intacct says the company lacks (a
    company without the Projects module has no PROJECTID), or ``None``."""
    from intacct_bridge.posting.setup import DEFAULT_ATTRIBUTE_OBJECTS, dimension_field

    fields = {match for message in messages for match in _MISSING_FIELD.findall(message)}
    kinds = sorted(
        kind.value
        for kind, name in DEFAULT_ATTRIBUTE_OBJECTS.items()
        if name is not None and dimension_field(name) in fields
    )
    if not kinds:
        return None
    if "project" in kinds and "task" not in kinds:
        kinds.append("task")  # tasks belong to projects: the same module
    options = " ".join(f"--leave-off {kind}" for kind in kinds)
    return (
        f"intacct-bridge config posting set {options} (the Intacct company has no such "
        "dimension; or subscribe the company to its module), then post again"
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
    stock_journal: JournalOption = None,
    interentity: InterentityOption = None,
    batch: Annotated[
        int | None,
        typer.Option(
            "--batch",
            min=1,
            max=100,
            help="Documents sent per request (default: the stored configuration's, 100).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Post every posted document not yet in Intacct, exactly once; exit 1 if any is in
    error or still pending. The tenant's configuration decides the mode (asynchronous with
    its policy ID when Asynchronous is on: results arrive at the bridge's callback) and the
    transaction integration level (MEGA: top level or entity sessions)."""
    import asyncio

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from intacct_bridge.export import PostingRunReport, post_documents, posting_config_for

    overrides = posting_overrides(default_account, closed, rate, stock_journal, interentity)
    if batch is not None:
        overrides["batch_size"] = batch
    out = console()
    with (
        guarded(),
        connected(tenant, db, key_file, state, save=not dry_run) as (engine, client, integration),
    ):
        stored, effective = stored_config(engine, tenant, overrides)
        config = posting_config_for(integration, stored)
        out.print(escape(effective.summary))
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
    fix = _left_off_fix(outcome.message or "" for outcome in problems)
    if fix:
        out.print(f"Fix: {escape(fix)}")
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
    stock_journal: JournalOption = None,
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
    overrides = posting_overrides(default_account, closed, rate, stock_journal, interentity)
    out = console()
    with guarded(), _connected(tenant, db, key_file, state, save=False) as (engine, client):
        config, effective = stored_config(engine, tenant, overrides)
        out.print(escape(effective.summary))

        async def run() -> ReconcileReport:
            async with client:
                return await reconcile(
                    engine, tenant, client, period, config=config, by=tuple(by or ())
                )

        report = asyncio.run(run())
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


posting_config_app = typer.Typer(
    help="The tenant's posting configuration: stock journal, company-wide accounts, rates, "
    "closed periods, policies, dimensions left off (post, reconcile, the console and demo "
    "read it; their options override it for one run).",
    no_args_is_help=True,
)


def _describe(effective: Effective) -> list[tuple[str, str]]:
    settings = effective.settings
    accounts = ", ".join(f"{k.value}={v}" for k, v in sorted(settings.default_accounts.items()))
    rates = ", ".join(
        f"{r.source}/{r.target}={r.rate}@{r.effective.isoformat()}" for r in settings.rates
    )
    closes = ", ".join(
        f"{c.module}{':' + c.entity if c.entity else ''}={c.through.isoformat()}"
        for c in settings.closed
    )
    pair = settings.interentity_accounts
    return [
        ("Stock journal", settings.stock_journal or "-"),
        ("Default accounts", accounts or "-"),
        ("Inter-entity accounts", ",".join(pair) if pair else "-"),
        ("Revenue recognition", settings.revenue_recognition.value),
        ("Closed-period policy", settings.closed_period_policy.value),
        ("Closed periods", closes or "-"),
        ("Exchange rates", rates or "-"),
        (
            "Multi-entity",
            "from the companies" if settings.multi_entity is None else str(settings.multi_entity),
        ),
        ("Batch size", str(settings.batch_size)),
        ("Lanes", str(settings.lanes)),
        ("Dimensions left off", ", ".join(k.value for k in settings.leave_off) or "-"),
    ]


@posting_config_app.command("show")
def posting_config_show(
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the posting configuration a run uses: the stored one, or the one derived from
    the store's accounts and journals when none is stored."""
    import json
    import sys

    from intacct_bridge.config.posting import effective_settings
    from intacct_bridge.store.session import session_factory

    out = console()
    with guarded():
        engine = ready_engine(db)
        try:
            with session_factory(engine)() as session:
                effective = effective_settings(session, tenant)
        finally:
            engine.dispose()
        if as_json:
            document = {"source": effective.source, **effective.settings.model_dump(mode="json")}
            sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            return
        out.print(f"[bold]Posting configuration — tenant {escape(tenant)}[/bold]")
        out.print(escape(effective.summary))
        for label, text in _describe(effective):
            out.print(f"  {escape(label)}: {escape(text)}")


@posting_config_app.command("set")
def posting_config_set(
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    stock_journal: JournalOption = None,
    default_account: DefaultAccountOption = None,
    closed: ClosedOption = None,
    rate: RateOption = None,
    interentity: InterentityOption = None,
    revenue_recognition: Annotated[
        str | None,
        typer.Option(
            "--revenue-recognition",
            help="on_invoice (default) or on_shipment.",
            show_default=False,
        ),
    ] = None,
    closed_period_policy: Annotated[
        str | None,
        typer.Option(
            "--closed-period-policy",
            help="refuse (default) or first_open_date.",
            show_default=False,
        ),
    ] = None,
    multi_entity: Annotated[
        bool | None,
        typer.Option("--multi-entity/--single-entity", show_default=False),
    ] = None,
    batch: Annotated[
        int | None,
        typer.Option("--batch", help="Documents per request, 1-100.", show_default=False),
    ] = None,
    lanes: Annotated[
        int | None, typer.Option("--lanes", help="Batches in flight, 1-16.", show_default=False)
    ] = None,
    leave_off: Annotated[
        list[str] | None,
        typer.Option(
            "--leave-off",
            help="An attribute type whose Intacct dimension is left off the lines (e.g. "
            "project and task without the Projects module); repeat for more; 'none' clears.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Store the posting configuration: the stored one (or none) with these changes, after
    checking the accounts and journal given against the tenant's store. What is not stored
    is derived from the store at each run."""
    from intacct_bridge.config.posting import (
        PostingSettings,
        check_settings,
        get_settings,
        lock_settings,
        master_records,
        save_settings,
    )
    from intacct_bridge.model.analytics import AttributeTypeKind
    from intacct_bridge.store.session import session_factory

    overrides = posting_overrides(default_account, closed, rate, stock_journal, interentity)
    for name, value in (
        ("revenue_recognition", revenue_recognition),
        ("closed_period_policy", closed_period_policy),
        ("multi_entity", multi_entity),
        ("batch_size", batch),
        ("lanes", lanes),
    ):
        if value is not None:
            overrides[name] = value
    if leave_off is not None:
        kinds = [k.strip().lower() for k in leave_off if k.strip().lower() != "none"]
        known = {kind.value for kind in AttributeTypeKind}
        for kind in kinds:
            if kind not in known:
                fail(f"--leave-off {kind!r}: give one of {', '.join(sorted(known))} (or none)")
        overrides["leave_off"] = kinds
    out = console()
    with guarded():
        engine = ready_engine(db)
        try:
            with session_factory(engine).begin() as session:
                lock_settings(session, tenant)
                current = get_settings(session, tenant) or PostingSettings()
                settings = _validated(current, overrides)
                changed = _validated(PostingSettings(), overrides)  # only what is set now
                problems = check_settings(changed, master_records(session, tenant))
                if problems:
                    fail("\n".join(problems))
                save_settings(session, tenant, settings)
        finally:
            engine.dispose()
    out.print(f"Stored the posting configuration of tenant {escape(tenant)}.")


@posting_config_app.command("reset")
def posting_config_reset(
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
) -> None:
    """Remove the stored posting configuration: runs derive it from the store again."""
    from intacct_bridge.config.posting import reset_settings
    from intacct_bridge.store.session import session_factory

    with guarded():
        engine = ready_engine(db)
        try:
            with session_factory(engine).begin() as session:
                removed = reset_settings(session, tenant)
        finally:
            engine.dispose()
    console().print(
        f"Removed the stored posting configuration of tenant {escape(tenant)}."
        if removed
        else f"Tenant {escape(tenant)} had no stored posting configuration (it is derived)."
    )
