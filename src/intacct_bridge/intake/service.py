"""Import operations data (master data and documents) into a tenant's store.

Every row is validated. A bad row is reported with its line, field and reason, and nothing of
its record is written; the good records are written. No row, however hostile, stops the file.

Files stream: memory holds one batch of records (:data:`BATCH_SIZE`), whatever the size of
the file. :func:`import_file` and :func:`import_text` commit after every batch, so the work
done stays done; a record is all-or-nothing, and re-importing a file (after a kill, or again)
skips every record whose content hash is already stored. Concurrent imports into one tenant
take turns batch by batch (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-level
advisory lock per tenant), so both finish with correct results.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from intacct_bridge.intake.lines import MAX_LINE_BYTES, ImportFormatError, Line, read_lines
from intacct_bridge.intake.readers import (
    DOCUMENT_KINDS,
    RawRecord,
    ReadProblem,
    read_csv,
    read_jsonl,
)
from intacct_bridge.intake.structure import StructureError, structure
from intacct_bridge.model.documents import Document
from intacct_bridge.model.errors import FieldIssue
from intacct_bridge.model.kinds import KINDS_BY_NAME, Record, describe, record_key
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID
from intacct_bridge.store.bulk import Result, save_batch
from intacct_bridge.store.errors import (
    DatabaseBusyError,
    DocumentPostedError,
    RecordRejectedError,
    StoreError,
)
from intacct_bridge.store.repositories import Outcome, require_tenant, save_record
from intacct_bridge.store.session import SQLITE_BEGIN, SQLITE_SYNCHRONOUS

__all__ = [
    "BATCH_SIZE",
    "ImportFormatError",
    "ImportReport",
    "RowError",
    "detect_format",
    "format_error",
    "import_file",
    "import_records",
    "import_text",
    "iter_errors",
]

#: records per batch (and per transaction when the import commits)
BATCH_SIZE = 500
#: tries of a batch that met a lock or a deadlock
_ATTEMPTS = 5
#: keys of records seen that stay in memory before going to disk (about 100 bytes each)
_SEEN_IN_MEMORY = 20_000
#: longest reason kept in a row error
_REASON_LIMIT = 400

#: maps a field path to the physical line and the field name as the file spells it
LocateFn = Callable[[str], tuple[int, str]]
#: told after every batch: bytes (or records) done so far, and the total if known
ProgressFn = Callable[[int, int | None], None]

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_OUTCOMES = ("created", "updated", "posted", "unchanged", "rejected")


@dataclass(frozen=True)
class RowError:
    """A bad row: where it is, which field, and why."""

    line: int
    field: str
    reason: str
    #: the record the row belongs to (``sales_invoice SI-1``), when known
    record: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}"
        what = f" ({self.record})" if self.record else ""
        return f"{where}{what}: {self.field or '(row)'}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did: counts per kind and outcome, the errors, and (optionally) labels.

    ``created``, ``updated``, ``posted``, ``unchanged`` and ``rejected`` list the records
    (``item W-100``) when labels are kept (the default; the CLI does not keep them, so that
    its memory stays flat). ``counts`` and :meth:`count` are always there.
    """

    tenant_id: str
    source: str
    keep_labels: bool = True
    #: (kind, outcome) → records
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    posted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: records not written because of errors
    rejected: list[str] = field(default_factory=list)
    #: the errors, in the order found (at most ``max_errors`` when that is set)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    max_errors: int | None = None
    #: told of every error as it is found
    on_error: Callable[[RowError], None] | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Whether every row was good."""
        return self.error_count == 0

    def count(self, outcome: str) -> int:
        """Records with ``outcome`` (``created``, ``updated``, ``posted``, ``unchanged``,
        ``rejected``)."""
        return sum(n for (_, done), n in self.counts.items() if done == outcome)

    @property
    def records(self) -> int:
        """Records read (good and rejected)."""
        return sum(self.counts.values())

    @property
    def written(self) -> int:
        """How many records changed the store."""
        return self.count("created") + self.count("updated") + self.count("posted")

    def summary(self) -> str:
        """One line: counts per outcome."""
        counts = ", ".join(f"{self.count(outcome):,} {outcome}" for outcome in _OUTCOMES)
        return f"{self.source} → tenant {self.tenant_id}: {counts} ({self.error_count:,} error(s))"

    def note(self, label: str, outcome: str) -> None:
        """Count one record's outcome (and keep its label when labels are kept)."""
        self.counts[(label.split(" ", 1)[0], outcome)] += 1
        if self.keep_labels:
            getattr(self, outcome).append(label)

    def add_error(self, error: RowError) -> None:
        """Count an error and keep it (up to ``max_errors``)."""
        self.error_count += 1
        if self.max_errors is None or len(self.errors) < self.max_errors:
            self.errors.append(error)
        if self.on_error is not None:
            self.on_error(error)


