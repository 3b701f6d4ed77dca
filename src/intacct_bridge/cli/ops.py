"""``intacct-bridge import``, ``db …`` and ``tenant …``: the operations store from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# --db and --tenant fall back on $INTACCT_BRIDGE_DB_URL and $INTACCT_BRIDGE_TENANT, read (and
# checked, with the variable named in any error) by the one Settings class
from intacct_bridge.cli.config import DbOption as DbOption
from intacct_bridge.cli.config import TenantOption as TenantSetting
from intacct_bridge.cli.config import database_url, tenant_of

#: --tenant as the ``sync`` and ``pull`` commands take it (typer reads the variable itself).
#: Prefer :data:`intacct_bridge.cli.config.TenantOption` with ``tenant_of()``, as ``import`` does.
TenantOption = Annotated[
    str,
    typer.Option(
        "--tenant",
        envvar="INTACCT_BRIDGE_TENANT",
        help="Tenant (env INTACCT_BRIDGE_TENANT).",
    ),
]

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID
    from sqlalchemy import Engine

    from intacct_bridge.intake.service import RowError

db_app = typer.Typer(help="The operations store's database.", no_args_is_help=True)
tenant_app = typer.Typer(help="Tenants of this deployment.", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _engine(db: str | None) -> Engine:
    """An engine on ``db`` that has connected once; a wrong URL is one clear error line."""
    from intacct_bridge.store.errors import DatabaseUnavailableError
    from intacct_bridge.store.session import check_connection, create_store_engine

    try:
        engine = create_store_engine(database_url(db))
        check_connection(engine)
    except DatabaseUnavailableError as error:
        raise _fail(str(error)) from None
    return engine


def _ready_engine(db: str | None) -> Engine:
    """An engine on an up-to-date schema: SQLite is migrated on the spot, others must be."""
    from intacct_bridge.store.migrate import current_revision, head_revision, upgrade_engine

    engine = _engine(db)
    if current_revision(engine) != head_revision():
        if engine.dialect.name != "sqlite":
            engine.dispose()
            raise _fail("the database schema is not up to date; run: intacct-bridge db upgrade")
        upgrade_engine(engine)
    return engine


def import_command(
    file: Annotated[
        Path, typer.Argument(help="A .jsonl or .csv file (UTF-8).", exists=True, dir_okay=False)
    ],
    tenant: TenantSetting = None,
    db: DbOption = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="jsonl or csv (default: from the file name)."),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, max=10_000, help="Records per transaction.")
    ] = 500,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Show progress on stderr (default: on a terminal, once it takes a moment).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import master data and documents from FILE; report every bad row.

    Good records are written even when other rows are bad; the exit code is then 1. Work is
    committed every batch: after an interruption, run the same command again and it carries
    on (records already stored are skipped). Importing the same file again changes nothing.
    """
    from sqlalchemy.exc import DBAPIError

    from intacct_bridge.intake.service import ImportFormatError, import_file
    from intacct_bridge.store.errors import StoreError
    from intacct_bridge.store.session import session_factory

    tenant_id = tenant_of(tenant)
    engine = _ready_engine(db)
    errors = _ErrorPrinter(str(file))
    bar = _LazyProgress(str(file), enabled=progress)

    def batch_done(done: int, total: int | None) -> None:
        errors.flush()
        bar.update(done, total)

    try:
        with session_factory(engine)() as session:
            try:
                report = import_file(
                    session,
                    file,
                    tenant_id=tenant_id,
                    fmt=fmt,
                    batch_size=batch_size,
                    progress=batch_done,
                    on_error=errors.add,
                    keep_labels=False,
                    max_errors=0,
                )
            except (StoreError, ImportFormatError) as error:
                raise _fail(str(error)) from None
            except DBAPIError as error:
                reason = str(error.orig or error).strip().splitlines()[0]
                raise _fail(
                    f"the database failed: {reason}; the batches committed so far are kept: "
                    "run the same import again to carry on"
                ) from None
    finally:
        bar.stop()
        errors.flush()
        engine.dispose()
    typer.echo(report.summary())
    if not report.ok:
        raise typer.Exit(1)


class _ErrorPrinter:
    """Row errors to stderr in line order within each batch; never more than a batch held."""

    LIMIT = 1000

    def __init__(self, source: str) -> None:
        self.source = source
        self.held: list[RowError] = []

    def add(self, error: RowError) -> None:
        self.held.append(error)
        if len(self.held) >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        from intacct_bridge.intake.service import format_error

        for error in sorted(self.held, key=lambda e: e.line):
            typer.echo(format_error(self.source, error), err=True)
        self.held.clear()


