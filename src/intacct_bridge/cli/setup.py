"""``intacct-bridge connection test``, ``package export``, ``setup sandbox`` and ``setup check``.

::

    intacct-bridge connection test                 # sign in; diagnose each failure precisely
    intacct-bridge package export --out pkg.xml    # the customErpPackage to import in Intacct
    intacct-bridge setup sandbox --state sb.json   # every step of the seed guide, in a sandbox
    intacct-bridge setup check [--state sb.json]   # each step verified, gaps in the guide's words

With ``--state FILE`` the commands work on a sandbox state file in-process (what
``intacct-bridge sandbox serve --state FILE`` serves); without it they talk to the
configured Endpoint URL. Exit codes: 0 ok, 1 problems found, 2 the command could not run.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from intacct_bridge.cli.config import (
    MARKS,
    DbOption,
    KeyFileOption,
    TenantOption,
    console,
    fail,
    guarded,
    keyring,
    read_secret,
    ready_engine,
    settings,
    tenant_of,
)
from intacct_bridge.files import atomic_write

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from intacct_bridge.config.models import IntegrationConfig
    from intacct_bridge.config.secrets import Keyring
    from intacct_bridge.sandbox import Sandbox
    from intacct_bridge.setup.connection import ConnectionReport
    from intacct_bridge.setup.guide import StepResult

StateOption = Annotated[
    Path | None,
    typer.Option(
        "--state",
        dir_okay=False,
        help="A sandbox state file: work on that sandbox in-process instead of the network "
        "(default: $INTACCT_BRIDGE_SANDBOX_STATE, if set).",
        show_default=False,
    ),
]
#: setup sandbox's state file when neither --state nor $INTACCT_BRIDGE_SANDBOX_STATE says
DEFAULT_STATE = Path("sandbox.json")

connection_app = typer.Typer(help="The connection to Sage Intacct.", no_args_is_help=True)
package_app = typer.Typer(
    help="The custom package (Smart Events + audit trail).", no_args_is_help=True
)
setup_app = typer.Typer(help="The seed guide's setup, performed and checked.", no_args_is_help=True)


# --- plumbing --------------------------------------------------------------------------------


def _load_config(tenant: str, db: str | None, ring: Keyring | None) -> IntegrationConfig | None:
    from intacct_bridge.config.store import get_config
    from intacct_bridge.store.session import session_factory

    engine = ready_engine(db)
    try:
        with session_factory(engine)() as session:
            return get_config(session, tenant, ring)
    finally:
        engine.dispose()


def _state_of(state: Path | None) -> Path | None:
    """``--state``, else ``$INTACCT_BRIDGE_SANDBOX_STATE``, else none (the network)."""
    return state if state is not None else settings().sandbox_state


def _shown(path: Path) -> str:
    """``path`` as a person would type it here: relative to the working directory if inside."""
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def _record_sandbox(tenant: str, state: Path, endpoint_url: str) -> None:
    """Remember which state file ``setup sandbox`` set ``tenant`` up in (in the data
    directory), so that connection fixes can name the exact command that serves it."""
    path = settings().sandboxes_file
    records = _sandbox_records(path)
    records[tenant] = {"state": str(state.absolute()), "endpoint_url": endpoint_url}
    data = json.dumps(records, indent=2, sort_keys=True).encode() + b"\n"
    try:
        _write_private(path, data)
    except OSError as error:  # the setup is done; only the hints lose the file's name
        console().print(
            f"[yellow]Note:[/yellow] could not record the sandbox in {escape(str(path))} "
            f"({escape(error.strerror or str(error))}); connection fixes will not name "
            f"{escape(str(state))}."
        )


def _sandbox_records(path: Path) -> dict[str, dict[str, str]]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {
        str(key): {str(k): str(v) for k, v in value.items()}
        for key, value in loaded.items()
        if isinstance(value, dict)
    }


def _served_state(tenant: str, config: IntegrationConfig | None) -> str | None:
    """The state file a sandbox at the configured Endpoint URL should serve: the one
    ``setup sandbox`` recorded for the tenant and this endpoint, if it still exists."""
    if config is None:
        return None
    record = _sandbox_records(settings().sandboxes_file).get(tenant, {})
    state = record.get("state")
    if state and record.get("endpoint_url") == config.endpoint_url and Path(state).exists():
        return _shown(Path(state))
    return None


def _load_sandbox(path: Path) -> Sandbox:
    from intacct_bridge.sandbox import Sandbox
    from intacct_bridge.sandbox.persistence import load_state

    if not path.exists():
        fail(
            f"sandbox state file {path} does not exist; create it with intacct-bridge setup sandbox"
        )
    sandbox = Sandbox()
    load_state(sandbox.backend, path)
    return sandbox


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """The sandbox CLI's lock (``.NAME.lock`` beside the file): no edit under a running
    ``sandbox serve``, which keeps the file itself."""
    from intacct_bridge.files import LockHeld, exclusive_lock

    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(path, f"intacct-bridge setup (pid {os.getpid()})"))
        except LockHeld as exc:
            fail(
                f"{path} is in use by {exc.owner}. Stop the sandbox server first (Ctrl+C or "
                "SIGTERM; it saves on the way out), then run this again."
            )
        yield


def _print_report(report: ConnectionReport) -> None:
    out = console()
    for step in report.steps:
        out.print(
            f"  {MARKS[step.status]} {escape(step.label)}"
            + (f" [dim]({step.status})[/dim]" if step.status in ("skipped", "not tested") else "")
        )
    if report.diagnosis is not None:
        diagnosis = report.diagnosis
        out.print(
            f"\n[red bold]Problem[/red bold] [dim]({diagnosis.code})[/dim]: "
            f"{escape(diagnosis.message)}"
        )
        out.print(f"[bold]Fix:[/bold] {escape(diagnosis.fix)}")
        if diagnosis.intacct:
            out.print(f"[dim]Intacct said: {escape(diagnosis.intacct)}[/dim]")
        return
    if report.entities:
        names = ", ".join(f"{e.location_id} ({e.name})" for e in report.entities)
        out.print(f"\nMulti-entity company; entities: {escape(names)}")
    for note in report.notes:
        out.print(f"[yellow]Note:[/yellow] {escape(note)}")
    out.print("\n[green]Connection OK.[/green]")


def _print_steps(results: Sequence[StepResult]) -> None:
    out = console()
    for number, result in enumerate(results, start=1):
        out.print(
            f"{MARKS.get(result.status, '?')} {number}. [bold]{escape(result.step.title)}[/bold] "
            f"[dim]({result.status})[/dim]"
        )
        out.print(f"     {escape(result.detail)}")
        if result.fix and not result.ok:
            out.print(f"     [bold]Fix:[/bold] {escape(result.fix)}")


# --- connection test -------------------------------------------------------------------------


@connection_app.command("test")
def connection_test(
    tenant: TenantOption = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    state: StateOption = None,
) -> None:
    """Sign in to Intacct and probe; on failure, say precisely what is wrong and the fix."""
    import asyncio

    from intacct_bridge.setup.connection import run_connection_test

    with guarded():
        tenant = tenant_of(tenant)
        state = _state_of(state)
        ring = keyring(key_file, required=False)
        config = _load_config(tenant, db, ring)
        if config is None:
            fail(
                f"tenant {tenant} has no Intacct configuration; create it with intacct-bridge "
                "config set (or intacct-bridge setup sandbox)",
                code=1,
            )
        transport = _load_sandbox(state).transport() if state is not None else None
        target = f"sandbox {state}" if state is not None else config.endpoint_url
        console().print(
            f"Connection test — tenant {escape(tenant)}, company "
            f"{escape(config.company_id or '?')}, user {escape(config.user_id or '?')} at "
            f"{escape(str(target))}"
        )
        served = _served_state(tenant, config) if state is None else None
        report = asyncio.run(run_connection_test(config, transport=transport, sandbox_state=served))
        _print_report(report)
        if not report.ok:
            raise typer.Exit(1)


# --- package export --------------------------------------------------------------------------


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` atomically with mode 0600 (the file carries the webhook secret)."""
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data, mode=0o600)


