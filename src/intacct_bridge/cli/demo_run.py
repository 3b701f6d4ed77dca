"""``intacct-bridge demo``: the sandbox and the bridge, the demo company's month, end to end.

No configuration and no credentials: everything runs in-process on SQLite in ``--dir``
(default ``.intacct-bridge/demo``), which is started clean on every run (only the demo's
own files there are removed). Exit code 0 when every step is ok or skipped, 1 when a step
failed, 130 when interrupted (Ctrl-C or SIGTERM: the summary so far is printed).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from intacct_bridge.cli.config import console
from intacct_bridge.cli.demo import LinesOption
from intacct_bridge.demo.run import DEFAULT_DOCUMENTS

if TYPE_CHECKING:
    from rich.progress import Progress

    from intacct_bridge.demo.run import DemoRun, ProgressFn, StepReport

DEFAULT_DIR = Path(".intacct-bridge/demo")
_MARK = {
    "ok": "[green]✓[/green]",
    "failed": "[red]✗[/red]",
    "interrupted": "[red]✗[/red]",
    "skipped": "[dim]-[/dim]",
    "not run": "[dim]·[/dim]",
}
_LABEL = {
    "bridge": "Bridge on SQLite",
    "setup": "Seed guide setup",
    "company": "Demo company in Intacct",
    "load": "Demo month loaded",
    "sync": "Master data out",
    "pull": "Financial setup in",
    "check": "Posting check",
    "post": "Post the month",
    "reconcile": "Reconcile",
}


def _stop_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def demo_command(
    documents: Annotated[
        int,
        typer.Option("--documents", min=1, max=100_000, help="Documents in the demo month."),
    ] = DEFAULT_DOCUMENTS,
    directory: Annotated[
        Path,
        typer.Option(
            "--dir",
            file_okay=False,
            help="Working directory (the demo's store, key and sandbox state; started clean).",
        ),
    ] = DEFAULT_DIR,
    seed: Annotated[int, typer.Option(help="Seed of the demo data.")] = 7,
    realistic: Annotated[
        bool,
        typer.Option(
            "--realistic",
            help="Turn the sandbox's latency model on (100 ms per request, 10 ms per function).",
        ),
    ] = False,
    lines: LinesOption = None,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="Afterwards keep the bridge's web app running on the demo's data (Ctrl-C "
            "stops it) and print its URL and a sign-in.",
        ),
    ] = False,
    host: Annotated[str, typer.Option(help="With --serve: address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=1, max=65535, help="With --serve: port to listen on.")
    ] = 8000,
) -> None:
    """Run the whole integration on the demo company, with no configuration.

    Sets up the sandbox company the seed guide's way, loads the demo company and its month,
    synchronises master data both ways, checks, posts and reconciles the month, then prints
    a summary. Exit code 1 if any step failed, 130 if interrupted (Ctrl-C, SIGTERM).
    """
    if serve:
        _check_port(host, port)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from intacct_bridge.demo.run import DemoOptions, DemoRun, installed_export

    out = console()
    options = DemoOptions(
        directory=directory,
        documents=documents,
        seed=seed,
        realistic=realistic,
        export=installed_export(),
        lines=lines,
    )
    out.print(
        f"intacct-bridge demo: {documents} documents, working in {escape(str(directory))}"
        + (" (realistic latency)" if realistic else "")
    )
    lock = _locked(directory)
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with Progress(
        TextColumn("  {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=out,
        transient=True,
    ) as bar:

        def progress(name: str) -> ProgressFn:
            task = bar.add_task(_LABEL.get(name, name), total=None)

            def tick(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, visible=done < total)

            return tick

        def said(report: StepReport) -> None:
            _print_step(bar, report)

        run = DemoRun(options, on_step=said, progress=progress)
        try:
            with lock:
                run.run()
        except KeyboardInterrupt:
            _summary(run, interrupted=True)
            raise typer.Exit(130) from None
        finally:
            signal.signal(signal.SIGTERM, previous)
    _summary(run, interrupted=False)
    if serve and run.ctx is not None:
        with _locked(directory):
            _serve(run, host, port)
    raise typer.Exit(0 if run.ok else 1)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One demo at a time in ``directory`` (a second would remove the first one's files)."""
    import os

    from intacct_bridge.files import LockHeld, exclusive_lock

    try:
        directory.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(directory / "demo", f"intacct-bridge demo (pid {os.getpid()})"):
            yield
    except LockHeld as held:
        typer.echo(
            f"error: {directory} is in use by {held.owner}; wait for it to finish, or give "
            "another directory: intacct-bridge demo --dir DIR",
            err=True,
        )
        raise typer.Exit(2) from None
    except OSError as error:
        typer.echo(
            f"error: cannot use {directory} as the demo's directory "
            f"({error.strerror or error}); give another: intacct-bridge demo --dir DIR",
            err=True,
        )
        raise typer.Exit(2) from None


def _check_port(host: str, port: int) -> None:
    """Refuse a busy port before the demo runs (one line, with the fix)."""
    import errno
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            state = "is in use" if error.errno == errno.EADDRINUSE else "cannot be used"
            typer.echo(
                f"error: port {port} on {host} {state} ({error.strerror}); choose another: "
                f"intacct-bridge demo --serve --port {port + 1 if port < 65535 else 8001}",
                err=True,
            )
            raise typer.Exit(2) from None


