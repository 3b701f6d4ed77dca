"""``intacct-bridge demo-data``: a demo company and a month of its documents.

Writes the intake's JSON Lines format (to stdout by default, or ``--out FILE``), imports it
straight into the operations store (``--import``), or both. Records stream from the generator
to the file and the store one at a time, so a million documents take no more memory than a
thousand; the store import commits every :data:`IMPORT_BATCH` records.
"""

from __future__ import annotations

import io
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Annotated, Any, TextIO, cast

import typer

from intacct_bridge.cli.config import DbOption, TenantOption, database_url, tenant_of
from intacct_bridge.cli.ops import _fail, _ready_engine
from intacct_bridge.demo.generator import (
    DEFAULT_CUSTOMERS,
    DEFAULT_DOCUMENTS,
    DEFAULT_ITEMS,
    DEFAULT_MONTH,
    DEFAULT_SEED,
    DEFAULT_SUPPLIERS,
    MAX_LINES,
    MIN_ITEMS,
    DemoGenerator,
)
from intacct_bridge.files import atomic_writer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from sqlalchemy.orm import Session

    from intacct_bridge.intake.service import ImportReport, RowError
    from intacct_bridge.model import Record

#: ``--lines`` of ``demo-data`` and ``demo``
LinesOption = Annotated[
    float | None,
    typer.Option(
        "--lines",
        min=1,
        max=MAX_LINES,
        help="Average lines per document (default: the generator's mix, about 2.6).",
    ),
]

#: records per import transaction
IMPORT_BATCH = 500
#: from this many documents on, progress is shown on a terminal unless --no-progress
PROGRESS_FROM = 10_000
#: at most this many bad rows are listed
SHOWN_ERRORS = 20

_OUTCOMES = ("created", "updated", "posted", "unchanged", "rejected")


@dataclass
class _Tally:
    """Counts of an import done in batches; memory stays that of the counts."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def add(self, report: ImportReport, offset: int) -> None:
        for outcome in _OUTCOMES:
            for label in getattr(report, outcome):
                self.counts[(label.split(" ", 1)[0], outcome)] += 1
        self.error_count += len(report.errors)
        room = SHOWN_ERRORS - len(self.errors)
        self.errors.extend(replace(e, line=e.line + offset) for e in report.errors[:room])

    def total(self, outcome: str) -> int:
        return sum(count for (_, kind), count in self.counts.items() if kind == outcome)


def demo_data_command(
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed and sizes give byte-identical data.")
    ] = DEFAULT_SEED,
    documents: Annotated[
        int, typer.Option(min=0, help="Exactly how many documents the month holds.")
    ] = DEFAULT_DOCUMENTS,
    items: Annotated[
        int, typer.Option(min=MIN_ITEMS, help="How many items (three are service items).")
    ] = DEFAULT_ITEMS,
    customers: Annotated[
        int, typer.Option(min=1, help="How many customers (with contacts).")
    ] = DEFAULT_CUSTOMERS,
    suppliers: Annotated[
        int, typer.Option(min=1, help="How many suppliers (with contacts).")
    ] = DEFAULT_SUPPLIERS,
    month: Annotated[
        str, typer.Option(metavar="YYYY-MM", help="The month the documents fall in.")
    ] = DEFAULT_MONTH,
    lines: LinesOption = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE|-",
            help="Write JSON Lines to FILE, or - for stdout (the default without --import).",
        ),
    ] = None,
    do_import: Annotated[
        bool,
        typer.Option("--import", help="Import the records into the store as they are made."),
    ] = False,
    tenant: TenantOption = None,
    db: DbOption = None,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help=f"Progress on stderr (default: on a terminal, from {PROGRESS_FROM:,} documents).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Generate a demo manufacturing and distribution company and a month of documents.

    Master data (companies, sites, chart of accounts, tax, items, customers, suppliers,
    contacts, projects) comes first, then receipts, supplier invoices, shipments, sales
    invoices, returns, credit memos, transfers, production and count adjustments in date
    order. The output is the `intacct-bridge import` JSON Lines format.

    The company is a US parent (Intacct entity 100) and a Canadian subsidiary (entity 200):
    the Intacct company that `intacct-bridge setup sandbox` creates by default.
    """
    tenant_id = tenant_of(tenant) if do_import else ""
    try:
        generator = DemoGenerator(
            seed,
            items=items,
            customers=customers,
            suppliers=suppliers,
            documents=documents,
            month=month,
            lines=lines,
        )
    except ValueError as error:
        raise _fail(str(error)) from None
    target = out if out is not None else (None if do_import else "-")
    show = progress
    if show is None:
        show = documents >= PROGRESS_FROM and sys.stderr.isatty()
    started = time.perf_counter()
    with ExitStack() as stack:
        sink = stack.enter_context(_Sink(target)) if target is not None else None
        bar = _progress(stack, generator, do_import) if show else None
        stream = _tee(generator, sink, bar)
        if not do_import:
            written = sum(1 for _ in stream)
            if target not in (None, "-"):
                typer.echo(
                    f"wrote {written:,} records ({generator.master_count:,} master, "
                    f"{documents:,} documents) to {target}"
                )
            return
        tally = _import(stream, tenant_id, database_url(db), generator.master_count)
    _summary(generator, tally, tenant_id, time.perf_counter() - started, to_stderr=target == "-")
    if tally.error_count:
        raise typer.Exit(1)