@package_app.command("export")
def package_export(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            dir_okay=False,
            help="File to write (default intacct-bridge-package-TENANT.xml).",
        ),
    ] = None,
    webhook_url: Annotated[
        str | None, typer.Option(help="Where the Smart Events post; stored in the configuration.")
    ] = None,
    dimension: Annotated[
        list[str] | None,
        typer.Option(
            help="A user-defined dimension object to watch too (repeatable).", show_default=False
        ),
    ] = None,
    projects: Annotated[
        bool | None,
        typer.Option(
            "--projects/--no-projects",
            help="Watch PROJECT or not (default: as the company has the Projects module, "
            "asked of Intacct, or of the sandbox with --state).",
            show_default=False,
        ),
    ] = None,
    tenant: TenantOption = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    state: StateOption = None,
) -> None:
    """Write the customErpPackage file to import in Sage Intacct (Platform services > Custom
    packages): one Smart Event per inbound object and event, and the audit-trail fields.

    The Smart Events follow the company: PROJECT only with the Projects module (asked of
    Intacct at the Endpoint URL, or of the sandbox state file with --state), and a sandbox
    company's user-defined dimensions."""
    import secrets as _random

    from intacct_bridge.config.secrets import Secret
    from intacct_bridge.config.store import get_config, save_config
    from intacct_bridge.sandbox.packages import PackageError, parse_package
    from intacct_bridge.setup import words
    from intacct_bridge.setup.package import build_package, inbound_objects
    from intacct_bridge.store.session import session_factory

    with guarded():
        tenant = tenant_of(tenant)
        state = _state_of(state)
        ring = keyring(key_file)
        assert ring is not None
        engine = ready_engine(db)
        try:
            with session_factory(engine)() as session:
                config = get_config(session, tenant, ring)
                company_id = config.company_id if config is not None else None
                if config is None or not company_id:
                    fail(
                        f"tenant {tenant} has no Intacct company ID configured; set it first: "
                        "intacct-bridge config set --company-id ID"
                    )
                changes: dict[str, object] = {}
                if webhook_url is not None:
                    changes["webhook_url"] = webhook_url
                url = webhook_url or config.webhook_url
                if not url:
                    fail(
                        "no webhook URL: give --webhook-url URL (where the bridge receives the "
                        "Smart Events)"
                    )
                watch_projects, dimensions = _company_objects(
                    config, tenant, state, projects, list(dimension or ())
                )
                secret = config.webhook_secret
                if secret is None:
                    secret = Secret(_random.token_urlsafe(32))
                    changes["webhook_secret"] = secret
                secret.reveal()  # an undecryptable secret stops here, with the reason
                if changes:
                    config = config.updated(**changes)
                    save_config(session, tenant, config, ring)
                data = build_package(
                    tenant_id=tenant,
                    company_id=company_id,
                    webhook_url=url,
                    webhook_secret=secret,
                    objects=inbound_objects(dimensions, projects=watch_projects),
                    audit_trail=config.audit_trail,
                )
                try:
                    package = parse_package(data)[0]  # what Intacct's import checks
                except PackageError as error:
                    fail(f"the package would be refused: {error}")
                target = out or Path(f"intacct-bridge-package-{tenant}.xml")
                _write_private(target, data)
                session.commit()
        finally:
            engine.dispose()
        console().print(
            f"Wrote {escape(str(target))} (mode 0600; it holds the webhook secret): "
            f"{len(package.smart_links)} Smart Events posting to {escape(url)} for tenant "
            f"{escape(tenant)}, company {escape(company_id)}"
            + ("" if watch_projects else " (no PROJECT: the company has no Projects module)")
            + (", and the audit-trail fields on GL accounts." if config.audit_trail else ".")
        )
        console().print(f"Next: {escape(words.IMPORT_PACKAGE)}")


