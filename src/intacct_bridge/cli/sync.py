"""``intacct-bridge mapping …``, ``status`` and ``sync``: the sync engine from the shell.

::

    intacct-bridge mapping list                           # every mapped object
    intacct-bridge mapping show GLACCOUNT                 # its configuration and fields grid
    intacct-bridge mapping set CUSTOMER --direction 'Not sent'
    intacct-bridge mapping set-field ITEM GLGROUP posting_class_id
    intacct-bridge mapping remove-field GLACCOUNT REQUIREPROJECT   # the seed guide's fix
    intacct-bridge mapping reset GLACCOUNT                # back to the delivered map
    intacct-bridge mapping inspect                        # mapped fields Intacct lacks
    intacct-bridge status                                 # records per object and state
    intacct-bridge sync                                   # send what changed, until idle
    intacct-bridge sync --kind customer --record C100     # Synchronise (not integrated/desync)
    intacct-bridge sync --force                           # Force synchronise (records in error)
    intacct-bridge sync --check                           # find records changed in Intacct

With ``--state FILE`` the commands talk to a sandbox state file in-process (and write it
back after a sync), like ``intacct-bridge connection test``. Exit codes: 0 ok, 1 problems
found (errors, findings), 2 the command could not run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from intacct_bridge.cli.config import KeyFileOption, console, fail, guarded, keyring, ready_engine
from intacct_bridge.cli.ops import DbOption, TenantOption
from intacct_bridge.cli.posting import (
    ClosedOption,
    DefaultAccountOption,
    InterentityOption,
    JournalOption,
    RateOption,
)
from intacct_bridge.cli.setup import StateOption
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

    from intacct_bridge.sandbox import Sandbox
    from intacct_bridge.sync.mappings import ObjectMap
    from intacct_bridge.sync.worker import EmbeddedWorker

mapping_app = typer.Typer(
    help="The mapping page: which objects and fields are synchronised.", no_args_is_help=True
)

ObjectArg = Annotated[str, typer.Argument(metavar="OBJECT", help="Intacct object (ITEM …).")]
FieldArg = Annotated[str, typer.Argument(metavar="FIELD", help="Intacct field ID (NAME …).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@contextmanager
def _session(db: str | None) -> Iterator[Session]:
    from intacct_bridge.store.session import session_factory

    engine = ready_engine(db)
    try:
        with session_factory(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


def _flag(value: bool) -> str:
    return "✓" if value else ""


def _map_json(objmap: ObjectMap) -> dict[str, Any]:
    return {
        "intacct_object": objmap.intacct_object,
        "bridge_object": objmap.bridge_object,
        "label": objmap.label,
        "direction": objmap.direction.value,
        "smart_event": objmap.smart_event,
        "include_private": objmap.include_private,
        "customised": objmap.customised,
        "removed": list(objmap.removed),
        "fields": [
            {
                "id": row.intacct_field,
                "label": row.label,
                "data_type": row.data_type,
                "required": row.required,
                "read_only": row.read_only,
                "custom": row.custom,
                "editable": row.editable,
                "bridge_property": row.bridge_property,
                "default_property": row.default_property,
            }
            for row in objmap.fields
        ],
    }


@mapping_app.command("list")
def mapping_list(
    tenant: TenantOption = DEFAULT_TENANT_ID, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Every mapped object: direction, Smart Event, include private, customised."""
    from intacct_bridge.sync.mappings import list_maps

    with guarded(), _session(db) as session:
        maps = list_maps(session, tenant)
    if as_json:
        typer.echo(json.dumps([_map_json(m) for m in maps], indent=2))
        return
    table = Table(
        "Intacct object",
        "Bridge object",
        "Direction",
        "Smart event",
        "Include private",
        "Customised",
    )
    for m in maps:
        table.add_row(
            m.intacct_object,
            m.bridge_object,
            m.direction.value,
            _flag(m.smart_event),
            _flag(m.include_private),
            _flag(m.customised),
        )
    console().print(table)