class _LazyProgress:
    """A Rich progress bar on stderr, shown once an import has taken more than a moment."""

    AFTER_SECONDS = 0.5

    def __init__(self, name: str, *, enabled: bool | None) -> None:
        import sys
        import time

        self.name = name
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def update(self, done: int, total: int | None) -> None:
        import time

        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.started < self.AFTER_SECONDS:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )

            self.bar = Progress(
                TextColumn("importing {task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.name, total=total)
        assert self.task is not None
        self.bar.update(self.task, completed=done, total=total)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@db_app.command("upgrade")
def db_upgrade(
    db: DbOption = None,
    revision: Annotated[str, typer.Option(help="Target revision (default: the newest).")] = "head",
) -> None:
    """Create or migrate the schema (Alembic) up to REVISION."""
    from intacct_bridge.store.migrate import MigrationError, current_revision, is_behind, resolve
    from intacct_bridge.store.migrate import upgrade as run_upgrade

    engine = _engine(db)
    try:
        try:
            target = resolve(revision)
        except MigrationError as error:
            raise _fail(str(error)) from None
        current = current_revision(engine)
        if target is None or is_behind(current, target):
            raise _fail(
                f"the database is at {current or 'base'}, newer than {revision}; to go back, "
                f"run: intacct-bridge db downgrade --revision {revision}"
            )
        run_upgrade(engine.url.render_as_string(hide_password=False), revision)
        typer.echo(f"database at {_describe(current_revision(engine))}")
    finally:
        engine.dispose()


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[
        str,
        typer.Option(
            help="Target revision: an older revision, or base (drops every table and its data)."
        ),
    ],
    db: DbOption = None,
) -> None:
    """Take the schema back to REVISION (Alembic); what later revisions added is dropped."""
    from intacct_bridge.store.migrate import MigrationError, current_revision, is_behind, resolve
    from intacct_bridge.store.migrate import downgrade as run_downgrade

    engine = _engine(db)
    try:
        try:
            target = resolve(revision)
        except MigrationError as error:
            raise _fail(str(error)) from None
        current = current_revision(engine)
        if current != target and not is_behind(current, target):
            raise _fail(
                f"the database is at {current or 'base'}, older than {revision}; to go forward, "
                f"run: intacct-bridge db upgrade --revision {revision}"
            )
        run_downgrade(engine.url.render_as_string(hide_password=False), revision)
        typer.echo(f"database at {_describe(current_revision(engine))}")
    finally:
        engine.dispose()


def _describe(revision: str | None) -> str:
    from intacct_bridge.store.migrate import head_revision

    if revision is None:
        return "base (no tables)"
    return f"{revision} (the newest)" if revision == head_revision() else revision


@tenant_app.command("add")
def tenant_add(
    tenant_id: Annotated[str, typer.Argument(metavar="ID", help="Tenant ID (acme-eu).")],
    name: Annotated[str, typer.Option(help="Name of the operations company.")],
    intacct_company: Annotated[
        str | None, typer.Option(help="Intacct company ID bound to this tenant.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Add a tenant: one operations company bound to one Intacct company."""
    from intacct_bridge.model.errors import ModelError
    from intacct_bridge.model.tenancy import Tenant
    from intacct_bridge.store.errors import TenantConflictError
    from intacct_bridge.store.repositories import create_tenant
    from intacct_bridge.store.session import session_factory

    try:
        tenant = Tenant(id=tenant_id, name=name, intacct_company_id=intacct_company)
    except ModelError as error:
        raise _fail(str(error)) from None
    engine = _ready_engine(db)
    try:
        with session_factory(engine)() as session:
            try:
                outcome = create_tenant(session, tenant)
            except TenantConflictError as error:
                raise _fail(str(error)) from None
            session.commit()
    finally:
        engine.dispose()
    typer.echo(f"tenant {tenant_id}: {outcome.value}")


@tenant_app.command("list")
def tenant_list(db: DbOption = None) -> None:
    """List the tenants."""
    from intacct_bridge.store.repositories import list_tenants
    from intacct_bridge.store.session import session_factory

    engine = _ready_engine(db)
    try:
        with session_factory(engine)() as session:
            for tenant in list_tenants(session):
                bound = tenant.intacct_company_id or "(no Intacct company yet)"
                typer.echo(f"{tenant.id}\t{tenant.name}\t{bound}")
    finally:
        engine.dispose()