def detect_format(path: Path) -> str:
    """``jsonl`` or ``csv`` from the file name."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ImportFormatError(
            f"cannot tell the format of {path.name}; name it .jsonl or .csv, or pass the format"
        ) from None


def import_file(
    session: Session,
    path: str | Path,
    *,
    tenant_id: str = DEFAULT_TENANT_ID,
    fmt: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: ProgressFn | None = None,
    on_error: Callable[[RowError], None] | None = None,
    keep_labels: bool = True,
    max_errors: int | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> ImportReport:
    """Import a JSON Lines or CSV file (UTF-8) into ``tenant_id`` (default: the embedded tenant).

    Streams the file and commits ``session`` after every batch of ``batch_size`` records
    (see the module docstring); a line over ``max_line_bytes`` is a row error.
    ``progress(bytes_done, bytes_total)`` is told after each
    batch; ``on_error`` sees every row error as it is found. For files of any size, pass
    ``keep_labels=False`` and a ``max_errors`` (the CLI does): the report then holds counts and
    the first errors only, and memory stays flat.

    Raises:
        ImportFormatError: unknown format, or the file is UTF-16/UTF-32 (nothing imported).
        UnknownTenantError: no such tenant.
    """
    path = Path(path)
    fmt = fmt or detect_format(path)
    _reader(fmt)
    with path.open("rb") as stream:
        total = path.stat().st_size if path.is_file() else None
        return _import_stream(
            session,
            stream,
            fmt=fmt,
            tenant_id=tenant_id,
            source=str(path),
            batch_size=batch_size,
            progress=(lambda: progress(stream.tell(), total)) if progress else None,
            on_error=on_error,
            keep_labels=keep_labels,
            max_errors=max_errors,
            max_line_bytes=max_line_bytes,
        )


def import_text(
    session: Session,
    text: str,
    *,
    fmt: str,
    tenant_id: str = DEFAULT_TENANT_ID,
    source: str = "<text>",
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import ``text`` in ``fmt`` (``jsonl`` or ``csv``); see :func:`import_file`."""
    data = io.BytesIO(text.encode("utf-8", "surrogatepass"))
    return _import_stream(
        session,
        data,
        fmt=fmt,
        tenant_id=tenant_id,
        source=source,
        batch_size=batch_size,
        keep_labels=True,
        max_errors=None,
    )


