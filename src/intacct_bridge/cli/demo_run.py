"""``intacct-bridge demo``: the sandbox and the bridge, the demo company's month, end to end.

No configuration and no credentials: everything runs in-process on SQLite in ``--dir``
(default ``.intacct-bridge/demo``), which is started clean on every run (only the demo's
own files there are removed). Exit code 0 when every step is ok or skipped, 1 when a step
failed, 130 when interrupted (Ctrl-C or SIGTERM: the summary so far is printed).
"""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from intacct_bridge.cli.config import console

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
    ] = 300,
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
) -> None:
    """Run the whole integration on the demo company, with no configuration.

    Sets up the sandbox company the seed guide's way, loads the demo company and its month,
    synchronises master data both ways, checks, posts and reconciles the month, then prints
    a summary. Exit code 1 if any step failed.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from intacct_bridge.demo.run import DemoOptions, DemoRun, installed_export

    out = console()
    options = DemoOptions(
        directory=directory,
        documents=documents,
        seed=seed,
        realistic=realistic,
        export=installed_export(),
    )
    out.print(
        f"intacct-bridge demo: {documents} documents, working in {escape(str(directory))}"
        + (" (realistic latency)" if realistic else "")
    )
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
            run.run()
        except KeyboardInterrupt:
            _summary(run, interrupted=True)
            raise typer.Exit(130) from None
        finally:
            signal.signal(signal.SIGTERM, previous)
    _summary(run, interrupted=False)
    raise typer.Exit(0 if run.ok else 1)


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
    failed = [r.name for r in reports if r.failed]
    skipped = [r.name for r in reports if r.status == "skipped"]
    state = "interrupted" if interrupted else ("failed" if failed else "ok")
    out.print(
        f"\nSummary: {state} — records {records}, documents {loaded}, errors {errors}, "
        f"time {run.seconds:.1f} s"
    )
    if skipped:
        out.print(f"Skipped: {', '.join(skipped)} (transaction export not installed).")
    if failed:
        out.print(f"[red]Failed: {', '.join(failed)}[/red]")
    if run.ctx is not None:
        out.print(
            f"Look at the sandbox company: intacct-bridge sandbox serve --state "
            f"{escape(str(run.options.directory / 'sandbox.json'))}"
        )
