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
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from intacct_bridge.cli.config import (
    MARKS,
    KeyFileOption,
    console,
    fail,
    guarded,
    keyring,
    read_secret,
    ready_engine,
)
from intacct_bridge.cli.ops import DbOption, TenantOption
from intacct_bridge.files import atomic_write
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID

if TYPE_CHECKING:
    from intacct_bridge.config.models import IntegrationConfig
    from intacct_bridge.config.secrets import Keyring
    from intacct_bridge.sandbox import Sandbox
    from intacct_bridge.setup.connection import ConnectionReport
    from intacct_bridge.setup.guide import StepResult

ENV_STATE = "INTACCT_BRIDGE_SANDBOX_STATE"

StateOption = Annotated[
    Path | None,
    typer.Option(
        "--state",
        envvar=ENV_STATE,
        dir_okay=False,
        help="A sandbox state file: work on that sandbox in-process instead of the network.",
        show_default=False,
    ),
]

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
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    state: StateOption = None,
) -> None:
    """Sign in to Intacct and probe; on failure, say precisely what is wrong and the fix."""
    import asyncio

    from intacct_bridge.setup.connection import run_connection_test

    with guarded():
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
        report = asyncio.run(run_connection_test(config, transport=transport))
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
        bool, typer.Option(help="Watch PROJECT (turn off when Intacct has no Projects module).")
    ] = True,
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Write the customErpPackage file to import in Sage Intacct (Platform services > Custom
    packages): one Smart Event per inbound object and event, and the audit-trail fields."""
    import secrets as _random

    from intacct_bridge.config.secrets import Secret
    from intacct_bridge.config.store import get_config, save_config
    from intacct_bridge.sandbox.packages import PackageError, parse_package
    from intacct_bridge.setup import words
    from intacct_bridge.setup.package import build_package, inbound_objects
    from intacct_bridge.store.session import session_factory

    with guarded():
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
                    objects=inbound_objects(dimension or (), projects=projects),
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
            + (", and the audit-trail fields on GL accounts." if config.audit_trail else ".")
        )
        console().print(f"Next: {escape(words.IMPORT_PACKAGE)}")


# --- setup sandbox / setup check -------------------------------------------------------------


def _entity_pairs(items: Sequence[str]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in items:
        key, sep, name = item.partition("=")
        if not key.strip():
            raise typer.BadParameter(f"'{item}' is not ID=NAME.", param_hint="--entity")
        pairs.append((key.strip(), (name.strip() if sep else "") or key.strip()))
    return tuple(pairs)


@setup_app.command("sandbox")
def setup_sandbox_command(
    state: Annotated[
        Path,
        typer.Option(
            "--state",
            envvar=ENV_STATE,
            dir_okay=False,
            help="Sandbox state file to set up (created if missing); serve it with "
            "intacct-bridge sandbox serve --state FILE.",
        ),
    ] = Path("sandbox.json"),
    company_id: Annotated[str, typer.Option(help="Intacct company ID.")] = "DEMO-MFG",
    company_name: Annotated[str, typer.Option(help="Its name.")] = "Demo Manufacturing",
    user_id: Annotated[str, typer.Option(help="The web services user.")] = "xt_api",
    entity: Annotated[
        list[str] | None,
        typer.Option(
            "--entity",
            "-e",
            help="ID=NAME of an entity: makes a multi-entity company.",
            show_default=False,
        ),
    ] = None,
    endpoint_url: Annotated[
        str, typer.Option(help="Endpoint URL stored in the configuration.")
    ] = "http://127.0.0.1:8080/ia/xml/xmlgw.phtml",
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
    tenant: TenantOption = DEFAULT_TENANT_ID,
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Perform every step of the seed guide against a sandbox company."""
    from intacct_bridge.sandbox.tenancy import DEFAULT_MODULES
    from intacct_bridge.setup.guide import SandboxPlan, all_ok, setup_sandbox
    from intacct_bridge.store.session import session_factory

    with guarded():
        ring = keyring(key_file)
        assert ring is not None
        modules = tuple(sorted(DEFAULT_MODULES | ({"projects"} if with_projects else set())))
        plan = SandboxPlan(
            company_id=company_id,
            company_name=company_name,
            user_id=user_id,
            entities=_entity_pairs(entity or []),
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
        try:
            with _locked(state):
                from intacct_bridge.sandbox import Sandbox
                from intacct_bridge.sandbox.persistence import load_state, save_state

                sandbox = Sandbox()
                if state.exists():
                    load_state(sandbox.backend, state)
                with session_factory(engine)() as session:
                    results = setup_sandbox(sandbox, session, tenant, ring, plan)
                    if all_ok(results):
                        save_state(sandbox.backend, state)
                        session.commit()
                    else:
                        session.rollback()
        finally:
            engine.dispose()
        _print_steps(results)
        if not all_ok(results):
            console().print("\n[red]Setup stopped; nothing was saved.[/red]")
            raise typer.Exit(1)
        console().print(
            "\n[green]Done.[/green] Serve it: intacct-bridge sandbox serve --state "
            f"{escape(str(state))} — check it: intacct-bridge setup check --state "
            f"{escape(str(state))}"
        )


@setup_app.command("check")
def setup_check_command(
    state: StateOption = None,
    tenant: TenantOption = DEFAULT_TENANT_ID,
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
                )
        finally:
            engine.dispose()
        _print_steps(results)
        if not all_ok(results):
            missing = sum(1 for r in results if not r.ok)
            console().print(f"\n[red]{missing} step(s) need attention.[/red]")
            raise typer.Exit(1)
        console().print("\n[green]Every step of the guide is in place.[/green]")