def _company_objects(
    config: IntegrationConfig,
    tenant: str,
    state: Path | None,
    projects: bool | None,
    dimensions: list[str],
) -> tuple[bool, list[str]]:
    """Whether to watch PROJECT, and the user-defined dimensions: as given, else as the
    company has them (its sandbox state file, or Intacct asked over the API)."""
    import asyncio

    from intacct_bridge.setup.connection import diagnose, local_sandbox_fix
    from intacct_bridge.setup.package import offered_objects

    if state is not None:
        company = _load_sandbox(state).backend.companies.get(config.company_id or "")
        if company is None:
            fail(f"company {config.company_id} is not in the sandbox state file {state}")
        given = {name.upper() for name in dimensions}
        extra = [name for name in sorted(company.udds) if name.upper() not in given]
        watch = projects if projects is not None else "projects" in company.modules
        return watch, [*dimensions, *extra]
    if projects is not None:
        return projects, dimensions
    try:
        names, udds = asyncio.run(offered_objects(config))
    except Exception as error:  # every failure becomes a diagnosis
        served = _served_state(tenant, config)
        diagnosis = local_sandbox_fix(diagnose(error, config), config, served)
        fail(
            f"cannot ask company {config.company_id} whether it has the Projects module: "
            f"{diagnosis.message} Fix: {diagnosis.fix} (Or do not ask: --projects or "
            "--no-projects, or --state FILE for a sandbox state file.)"
        )
    given = {name.upper() for name in dimensions}
    return "PROJECT" in names, [*dimensions, *(name for name in udds if name not in given)]