def _print_map(objmap: ObjectMap) -> None:
    out = console()
    out.print(
        f"[bold]{escape(objmap.intacct_object)}[/bold] ({escape(objmap.label)}) ↔ bridge "
        f"{escape(objmap.bridge_object)} — direction {escape(objmap.direction.value)}, "
        f"Smart event {'on' if objmap.smart_event else 'off'}, include private "
        f"{'on' if objmap.include_private else 'off'}"
        + (" [yellow](customised)[/yellow]" if objmap.customised else "")
    )
    table = Table(
        "ID",
        "Label",
        "Data type",
        "Required",
        "Read only",
        "Custom",
        "Editable",
        "Bridge property",
        "Default property",
    )
    for row in objmap.fields:
        prop = row.bridge_property or "[dim]—[/dim]"
        if row.changed:
            prop = f"[yellow]{escape(row.bridge_property or '—')}[/yellow]"
        table.add_row(
            row.intacct_field,
            escape(row.label),
            row.data_type,
            _flag(row.required),
            _flag(row.read_only),
            _flag(row.custom),
            _flag(row.editable),
            prop,
            escape(row.default_property or ""),
        )
    out.print(table)
    if objmap.removed:
        out.print(
            f"Removed from the grid: {escape(', '.join(objmap.removed))} (intacct-bridge "
            f"mapping reset {escape(objmap.intacct_object)} brings them back)"
        )


@mapping_app.command("show")
def mapping_show(
    intacct_object: ObjectArg,
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One object's configuration and fields grid."""
    from intacct_bridge.sync.mappings import get_map

    with guarded(), _session(db) as session:
        objmap = get_map(session, tenant, intacct_object)
    if as_json:
        typer.echo(json.dumps(_map_json(objmap), indent=2))
    else:
        _print_map(objmap)


@mapping_app.command("set")
def mapping_set(
    intacct_object: ObjectArg,
    direction: Annotated[
        str | None,
        typer.Option(help="Both, Inbound, Outbound or 'Not sent'.", show_default=False),
    ] = None,
    smart_event: Annotated[
        bool | None, typer.Option("--smart-event/--no-smart-event", show_default=False)
    ] = None,
    include_private: Annotated[
        bool | None,
        typer.Option("--include-private/--no-include-private", show_default=False),
    ] = None,
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
) -> None:
    """Change an object's direction, Smart Event or include-private switch."""
    from intacct_bridge.sync.mappings import set_options

    if direction is None and smart_event is None and include_private is None:
        fail("nothing to change: give --direction, --smart-event or --include-private")
    with guarded(), _session(db) as session:
        objmap = set_options(
            session,
            tenant,
            intacct_object,
            direction=direction,
            smart_event=smart_event,
            include_private=include_private,
        )
    _print_map(objmap)


@mapping_app.command("set-field")
def mapping_set_field(
    intacct_object: ObjectArg,
    field: FieldArg,
    bridge_property: Annotated[
        str, typer.Argument(metavar="PROPERTY", help="Bridge property, or '-' to leave it out.")
    ],
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
) -> None:
    """Fill an editable field from another bridge property ('-': leave the field out)."""
    from intacct_bridge.sync.mappings import set_field

    prop = None if bridge_property.strip() in ("-", "") else bridge_property.strip()
    with guarded(), _session(db) as session:
        objmap = set_field(session, tenant, intacct_object, field, prop)
    _print_map(objmap)


@mapping_app.command("remove-field")
def mapping_remove_field(
    intacct_object: ObjectArg,
    field: FieldArg,
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
) -> None:
    """Remove a field from the grid (e.g. GLACCOUNT REQUIREPROJECT without Projects)."""
    from intacct_bridge.sync.mappings import remove_field

    with guarded(), _session(db) as session:
        objmap = remove_field(session, tenant, intacct_object, field)
    console().print(
        f"{escape(objmap.intacct_object)}.{escape(field.upper())} removed from the grid; it "
        "is neither sent nor read any more."
    )


@mapping_app.command("reset")
def mapping_reset(
    intacct_object: ObjectArg,
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
) -> None:
    """Discard the tenant's changes: the object's map is the delivered one again."""
    from intacct_bridge.sync.mappings import reset_map

    with guarded(), _session(db) as session:
        objmap = reset_map(session, tenant, intacct_object)
    console().print(f"{escape(objmap.intacct_object)}: back to the delivered map.")


# --- the worker from the shell ------------------------------------------------------------------


@contextmanager
def _worker(
    tenant: str, db: str | None, key_file: Path | None, state: Path | None, *, save: bool
) -> Iterator[EmbeddedWorker]:
    """An embedded worker on the configured endpoint, or on a sandbox state file."""
    from intacct_bridge.cli.setup import _load_sandbox, _locked
    from intacct_bridge.sync.worker import EmbeddedWorker

    ring = keyring(key_file, required=False)
    engine = ready_engine(db)
    try:
        lock = _locked(state) if state is not None else nullcontext()
        with lock:
            sandbox: Sandbox | None = _load_sandbox(state) if state is not None else None
            transport = sandbox.transport() if sandbox is not None else None
            yield EmbeddedWorker(engine, ring, transport=transport)
            if sandbox is not None and state is not None and save:
                from intacct_bridge.sandbox.persistence import save_state

                save_state(sandbox.backend, state)
    finally:
        engine.dispose()


@mapping_app.command("inspect")
def mapping_inspect(
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    state: StateOption = None,
) -> None:
    """Inspect every mapped Intacct object: report mapped fields the company lacks."""
    with guarded(), _worker(tenant, db, key_file, state, save=False) as worker:
        findings = worker.inspect(tenant)
    out = console()
    if not findings:
        out.print("[green]Every mapped field exists in this Intacct company.[/green]")
        return
    for finding in findings:
        out.print(f"[red]✗[/red] {escape(finding.message)}")
        out.print(f"    [bold]Fix:[/bold] {escape(finding.fix)}")
    raise typer.Exit(1)


def status_command(
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    as_json: JsonOption = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="List the records in error with their message.")
    ] = False,
) -> None:
    """Records per synchronised object and state (the integration page's summary)."""
    from intacct_bridge.config.store import get_config
    from intacct_bridge.export.service import level_warnings
    from intacct_bridge.sync.state import SyncState, list_states, status

    with guarded(), _session(db) as session:
        report = status(session, tenant)
        configured = get_config(session, tenant, None)
        warnings = (
            level_warnings(session, tenant, configured.transaction_level) if configured else []
        )
        problems = (
            list_states(session, tenant, state=SyncState.ERROR)
            + list_states(session, tenant, state=SyncState.DESYNCHRONIZED)
            if errors
            else []
        )
    if as_json:
        data = {
            "counts": {
                kind: {s.value: per.get(s, 0) for s in SyncState}
                for kind, per in report.counts.items()
            },
            "unread_events": report.unread_events,
            "warnings": warnings,
        }
        typer.echo(json.dumps(data, indent=2))
        return
    table = Table("Object", *(s.label for s in SyncState))
    for kind, per in report.counts.items():
        table.add_row(kind, *(str(per.get(s, 0)) for s in SyncState))
    out = console()
    out.print(table)
    if report.unread_events:
        out.print(f"{report.unread_events} store change(s) not yet read by a worker.")
    for warning in warnings:
        out.print(f"[yellow]Warning:[/yellow] {escape(warning)}")
    for row in problems:
        out.print(
            f"[red]{escape(row.state.label)}[/red] {escape(row.kind)} {escape(row.key)}: "
            f"{escape(row.last_message or '')}"
        )