def import_records(
    session: Session,
    records: Iterable[Record],
    *,
    tenant_id: str = DEFAULT_TENANT_ID,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import already-built values (the Python API); errors carry the record's position.

    Unlike the file imports this does not commit: the caller owns the transaction (each batch
    runs in a savepoint of it).
    """
    require_tenant(session, tenant_id)
    report = ImportReport(tenant_id=tenant_id, source="<records>")
    writer = _Writer(session, tenant_id, report, commit=False)
    seen = _Seen()
    batch: list[_Item] = []
    for position, record in enumerate(records, start=1):
        item = _Item(record, _at_position(position), position, describe(record), _kind(record))
        if seen.check(item, report):
            batch.append(item)
        if len(batch) >= batch_size:
            writer.write(batch)
            batch = []
    writer.write(batch)
    seen.close()
    return report


@dataclass(slots=True)
class _Item:
    record: Record
    locate: LocateFn
    line: int
    label: str
    kind: str
    is_csv: bool = False


def _reader(fmt: str) -> Callable[[Iterator[Line]], Iterator[RawRecord | ReadProblem]]:
    readers = {"jsonl": read_jsonl, "csv": read_csv}
    if fmt not in readers:
        raise ImportFormatError(f"unknown format {fmt!r}; use jsonl or csv")
    return readers[fmt]


def _import_stream(
    session: Session,
    stream: BinaryIO,
    *,
    fmt: str,
    tenant_id: str,
    source: str,
    batch_size: int,
    progress: Callable[[], None] | None = None,
    on_error: Callable[[RowError], None] | None = None,
    keep_labels: bool,
    max_errors: int | None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> ImportReport:
    read = _reader(fmt)
    require_tenant(session, tenant_id)
    report = ImportReport(
        tenant_id=tenant_id, source=source, keep_labels=keep_labels, max_errors=max_errors
    )
    report.on_error = on_error
    writer = _Writer(session, tenant_id, report, commit=True)
    batch: list[_Item] = []
    with _collections_skip_the_heap(), contextlib.closing(_Seen()) as seen:
        lines = read_lines(stream, name=Path(source).name, max_line_bytes=max_line_bytes)
        for raw in read(lines):
            if isinstance(raw, ReadProblem):
                report.add_error(RowError(raw.line, raw.field, _clip(raw.reason)))
                continue
            item = _convert(raw, report)
            if item is not None and seen.check(item, report):
                batch.append(item)
            if len(batch) >= batch_size:
                writer.write(batch)
                batch = []
                if progress is not None:
                    progress()
        writer.write(batch)
        if progress is not None:
            progress()
    return report


@contextlib.contextmanager
def _collections_skip_the_heap() -> Iterator[None]:
    """While importing, the garbage collector leaves alone the objects that were alive before,
    and looks at the batch's objects less often.

    An import makes many objects that live for a batch; each full collection would also scan
    everything the process held before (modules, tables, caches), about a sixth of the import's
    time. ``gc.freeze`` sets that older heap aside for the import's duration. The young
    collections go on as usual (they free any cycle soon), but the older generations are
    collected a tenth as often (:data:`_OLDER_THRESHOLD`): they hold the batch being built,
    which an import frees by itself once written (it makes almost no cycles), and scanning it
    over and over cost about 6 % of an import. A process that freezes objects itself (a forking
    server) is left as it is.
    """
    if gc.get_freeze_count():
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(thresholds[0], *(max(older, _OLDER_THRESHOLD) for older in thresholds[1:]))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


#: young collections between two collections of the next generation, while importing
_OLDER_THRESHOLD = 100


class _Seen:
    """The keys met so far in this import, on disk: memory stays flat for any file size."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # a private temporary database, deleted on close
        self._db.execute("CREATE TABLE seen (key BLOB PRIMARY KEY, line INTEGER) WITHOUT ROWID")
        self._batch: dict[bytes, int] = {}
        #: whether any key went to disk (until then the look-up stays in memory)
        self._spilled = False

    def check(self, item: _Item, report: ImportReport) -> bool:
        """Whether the record is new in this import; a repeat is reported and rejected."""
        identity = "\x1f".join((item.kind, *record_key(item.record)))
        key = hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        first = self._batch.get(key)
        if first is None and self._spilled:
            found = self._db.execute("SELECT line FROM seen WHERE key = ?", (key,)).fetchone()
            first = None if found is None else int(found[0])
        if first is None:
            self._batch[key] = item.line
            if len(self._batch) >= _SEEN_IN_MEMORY:
                self._spill()
            return True
        if item.is_csv and item.kind in DOCUMENT_KINDS:
            reason = (
                f"{item.label} appears again (it starts on line {first}); "
                "keep a document's rows together, one after the other"
            )
        else:
            reason = f"{item.label} appears again (first on line {first}); keep one"
        report.add_error(RowError(item.line, "", reason, item.label))
        report.note(item.label, "rejected")
        return False

    def _spill(self) -> None:
        self._db.executemany("INSERT INTO seen VALUES (?, ?)", self._batch.items())
        self._batch.clear()
        self._spilled = True

    def close(self) -> None:
        self._db.close()


class _Writer:
    """Writes batches: fast all at once, or one record at a time when the database objects."""

    def __init__(
        self, session: Session, tenant_id: str, report: ImportReport, *, commit: bool
    ) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.report = report
        self.commit = commit
        self.backend = session.get_bind().dialect.name
        self.lock_key = _lock_key(tenant_id)

    def write(self, batch: list[_Item]) -> None:
        if not batch:
            return
        results = self._attempt(batch)
        for item, result in zip(batch, results, strict=True):
            if isinstance(result, Outcome):
                self.report.note(item.label, result.value)
            else:
                self._reject(item, result)

    def _attempt(self, batch: list[_Item]) -> list[Result | DBAPIError]:
        records = [item.record for item in batch]
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                self._begin()
                try:
                    with self.session.begin_nested():
                        results: list[Result | DBAPIError] = list(
                            save_batch(self.session, self.tenant_id, records)
                        )
                except DBAPIError as error:
                    if _is_contention(error):
                        raise
                    results = self._one_by_one(records)
                self._end()
                return results
            except DBAPIError as error:
                if not (_is_contention(error) and self.commit):
                    raise
                self.session.rollback()
                if attempt == _ATTEMPTS:
                    raise DatabaseBusyError(
                        "the database stayed busy (another process kept it locked, or "
                        f"transactions kept colliding: {_first_line(error)}); the batches "
                        "committed so far are kept: run the same import again to carry on"
                    ) from None
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _one_by_one(self, records: list[Record]) -> list[Result | DBAPIError]:
        """Each record in its own savepoint: the database's refusal names one record."""
        results: list[Result | DBAPIError] = []
        for record in records:
            try:
                with self.session.begin_nested():
                    results.append(save_record(self.session, self.tenant_id, record))
            except (RecordRejectedError, DocumentPostedError) as error:
                results.append(error)
            except DBAPIError as error:
                if _is_contention(error):
                    raise
                results.append(error)
        return results

    def _begin(self) -> None:
        """Start the batch's transaction, waiting for other imports into the tenant."""
        if self.commit and self.session.in_transaction():
            self.session.commit()
        if self.backend == "sqlite":
            bind = self.session.get_bind()
            if not self.session.in_transaction() and isinstance(bind, Engine):
                # NORMAL under WAL: a killed import loses nothing committed; a power loss
                # may undo the last batches, which the next run of the import re-does
                self.session.connection(
                    execution_options={SQLITE_BEGIN: "IMMEDIATE", SQLITE_SYNCHRONOUS: "NORMAL"}
                )
        elif self.backend == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": self.lock_key})

    def _end(self) -> None:
        if self.commit:
            self.session.commit()
            self.session.expunge_all()

    def _reject(self, item: _Item, error: StoreError | DBAPIError) -> None:
        if isinstance(error, RecordRejectedError):
            issues = list(error.issues)
        elif isinstance(error, DocumentPostedError):
            issues = [error.issue]
        elif isinstance(error, DBAPIError):
            issues = [FieldIssue("", f"the database refused it ({_first_line(error)})")]
        else:
            issues = [FieldIssue("", str(error))]
        for issue in issues:
            self.report.add_error(_row_error(item.locate, issue, item.label))
        self.report.note(item.label, "rejected")


def _is_contention(error: DBAPIError) -> bool:
    """A lock timeout, a deadlock or a serialization failure: worth another try."""
    text_ = str(error.orig).lower() if error.orig is not None else ""
    code = getattr(error.orig, "sqlstate", None)
    return "database is locked" in text_ or code in ("40001", "40P01", "55P03")


def _lock_key(tenant_id: str) -> int:
    digest = hashlib.blake2b(f"intacct-bridge import {tenant_id}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def _at_position(position: int) -> LocateFn:
    def locate(path: str) -> tuple[int, str]:
        return position, path

    return locate


def _kind(record: Record) -> str:
    return record.type.value if isinstance(record, Document) else record.KIND


def _convert(raw: RawRecord, report: ImportReport) -> _Item | None:
    label = f"{raw.kind} {_key_hint(raw)}".strip()
    errors = [RowError(line, column, _clip(reason), label) for line, column, reason in raw.problems]
    record: Record | None = None
    if not errors:
        try:
            record = _structure(raw)
        except StructureError as refused:
            errors = [_row_error(raw.locate, issue, label) for issue in refused.issues]
    if errors or record is None:
        for row_error in errors:
            report.add_error(row_error)
        report.note(label, "rejected")
        return None
    return _Item(record, raw.locate, raw.line, describe(record), _kind(record), raw.is_csv)


def _structure(raw: RawRecord) -> Record:
    if raw.kind in DOCUMENT_KINDS:
        data = dict(raw.data)
        if "type" in data:
            raise StructureError([FieldIssue("type", "unknown field; the kind is the type")])
        lines = data.get("lines")
        if isinstance(lines, list):
            data["lines"] = [_numbered(line, index) for index, line in enumerate(lines)]
        return structure(Document, {"type": raw.kind, **data}, split_lists=raw.split_lists)
    return structure(KINDS_BY_NAME[raw.kind], raw.data, split_lists=raw.split_lists)


def _numbered(line: object, index: int) -> object:
    """Lines without a ``line_number`` are numbered by position (1, 2 …)."""
    if isinstance(line, dict) and "line_number" not in line:
        return {"line_number": index + 1, **line}
    return line


def _key_hint(raw: RawRecord) -> str:
    for name in ("number", "id", "name"):
        value = raw.data.get(name)
        if isinstance(value, str):
            return _clip(value, 60)
    return ""


def _clip(reason: str, limit: int = _REASON_LIMIT) -> str:
    return reason if len(reason) <= limit else f"{reason[: limit - 1]}…"


def _row_error(locate: LocateFn, issue: FieldIssue, label: str | None) -> RowError:
    line, column = locate(issue.field)
    return RowError(line, column, _clip(issue.reason), label)


def _first_line(error: DBAPIError) -> str:
    lines = str(error.orig).strip().splitlines() if error.orig else []
    return _clip(lines[0], 200) if lines else "integrity error"


def iter_errors(report: ImportReport) -> Iterator[str]:
    """The report's kept errors as ``SOURCE:LINE: FIELD: REASON`` lines, in line order."""
    for error in sorted(report.errors, key=lambda e: e.line):
        yield format_error(report.source, error)


def format_error(source: str, error: RowError) -> str:
    """One error as ``SOURCE:LINE: [record] FIELD: REASON``."""
    record = f" [{error.record}]" if error.record else ""
    return f"{source}:{error.line}:{record} {error.field or '(row)'}: {error.reason}"