def _serve(run: DemoRun, host: str, port: int) -> None:
    """The bridge's web app on the demo's store, its Intacct calls answered by the demo's
    sandbox; a demo user (admin of the demo tenant) with a new password, shown once."""
    import datetime as dt
    import secrets
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    import uvicorn

    from intacct_bridge.auth.model import Role
    from intacct_bridge.auth.passwords import PasswordHasher
    from intacct_bridge.auth.users import create_user
    from intacct_bridge.config.models import IntegrationConfig
    from intacct_bridge.demo.run import DB_FILE, KEY_FILE
    from intacct_bridge.intacct import IntacctClient
    from intacct_bridge.store.session import create_store_engine, session_factory
    from intacct_bridge.sync.connect import client_for
    from intacct_bridge.web.app import WebSettings, create_app

    ctx = run.ctx
    assert ctx is not None
    url = f"sqlite:///{ctx.directory / DB_FILE}"
    engine = create_store_engine(url)
    password = secrets.token_urlsafe(12)
    with session_factory(engine).begin() as session:
        create_user(
            session,
            PasswordHasher(),
            "demo",
            password,
            [ctx.tenant_id],
            Role.ADMIN,
            dt.datetime.now(dt.UTC),
        )
    sandbox = ctx.sandbox

    @asynccontextmanager
    async def clients(config: IntegrationConfig) -> AsyncIterator[IntacctClient]:
        async with client_for(config, transport=sandbox.transport(), top_level=False) as client:
            yield client

    settings = WebSettings(db_url=url, secret_key_file=ctx.directory / KEY_FILE)
    application = create_app(settings, engine=engine, keyring=ctx.keyring, clients=clients)
    # the console's own Intacct calls (connection test, inspect, Create all, Synchronise,
    # reconcile) go to the demo's sandbox too; reconcile reads the posting configuration
    # the demo stored for the tenant
    from intacct_bridge.sync.worker import EmbeddedWorker

    services = application.state.console
    services.transport = sandbox.transport
    services.worker = lambda: EmbeddedWorker(engine, ctx.keyring, transport=sandbox.transport())
    shown = f"[{host}]" if ":" in host else host
    out = console()
    server = uvicorn.Server(uvicorn.Config(application, host=host, port=port, log_level="warning"))

    def announce() -> None:
        # the URL is shown once the server accepts connections (start-up work done), so a
        # newcomer who opens it at once is not refused
        while not server.started:
            if server.should_exit:
                return
            time.sleep(0.05)
        out.print(
            f"\nThe bridge is serving the demo at http://{shown}:{port}/ (health: /health). "
            f"Sign in as [bold]demo[/bold] with password [bold]{escape(password)}[/bold] "
            "(shown once). Ctrl-C stops it."
        )
        if host not in ("127.0.0.1", "localhost", "::1"):
            out.print(
                f"[yellow]Warning:[/yellow] {escape(host)} is reachable from other machines; "
                "the demo user is an administrator. Put TLS in front, or serve on 127.0.0.1."
            )

    previous = signal.signal(signal.SIGTERM, _exit_quietly)
    threading.Thread(target=announce, name="demo-announce", daemon=True).start()
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
        engine.dispose()


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _print_step(bar: Progress, report: StepReport) -> None:
    label = _LABEL.get(report.name, report.name)
    bar.console.print(
        f"{_MARK.get(report.status, '?')} {label:<24} {escape(report.detail)} "
        f"[dim]({report.seconds:.1f} s)[/dim]"
    )
    for error in report.errors[:10]:
        bar.console.print(f"    [red]{escape(error)}[/red]")
    if len(report.errors) > 10:
        bar.console.print(f"    … and {len(report.errors) - 10} more")


def _summary(run: DemoRun, *, interrupted: bool) -> None:
    out = console()
    reports = run.reports
    records = sum(r.records for r in reports if r.name in ("load", "sync", "pull"))
    loaded = next((r.documents for r in reports if r.name == "load"), 0)
    errors = sum(len(r.errors) for r in reports)
    failed = [r.name for r in reports if r.status == "failed"]
    stopped = [r.name for r in reports if r.status == "interrupted"]
    skipped = [r.name for r in reports if r.status == "skipped"]
    state = "interrupted" if interrupted else ("failed" if failed else "ok")
    posted = next((r for r in reports if r.name == "post" and r.status == "ok"), None)
    out.print(
        f"\nSummary: {state} — records {records}, documents {loaded}"
        + (f" ({posted.documents} in Intacct)" if posted is not None else "")
        + f", errors {errors}, time {run.seconds:.1f} s"
    )
    if skipped:
        out.print(f"Skipped: {', '.join(skipped)} (transaction export not installed).")
    if failed:
        out.print(f"[red]Failed: {', '.join(failed)}[/red]")
    if stopped:
        out.print(f"[yellow]Interrupted during: {', '.join(stopped)}[/yellow]")
    if run.ctx is not None:
        out.print(
            f"Look at the sandbox company: intacct-bridge sandbox serve --state "
            f"{escape(str(run.options.directory / 'sandbox.json'))}"
        )