def sync_command(
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    state: StateOption = None,
    kind: Annotated[
        str | None,
        typer.Option(help="Only this kind: item, customer, supplier, contact.", show_default=False),
    ] = None,
    record: Annotated[
        list[str] | None,
        typer.Option(
            "--record", help="Synchronise this record (repeat for more).", show_default=False
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Force synchronise: send records in error again.")
    ] = False,
    everything: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Synchronise every record that is not integrated or desynchronised, and "
            "re-check the synchronised ones (after a mapping or configuration change, those "
            "whose fields changed are sent; the others cost no call).",
        ),
    ] = False,
    reset_link: Annotated[
        bool,
        typer.Option(
            "--reset-link",
            help="Forget the Intacct link of the --record(s), then synchronise them: found "
            "again in Intacct by ID, or created again.",
        ),
    ] = False,
    batch: Annotated[
        int,
        typer.Option(
            "--batch",
            min=1,
            max=10_000,
            help="Records claimed and sent per round (the client packs 100 per request).",
        ),
    ] = 200,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Compare synchronised records with Intacct and mark the "
            "ones changed there as desynchronised (no writes).",
        ),
    ] = False,
) -> None:
    """Send what changed to Intacct, until nothing is due (the embedded worker)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    if record and kind is None:
        fail("--record needs --kind (item, customer, supplier or contact)")
    out = console()
    with guarded(), _worker(tenant, db, key_file, state, save=not check) as worker:
        worker.batch = batch
        if check:
            checked, desynced = worker.check(tenant)
            out.print(f"Checked {checked} record(s): {desynced} desynchronised.")
            if desynced:
                out.print(
                    "See them with intacct-bridge status --errors; Synchronise sends the "
                    "bridge's values: intacct-bridge sync --all"
                )
                raise typer.Exit(1)
            return
        if reset_link:
            if not record:
                fail("--reset-link needs --kind and --record")
            worker.reset_links(tenant, kind or "", record)
        if force or record or everything:
            queued = worker.enqueue(tenant, kind, record or None, force=force, recheck=everything)
            out.print(f"Queued {queued} record(s).")
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=out,
            transient=True,
        ) as bar:
            tasks: dict[str, Any] = {}

            def progress(name: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(name, total=total)
                bar.update(tasks[name], completed=done, total=total)

            report = worker.run_until_idle(tenant, progress=progress)
    out.print(
        f"Sent {report.success} record(s) in {report.requests} request(s), {report.unchanged} "
        f"unchanged, {report.retrying} to retry, {report.errors} in error "
        f"({report.seconds:.1f} s)."
    )
    if report.waiting:
        from intacct_bridge.sync.worker import next_due

        with _session(db) as session:
            due = next_due(session, tenant)
        when = f" (the next at {due:%Y-%m-%d %H:%M:%S} UTC)" if due is not None else ""
        out.print(
            f"{report.waiting} record(s) wait for another attempt{when}; run intacct-bridge "
            "sync again then (a worker does it on its own)."
        )
    for (code, message), records in report.problems.items():
        shown = ", ".join(records[:5]) + (
            f" and {len(records) - 5} more" if len(records) > 5 else ""
        )
        out.print(f"[red]{escape(code)}[/red] {escape(message)}\n    records: {escape(shown)}")
    for finding in report.findings:
        out.print(
            f"[red]✗[/red] {escape(finding.message)}\n    [bold]Fix:[/bold] {escape(finding.fix)}"
        )
    if report.errors or report.findings:
        raise typer.Exit(1)


class ClosedPolicyChoice(StrEnum):
    """The posting engine's closed-period policies, as options."""

    REFUSE = "refuse"
    FIRST_OPEN_DATE = "first_open_date"


