"""Import operations data (master data and documents) into a tenant's store.

Every row is validated. A bad row is reported with its line, field and reason, and nothing of
its record is written; the good records are written. Each record is written in its own
savepoint, so a record refused by the store leaves no trace. Re-importing the same file
changes nothing: a record whose content hash is already stored is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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
from intacct_bridge.store.errors import DocumentPostedError, RecordRejectedError
from intacct_bridge.store.repositories import Outcome, require_tenant, save_record

#: maps a field path to the physical line and the field name as the file spells it
LocateFn = Callable[[str], tuple[int, str]]

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


class ImportFormatError(ValueError):
    """The file's format could not be told from its name."""


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
    """What an import did, record by record."""

    tenant_id: str
    source: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    posted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: records not written because of errors
    rejected: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every row was good."""
        return not self.errors

    @property
    def written(self) -> int:
        """How many records changed the store."""
        return len(self.created) + len(self.updated) + len(self.posted)

    def summary(self) -> str:
        """One line: counts per outcome."""
        return (
            f"{self.source} → tenant {self.tenant_id}: {len(self.created)} created, "
            f"{len(self.updated)} updated, {len(self.posted)} posted, "
            f"{len(self.unchanged)} unchanged, {len(self.rejected)} rejected "
            f"({len(self.errors)} error(s))"
        )


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
) -> ImportReport:
    """Import a JSON Lines or CSV file into ``tenant_id`` (default: the embedded tenant).

    The caller commits the session.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    return import_text(
        session, text, fmt=fmt or detect_format(path), tenant_id=tenant_id, source=str(path)
    )


def import_text(
    session: Session,
    text: str,
    *,
    fmt: str,
    tenant_id: str = DEFAULT_TENANT_ID,
    source: str = "<text>",
) -> ImportReport:
    """Import ``text`` in ``fmt`` (``jsonl`` or ``csv``); see :func:`import_file`."""
    readers = {"jsonl": read_jsonl, "csv": read_csv}
    if fmt not in readers:
        raise ImportFormatError(f"unknown format {fmt!r}; use jsonl or csv")
    require_tenant(session, tenant_id)
    report = ImportReport(tenant_id=tenant_id, source=source)
    seen: dict[tuple[str, ...], int] = {}
    for item in readers[fmt](text):
        if isinstance(item, ReadProblem):
            report.errors.append(RowError(item.line, item.field, item.reason))
            continue
        record = _convert(item, report)
        if record is None:
            continue
        identity = (_kind(record), *record_key(record))
        label = describe(record)
        if identity in seen:
            reason = f"{label} appears again (first on line {seen[identity]}); keep one"
            report.errors.append(RowError(item.line, "", reason, label))
            report.rejected.append(label)
            continue
        seen[identity] = item.line
        _save(session, tenant_id, record, report, item.locate)
    return report


def import_records(
    session: Session, records: Iterable[Record], *, tenant_id: str = DEFAULT_TENANT_ID
) -> ImportReport:
    """Import already-built values (the Python API); errors carry the record's position."""
    require_tenant(session, tenant_id)
    report = ImportReport(tenant_id=tenant_id, source="<records>")
    for position, record in enumerate(records, start=1):
        _save(session, tenant_id, record, report, _at_position(position))
    return report


def _at_position(position: int) -> LocateFn:
    def locate(path: str) -> tuple[int, str]:
        return position, path

    return locate


def _kind(record: Record) -> str:
    return record.type.value if isinstance(record, Document) else record.KIND


def _convert(raw: RawRecord, report: ImportReport) -> Record | None:
    label = f"{raw.kind} {_key_hint(raw)}".strip()
    errors = [RowError(line, column, reason, label) for line, column, reason in raw.problems]
    record: Record | None = None
    if not errors:
        try:
            record = _structure(raw)
        except StructureError as error:
            errors = [_row_error(raw.locate, issue, label) for issue in error.issues]
    if errors:
        report.errors.extend(errors)
        report.rejected.append(label)
        return None
    return record


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
            return value
    return ""


def _row_error(locate: LocateFn, issue: FieldIssue, label: str | None) -> RowError:
    line, column = locate(issue.field)
    return RowError(line, column, issue.reason, label)


def _save(
    session: Session,
    tenant_id: str,
    record: Record,
    report: ImportReport,
    locate: LocateFn,
) -> None:
    label = describe(record)
    try:
        with session.begin_nested():
            outcome = save_record(session, tenant_id, record)
    except RecordRejectedError as error:
        report.errors.extend(_row_error(locate, issue, label) for issue in error.issues)
        report.rejected.append(label)
        return
    except DocumentPostedError as error:
        report.errors.append(_row_error(locate, error.issue, label))
        report.rejected.append(label)
        return
    except IntegrityError as error:
        reason = f"the database refused it ({_first_line(error)})"
        report.errors.append(_row_error(locate, FieldIssue("", reason), label))
        report.rejected.append(label)
        return
    {
        Outcome.CREATED: report.created,
        Outcome.UPDATED: report.updated,
        Outcome.POSTED: report.posted,
        Outcome.UNCHANGED: report.unchanged,
    }[outcome].append(label)


def _first_line(error: IntegrityError) -> str:
    return str(error.orig).strip().splitlines()[0] if error.orig else "integrity error"


def iter_errors(report: ImportReport) -> Iterator[str]:
    """The report's errors as ``SOURCE:LINE: FIELD: REASON`` lines, in line order."""
    for error in sorted(report.errors, key=lambda e: e.line):
        record = f" [{error.record}]" if error.record else ""
        yield f"{report.source}:{error.line}:{record} {error.field or '(row)'}: {error.reason}"
