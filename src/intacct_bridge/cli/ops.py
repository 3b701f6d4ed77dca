"""``intacct-bridge import``, ``db …`` and ``tenant …``: the operations store from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID

if TYPE_CHECKING:
    from sqlalchemy import Engine

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="INTACCT_BRIDGE_DB_URL",
        help="Database URL (env INTACCT_BRIDGE_DB_URL; default sqlite:///./intacct-bridge.db; "
        "PostgreSQL: postgresql+psycopg://user@host/db).",
        show_default=False,
    ),
]
TenantOption = Annotated[
    str,
    typer.Option(
        "--tenant",
        envvar="INTACCT_BRIDGE_TENANT",
        help="Tenant to import into (env INTACCT_BRIDGE_TENANT).",
    ),
]

db_app = typer.Typer(help="The operations store's database.", no_args_is_help=True)
tenant_app = typer.Typer(help="Tenants of this deployment.", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _ready_engine(db: str | None) -> Engine:
    """An engine on an up-to-date schema: SQLite is migrated on the spot, others must be."""
    from intacct_bridge.store.migrate import current_revision, head_revision, upgrade
    from intacct_bridge.store.session import create_store_engine, database_url

    url = database_url(db)
    engine = create_store_engine(url)
    if current_revision(engine) != head_revision():
        if engine.dialect.name != "sqlite":
            engine.dispose()
            raise _fail("the database schema is not up to date; run: intacct-bridge db upgrade")
        upgrade(url)
    return engine


def import_command(
    file: Annotated[
        Path, typer.Argument(help="A .jsonl or .csv file.", exists=True, dir_okay=False)
    ],
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="jsonl or csv (default: from the file name)."),
    ] = None,
) -> None:
    """Import master data and documents from FILE; report every bad row.

    Good records are written even when other rows are bad; the exit code is then 1.
    Importing the same file again changes nothing.
    """
    from intacct_bridge.intake.service import ImportFormatError, import_file, iter_errors
    from intacct_bridge.store.errors import UnknownTenantError
    from intacct_bridge.store.session import session_factory

    engine = _ready_engine(db)
    try:
        with session_factory(engine)() as session:
            try:
                report = import_file(session, file, tenant_id=tenant, fmt=fmt)
            except (UnknownTenantError, ImportFormatError) as error:
                raise _fail(str(error)) from None
            session.commit()
    finally:
        engine.dispose()
    for line in iter_errors(report):
        typer.echo(line, err=True)
    typer.echo(report.summary())
    if not report.ok:
        raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade(
    db: DbOption = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the schema (Alembic)."""
    from intacct_bridge.store.migrate import upgrade
    from intacct_bridge.store.session import database_url

    upgrade(database_url(db), revision)
    typer.echo(f"database at {revision}")


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