class EngineChoice(StrEnum):
    """What runs ``intacct-bridge worker``."""

    AUTO = "auto"
    EMBEDDED = "embedded"


def worker_command(
    tenant: Annotated[
        list[str] | None,
        typer.Option(
            "--tenant",
            help="Work for this tenant (repeat; default: every tenant whose Intacct option is on).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    poll: Annotated[
        float,
        typer.Option(
            "--poll",
            min=0.05,
            max=3600,
            help="Seconds between rounds (with the task engine: between dispatches, whole "
            "seconds).",
        ),
    ] = 2.0,
    batch: Annotated[
        int,
        typer.Option("--batch", min=1, max=5000, help="Records claimed and sent per round."),
    ] = 200,
    engine_name: Annotated[
        EngineChoice,
        typer.Option(
            "--engine",
            help="auto: the task engine (procrastinate) on PostgreSQL, the embedded loop on "
            "SQLite; embedded: the embedded loop on either.",
        ),
    ] = EngineChoice.AUTO,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=64, help="Jobs this process runs at once.")
    ] = 4,
    stalled_after: Annotated[
        float,
        typer.Option(
            "--stalled-after",
            min=2,
            max=3600,
            help="Seconds without a heartbeat after which a worker is dead: its jobs are "
            "retried by another, its records freed.",
        ),
    ] = 10.0,
    grace: Annotated[
        float,
        typer.Option(
            "--grace",
            min=0,
            max=3600,
            help="On SIGTERM, seconds the jobs in progress may take before they are cancelled.",
        ),
    ] = 10.0,
    post: Annotated[
        bool,
        typer.Option(
            "--post",
            help="Also post the tenants' posted documents (task engine only; give every "
            "worker the same posting options).",
        ),
    ] = False,
    default_account: DefaultAccountOption = None,
    closed: ClosedOption = None,
    rate: RateOption = None,
    stock_journal: JournalOption = None,
    interentity: InterentityOption = None,
    closed_period_policy: Annotated[
        ClosedPolicyChoice | None,
        typer.Option(
            "--closed-period-policy",
            help="A document dated in a period closed in its subledger: refuse (a problem "
            "naming the fix) or first_open_date (posted on the subledger's first open day). "
            "Default: each tenant's stored configuration.",
            show_default=False,
        ),
    ] = None,
    pull_every: Annotated[
        int,
        typer.Option(
            "--pull-every",
            min=0,
            max=59,
            help="Minutes between incremental pulls of the financial setup (task engine "
            "only; 0: none).",
        ),
    ] = 0,
) -> None:
    """Run a worker in the foreground until SIGTERM or Ctrl-C: send every change as it
    comes. On PostgreSQL start as many as you like, on any machines: they take their jobs
    from the task engine (procrastinate), share the records through leased claims and each
    company's Intacct slots through advisory locks; a killed one's jobs are retried by
    another within --stalled-after seconds (docs/sync.md, Workers). On SQLite the embedded
    worker runs in this process."""
    import signal
    import threading

    from intacct_bridge.sync.worker import EmbeddedWorker, RunReport

    out = console()
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    with guarded():
        ring = keyring(key_file, required=False)
        engine = ready_engine(db)
        try:
            from intacct_bridge.sync.engine import EngineOptions, JobEngine, uses_engine

            with_engine = engine_name is EngineChoice.AUTO and uses_engine(engine)
            if post and not with_engine:
                fail(
                    "--post needs the task engine (PostgreSQL); on SQLite run intacct-bridge post",
                    code=2,
                )
            tenants = tenant or _active_tenants(engine)
            if not tenants and not with_engine:
                # the embedded worker serves the tenants it starts with; the task engine's
                # dispatcher looks for tenants switched on at every tick
                fail("no tenant has the Sage Intacct option on; nothing to do", code=1)

            def said(tenant_id: str, report: RunReport) -> None:
                if report.success or report.errors or report.retrying:
                    out.print(
                        f"{escape(tenant_id)}: sent {report.success}, {report.errors} in error, "
                        f"{report.retrying} to retry"
                    )

            if with_engine:
                posting = None
                if post:
                    from intacct_bridge.cli.posting import posting_config_overrides

                    # each tenant posts with its stored configuration; options override it
                    posting = posting_config_overrides(
                        default_account,
                        closed,
                        rate,
                        stock_journal,
                        interentity,
                        None if closed_period_policy is None else closed_period_policy.value,
                    )
                options = EngineOptions(
                    tick=poll,
                    concurrency=concurrency,
                    stalled_after=stalled_after,
                    grace=grace,
                    batch=batch,
                    posting=posting,
                    pull_every=pull_every,
                )
                jobs = JobEngine(engine, ring, options=options)
                serves = ", ".join(tenants) or "the tenants switched on later (none yet)"
                out.print(
                    f"Worker {escape(jobs.local.identity.rsplit(':', 1)[0])} for "
                    f"{escape(serves)}; jobs from the task engine (procrastinate) "
                    f"on PostgreSQL{', posting too' if post else ''}; Intacct slots shared "
                    "through the database; stop with Ctrl-C or SIGTERM."
                )
                jobs.start_worker(tenant or [], poll=poll, stop=stop, on_report=said)
            else:
                worker = EmbeddedWorker(engine, ring, batch=batch)
                shared = worker.limiter.provider is not None
                out.print(
                    f"Worker {escape(worker.identity)} for {escape(', '.join(tenants))}; Intacct "
                    + ("slots shared through the database" if shared else "slots of this process")
                    + "; stop with Ctrl-C or SIGTERM."
                )
                worker.start_worker(tenants, poll=poll, stop=stop, on_report=said)
        finally:
            engine.dispose()
    out.print("Worker stopped.")


def _active_tenants(engine: Any) -> list[str]:
    from sqlalchemy import select

    from intacct_bridge.store.session import session_factory
    from intacct_bridge.store.tables.config import IntegrationConfigRow

    with session_factory(engine)() as session:
        query = select(IntegrationConfigRow.tenant_id).where(
            IntegrationConfigRow.option_active.is_(True), IntegrationConfigRow.is_active.is_(True)
        )
        return sorted(session.scalars(query))