# --- setup sandbox / setup check -------------------------------------------------------------


def _entity_pairs(items: Sequence[str]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in items:
        key, sep, name = item.partition("=")
        if not key.strip():
            raise typer.BadParameter(f"'{item}' is not ID=NAME.", param_hint="--entity")
        pairs.append((key.strip(), (name.strip() if sep else "") or key.strip()))
    return tuple(pairs)


def _seed_from_store(
    sandbox: Sandbox, session: Session, tenant: str, company_id: str
) -> dict[str, int]:
    """Seed a new sandbox company with the financial setup in the tenant's store (nothing
    when the store holds no GL account); a refusal stops with the sandbox's reason."""
    from intacct_bridge.demo.company import seed_financial_setup
    from intacct_bridge.model import MASTER_KINDS, Account
    from intacct_bridge.sandbox.admin import AdminError
    from intacct_bridge.store.repositories import list_records

    if not list_records(session, tenant, Account):
        return {}
    records = [r for kind in MASTER_KINDS for r in list_records(session, tenant, kind)]
    try:
        return seed_financial_setup(sandbox.admin, company_id, records)
    except AdminError as error:
        fail(
            f"Seeding company {company_id} with the store's financial setup was refused: "
            f"{error}. Nothing was saved. Fix: intacct-bridge setup sandbox "
            "--no-financial-setup sets the company up without it."
        )


@setup_app.command("sandbox")
def setup_sandbox_command(
    state: Annotated[
        Path | None,
        typer.Option(
            "--state",
            dir_okay=False,
            help="Sandbox state file to set up (created if missing; default: "
            "$INTACCT_BRIDGE_SANDBOX_STATE, else sandbox.json); serve it with "
            "intacct-bridge sandbox serve --state FILE --port PORT.",
            show_default=False,
        ),
    ] = None,
    company_id: Annotated[str, typer.Option(help="Intacct company ID.")] = "DEMO-MFG",
    company_name: Annotated[str, typer.Option(help="Its name.")] = "Demo Manufacturing",
    user_id: Annotated[str, typer.Option(help="The web services user.")] = "xt_api",
    entity: Annotated[
        list[str] | None,
        typer.Option(
            "--entity",
            "-e",
            help="ID=NAME of an entity (repeatable; default: the demo company's entities "
            "100 and 200, as intacct-bridge demo-data describes them).",
            show_default=False,
        ),
    ] = None,
    single_entity: Annotated[
        bool, typer.Option(help="Make a single-entity company (no entities) instead.")
    ] = False,
    endpoint_url: Annotated[
        str | None,
        typer.Option(
            help="Endpoint URL stored in the configuration (default: the local sandbox, "
            "http://127.0.0.1:$INTACCT_BRIDGE_SANDBOX_PORT/ia/xml/xmlgw.phtml, port 8080 "
            "unless set).",
            show_default=False,
        ),
    ] = None,
    webhook_url: Annotated[
        str | None, typer.Option(help="Where the Smart Events post.", show_default=False)
    ] = None,
    currency: Annotated[str, typer.Option(help="Currency of the companies created.")] = "USD",
    with_projects: Annotated[
        bool, typer.Option(help="Subscribe a new company to the Projects module.")
    ] = False,
    sender_password: Annotated[
        str | None,
        typer.Option(
            help="Password of an existing sandbox sender ('?' prompts).", show_default=False
        ),
    ] = None,
    financial_setup: Annotated[
        bool,
        typer.Option(
            help="When the company is new, seed it with the financial setup the tenant's "
            "store holds (GL accounts, journals, terms, dimensions, tax, exchange rates — "
            "what intacct-bridge import loaded from demo-data).",
        ),
    ] = True,
    tenant: TenantOption = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Perform every step of the seed guide against a sandbox company.

    By default the company is the demo company that intacct-bridge demo-data describes: a
    multi-entity company with entities 100 (US) and 200 (Canada).
    """
    from intacct_bridge.sandbox.tenancy import DEFAULT_MODULES
    from intacct_bridge.setup.guide import DEMO_ENTITIES, SandboxPlan, all_ok, setup_sandbox
    from intacct_bridge.store.session import session_factory

    with guarded():
        tenant = tenant_of(tenant)
        env = settings()
        state = state if state is not None else (env.sandbox_state or DEFAULT_STATE)
        endpoint_url = endpoint_url or env.sandbox_endpoint
        if single_entity and entity:
            fail("give --entity or --single-entity, not both")
        pairs = () if single_entity else (_entity_pairs(entity) if entity else DEMO_ENTITIES)
        ring = keyring(key_file)
        assert ring is not None
        modules = tuple(sorted(DEFAULT_MODULES | ({"projects"} if with_projects else set())))
        plan = SandboxPlan(
            company_id=company_id,
            company_name=company_name,
            user_id=user_id,
            entities=pairs,
            endpoint_url=endpoint_url,
            webhook_url=webhook_url,
            currency=currency,
            sender_password=read_secret(sender_password, "Sender password"),
            modules=modules,
        )
        console().print(
            f"Setting up sandbox company {escape(company_id)} in {escape(str(state))} for tenant "
            f"{escape(tenant)}, following the seed guide:"
        )
        engine = ready_engine(db)
        seeded: dict[str, int] = {}
        try:
            with _locked(state):
                from intacct_bridge.sandbox import Sandbox
                from intacct_bridge.sandbox.persistence import load_state, save_state

                sandbox = Sandbox()
                if state.exists():
                    load_state(sandbox.backend, state)
                new_company = company_id not in sandbox.backend.companies
                with session_factory(engine)() as session:
                    results = setup_sandbox(sandbox, session, tenant, ring, plan)
                    if all_ok(results) and new_company and financial_setup:
                        seeded = _seed_from_store(sandbox, session, tenant, company_id)
                        if seeded:  # the guide again: the package covers the new dimensions
                            results = setup_sandbox(sandbox, session, tenant, ring, plan)
                    if all_ok(results):
                        save_state(sandbox.backend, state)
                        session.commit()
                        _record_sandbox(tenant, state, endpoint_url)
                    else:
                        session.rollback()
        finally:
            engine.dispose()
        _print_steps(results)
        if not all_ok(results):
            console().print("\n[red]Setup stopped; nothing was saved.[/red]")
            raise typer.Exit(1)
        if seeded:
            counts = ", ".join(f"{count} {name}" for name, count in sorted(seeded.items()))
            console().print(f"\nFinancial setup seeded from the store: {escape(counts)}.")
        from intacct_bridge.setup.connection import local_sandbox_port, serve_command

        port = local_sandbox_port(endpoint_url)
        serve = (
            f"Serve it: {serve_command(_shown(state), port)}"
            if port is not None
            else f"Serve it where {endpoint_url} points"
        )
        console().print(
            f"\n[green]Done.[/green] {escape(serve)} — check it: intacct-bridge setup check "
            f"--state {escape(_shown(state))}"
        )


@setup_app.command("check")
def setup_check_command(
    state: StateOption = None,
    tenant: TenantOption = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Verify each step of the seed guide; report what is missing in the guide's words.

    Against the configured Endpoint URL (a live Intacct company, or a running sandbox), or,
    with --state FILE, against a sandbox state file in-process (which also checks the user's
    settings and the installed package directly).
    """
    from intacct_bridge.config.store import get_config
    from intacct_bridge.setup.guide import all_ok, check_setup
    from intacct_bridge.store.session import session_factory

    with guarded():
        tenant = tenant_of(tenant)
        state = _state_of(state)
        ring = keyring(key_file, required=False)
        sandbox = _load_sandbox(state) if state is not None else None
        engine = ready_engine(db)
        try:
            with session_factory(engine)() as session:
                config = get_config(session, tenant, ring)
                target = (
                    f"sandbox {state}"
                    if state is not None
                    else (config.endpoint_url if config else "?")
                )
                console().print(
                    f"Checking the seed guide's steps for tenant {escape(tenant)} against "
                    f"{escape(str(target))}:"
                )
                results = check_setup(
                    config,
                    session,
                    tenant,
                    transport=sandbox.transport() if sandbox is not None else None,
                    sandbox=sandbox,
                    sandbox_state=_served_state(tenant, config) if sandbox is None else None,
                )
        finally:
            engine.dispose()
        _print_steps(results)
        if not all_ok(results):
            missing = sum(1 for r in results if not r.ok)
            console().print(f"\n[red]{missing} step(s) need attention.[/red]")
            raise typer.Exit(1)
        console().print("\n[green]Every step of the guide is in place.[/green]")