def _tee(
    generator: DemoGenerator, sink: TextIO | None, bar: tuple[Progress, TaskID] | None
) -> Iterator[Record]:
    """The generator's records, each written to ``sink`` and counted on ``bar`` on its way."""
    from intacct_bridge.demo.jsonl import to_jsonl

    pending = 0
    for record in generator.records():
        if sink is not None:
            sink.write(to_jsonl(record) + "\n")
        if bar is not None:
            pending += 1
            if pending == 100:
                bar[0].advance(bar[1], pending)
                pending = 0
        yield record
    if bar is not None and pending:
        bar[0].advance(bar[1], pending)


class _Sink:
    """stdout as UTF-8 text, or a file that replaces its target atomically when done."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.stream: TextIO | None = None
        self.writer: AbstractContextManager[IO[str]] | None = None

    def __enter__(self) -> TextIO:
        if self.target == "-":
            buffer = getattr(sys.stdout, "buffer", None)
            if buffer is None:
                self.stream = sys.stdout
            else:
                sys.stdout.flush()
                self.stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n")
            return self.stream
        self.writer = atomic_writer(Path(self.target))
        try:
            stream = self.writer.__enter__()
        except OSError as error:
            raise _fail(f"cannot write {self.target}: {error.strerror}") from None
        return cast(TextIO, stream)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.writer is not None:
            self.writer.__exit__(kind, error, trace)
            return
        assert self.stream is not None
        self.stream.flush()
        if isinstance(self.stream, io.TextIOWrapper) and self.stream is not sys.stdout:
            self.stream.detach()


def _progress(
    stack: ExitStack, generator: DemoGenerator, importing: bool
) -> tuple[Progress, TaskID]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )
    stack.enter_context(bar)
    task = bar.add_task("importing" if importing else "generating", total=generator.total_records)
    return bar, task


def _import(stream: Iterator[Record], tenant: str, db: str | None, master_count: int) -> _Tally:
    """Feed ``stream`` to the intake service in batches, one transaction each.

    The first ``master_count`` records are master data. Once they are in, the tenant's master
    rows are loaded and held for the rest of the import, so the store's reference checks
    (several primary-key look-ups per document line) find them in the session instead of
    querying for each one; that is proportional to the master data, never to the documents.
    """
    from intacct_bridge.intake.service import import_records
    from intacct_bridge.store.errors import UnknownTenantError
    from intacct_bridge.store.repositories import require_tenant
    from intacct_bridge.store.session import session_factory

    engine = _ready_engine(db)
    tally = _Tally()
    try:
        with session_factory(engine)() as session:
            try:
                require_tenant(session, tenant)
            except UnknownTenantError as error:
                raise _fail(str(error)) from None
            done = 0
            held: list[object] = []
            while True:
                size = IMPORT_BATCH
                if done < master_count:
                    size = min(size, master_count - done)
                batch = list(islice(stream, size))
                if not batch:
                    break
                report = import_records(session, batch, tenant_id=tenant)
                session.commit()
                tally.add(report, done)
                done += len(batch)
                if done == master_count:
                    held = _master_rows(session, tenant)  # kept alive until the end
            held.clear()
    finally:
        engine.dispose()
    return tally


def _master_rows(session: Session, tenant: str) -> list[object]:
    """Every master row of ``tenant``, loaded into ``session``."""
    from sqlalchemy import select

    from intacct_bridge.model.kinds import MASTER_KINDS
    from intacct_bridge.store.mappers import spec_for

    rows: list[object] = []
    for kind in MASTER_KINDS:
        table: Any = spec_for(kind).table
        rows.extend(session.scalars(select(table).where(table.tenant_id == tenant)))
    return rows


def _summary(
    generator: DemoGenerator, tally: _Tally, tenant: str, seconds: float, *, to_stderr: bool
) -> None:
    from rich.console import Console
    from rich.table import Table

    from intacct_bridge.model import DocumentType
    from intacct_bridge.model.kinds import MASTER_KINDS

    console: Console = Console(stderr=to_stderr)
    kinds = [kind.KIND for kind in MASTER_KINDS] + [kind.value for kind in DocumentType]
    table = Table(
        title=f"{generator.master.name}: demo data imported into tenant {tenant}",
        caption=(
            f"seed {generator.seed}, {generator.year}-{generator.month:02d}: "
            f"{generator.total_records:,} records in {seconds:.1f} s"
        ),
    )
    table.add_column("kind")
    for outcome in _OUTCOMES:
        table.add_column(outcome, justify="right")
    for kind in kinds:
        row = [tally.counts[(kind, outcome)] for outcome in _OUTCOMES]
        if any(row):
            table.add_row(kind, *(f"{value:,}" for value in row))
    table.add_section()
    table.add_row("total", *(f"{tally.total(outcome):,}" for outcome in _OUTCOMES), style="bold")
    console.print(table)
    for error in tally.errors:
        where = f"record {error.line}" + (f" ({error.record})" if error.record else "")
        console.print(f"[red]{where}[/red]: {error.field or '(record)'}: {error.reason}")
    if tally.error_count > len(tally.errors):
        console.print(f"… and {tally.error_count - len(tally.errors):,} more bad records")
