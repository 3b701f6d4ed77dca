"""Save a batch of records at once: what an import does, hundreds of records at a time.

The result is what :func:`~intacct_bridge.store.repositories.save_record` would give for each
record in turn, at a fraction of the cost:

- one query per kind finds which records are already stored and with which content hash;
  unchanged records are skipped without any further work (a re-import costs little);
- one query per referenced table loads every row the batch refers to
  (:class:`~intacct_bridge.store.references.RefCache`), so the reference checks cost a
  dictionary look-up each;
- new documents, with their lines, line attributes and line dimensions, are written with one
  multi-row ``INSERT`` per table.

The caller owns the transaction. A database error (a constraint, a lock) is raised as it comes
and leaves the batch half-written: run the batch in a savepoint or transaction, roll it back,
and save the records one at a time to find the culprit.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, tuple_, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from intacct_bridge.model.canonical import content_hash, first_difference, to_plain
from intacct_bridge.model.documents import Document, DocumentStatus
from intacct_bridge.model.kinds import LIFECYCLE_FIELDS, Record, describe, record_key
from intacct_bridge.model.money import to_text
from intacct_bridge.store.base import DecimalType, now
from intacct_bridge.store.errors import (
    DocumentPostedError,
    RecordRejectedError,
    StoreError,
    reversal_fix,
)
from intacct_bridge.store.mappers import (
    LINE_FIELDS,
    DocumentValues,
    document_from_row,
    document_values,
)
from intacct_bridge.store.mappers import spec_for as _spec_for
from intacct_bridge.store.references import DocumentInfo, RefCache, find_issues
from intacct_bridge.store.repositories import Outcome, save_document, write_record
from intacct_bridge.store.tables import documents as td
from intacct_bridge.store.tables.tenancy import ChangeEventRow

#: at most this many keys in one ``IN (…)``
_CHUNK = 500
#: the columns of document lines, line attributes and line dimensions as the batch writes them
_LINE_COLUMNS = ("tenant_id", "document_id", *LINE_FIELDS)
_ATTRIBUTE_COLUMNS = ("tenant_id", "document_id", "line_number", "attribute_type", "value_id")
_DIMENSION_COLUMNS = (
    "tenant_id",
    "document_id",
    "line_number",
    "dimension_type_id",
    "dimension_id",
)

Result = Outcome | StoreError


def save_batch(
    session: Session,
    tenant_id: str,
    records: Sequence[Record],
    *,
    digests: Sequence[str] | None = None,
    new: bool = False,
    stamp: dt.datetime | None = None,
) -> list[Result]:
    """Save ``records`` in order; per record its :class:`Outcome` or the error refusing it.

    Records must have distinct keys. The tenant must exist (checked by the caller).
    ``digests`` are the records' content hashes when the caller has them already; with
    ``new`` the caller has looked the records up in this transaction and found none stored
    (the lookup is skipped; one stored meanwhile by another transaction makes the insert fail
    on its unique key); ``stamp`` is the time written as the new rows' creation time (and
    that of their change events), instead of the time of the write.

    Raises:
        sqlalchemy.exc.DBAPIError: the database refused a write; the batch is half-written.
    """
    return _Batch(session, tenant_id, stamp).save(records, digests, new)


@dataclass
class _Stored:
    content_hash: str
    status: str | None = None
    id: int | None = None


@dataclass
class _Pending:
    """New documents waiting for their multi-row inserts, in file order."""

    documents: list[tuple[Document, str, DocumentValues]] = field(default_factory=list)


class _Batch:
    def __init__(self, session: Session, tenant_id: str, stamp: dt.datetime | None = None) -> None:
        self.session = session
        self.tenant_id = tenant_id
        #: the creation time of new documents, when the caller gave one
        self.stamp = stamp
        self.cache = RefCache(session, tenant_id)
        self.pending = _Pending()
        #: the kind of the master rows waiting (flushed on a change), and whether they wait in
        #: the session (updates) or in ``new_masters`` (new rows, inserted many at once)
        self.unflushed: tuple[type[Record], bool] | None = None
        self.new_masters: list[tuple[Record, str, Any]] = []

    def save(
        self, records: Sequence[Record], digests: Sequence[str] | None = None, new: bool = False
    ) -> list[Result]:
        if digests is None:
            digests = [_digest(record) for record in records]
        stored = {} if new else self._stored(records)
        todo = [
            record
            for record, digest in zip(records, digests, strict=True)
            if (found := stored.get(_identity(record))) is None or found.content_hash != digest
        ]
        self.cache.prefetch(todo)
        results: list[Result] = []
        for record, digest in zip(records, digests, strict=True):
            try:
                results.append(self._save_one(record, digest, stored.get(_identity(record))))
            except (RecordRejectedError, DocumentPostedError) as error:
                results.append(error)
        self._flush_documents()
        self._flush_masters()
        return results

    def _flush_masters(self) -> None:
        if self.unflushed is None:
            return
        self.unflushed = None
        new, self.new_masters = self.new_masters, []
        if not new:
            self.session.flush()
            return
        table: Any = _spec_for(type(new[0][0])).table
        plan = _master_plan(table)
        assert plan is not None
        stamp = now()
        rows: list[dict[str, Any]] = []
        children: dict[Any, list[dict[str, Any]]] = {}
        for _, digest, row in new:
            values = plan.values(row)
            values.update(content_hash=digest, updated_at=stamp)
            rows.append(values)
            for child_table, child_rows in plan.children(row, values):
                children.setdefault(child_table, []).extend(child_rows)
        _insert_many(self.session, table.__table__, rows)
        for child_table, child_rows in children.items():
            _insert_many(self.session, child_table, child_rows)
        self._events(
            [
                (record.KIND, "/".join(record_key(record)), "created", digest)
                for record, digest, _ in new
            ],
            stamp,
        )

    def _save_one(self, record: Record, digest: str, found: _Stored | None) -> Outcome:
        if isinstance(record, Document):
            return self._save_document(record, digest, found)
        if found is not None and found.content_hash == digest:
            return Outcome.UNCHANGED
        issues = find_issues(self.session, self.tenant_id, record, self.cache)
        if issues:
            raise RecordRejectedError(describe(record), issues)
        self._flush_documents()  # change events stay in file order
        spec = _spec_for(type(record))
        bulk = found is None and _master_plan(spec.table) is not None
        if self.unflushed != (type(record), bulk):
            self._flush_masters()  # what this record refers to is in the database
        self.unflushed = (type(record), bulk)
        if bulk:  # a new row: filled by its mapper, inserted with the others of its kind
            row = _master_plan(spec.table).blank(self.tenant_id)  # type: ignore[union-attr]
            spec.to_row(record, row)
            self.new_masters.append((record, digest, row))
            self.cache.put(spec.table, record_key(record), row)
            return Outcome.CREATED
        row = None
        if found is not None:  # an update: the ORM row (the cache holds read-only rows)
            row = self.session.get(spec.table, (self.tenant_id, *record_key(record)))
        return write_record(
            self.session, self.tenant_id, record, digest, row, cache=self.cache, flush=False
        )

    def _save_document(self, document: Document, digest: str, found: _Stored | None) -> Outcome:
        posted = document.status is DocumentStatus.POSTED
        if found is not None and found.content_hash == digest:
            if posted and found.status != DocumentStatus.POSTED.value:
                self._post(document, found)
                return Outcome.POSTED
            return Outcome.UNCHANGED
        if found is not None:
            if found.status == DocumentStatus.POSTED.value:
                row = self.session.get(td.DocumentRow, found.id)
                assert row is not None
                old = to_plain(document_from_row(row))
                changed = first_difference(old, to_plain(document))
                raise DocumentPostedError(
                    describe(document), changed or "", reversal_fix(document.type)
                )
            self._flush_documents()
            self._flush_masters()
            outcome = save_document(self.session, self.tenant_id, document, cache=self.cache)
            self.cache.put_document(_info(document))
            return outcome
        issues = find_issues(self.session, self.tenant_id, document, self.cache)
        if issues:
            raise RecordRejectedError(describe(document), issues)
        self.pending.documents.append((document, digest, document_values(document)))
        self.cache.put_document(_info(document))
        return Outcome.CREATED

    def _post(self, document: Document, found: _Stored) -> None:
        self._flush_documents()
        self._flush_masters()
        stamp = now()
        self.session.execute(
            update(td.DocumentRow)
            .where(td.DocumentRow.id == found.id)
            .values(status=DocumentStatus.POSTED.value, posted_at=stamp)
            .execution_options(synchronize_session="fetch")
        )
        self._events([(document.type.value, document.number, "posted", found.content_hash)], stamp)
        self.cache.put_document(_info(document))

    def _flush_documents(self) -> None:
        batch = self.pending.documents
        if not batch:
            return
        self._flush_masters()
        self.pending = _Pending()
        stamp = self.stamp or now()
        headers = []
        for document, digest, values in batch:
            header = dict(values.header)
            header.update(
                tenant_id=self.tenant_id,
                status=document.status.value,
                content_hash=digest,
                created_at=stamp,
                updated_at=stamp,
                posted_at=stamp if document.is_posted else None,
            )
            headers.append(header)
        ids = self._new_ids(len(headers))
        for header, document_id in zip(headers, ids, strict=True):
            header["id"] = document_id
        _insert_many(self.session, td.DocumentRow.__table__, headers, with_id=True)
        tenant = self.tenant_id
        lines: list[tuple[Any, ...]] = []
        attributes: list[tuple[Any, ...]] = []
        dimensions: list[tuple[Any, ...]] = []
        for document_id, (_, _, values) in zip(ids, batch, strict=True):
            # the rows are this batch's own: the document's ID goes straight in
            keys = (tenant, document_id)
            for own, line_attributes, line_dimensions in values.lines:
                lines.append(keys + own)
                attributes += [keys + row for row in line_attributes]
                dimensions += [keys + row for row in line_dimensions]
        for rows, child, columns in (
            (lines, td.DocumentLineRow, _LINE_COLUMNS),
            (attributes, td.DocumentLineAttributeRow, _ATTRIBUTE_COLUMNS),
            (dimensions, td.DocumentLineDimensionRow, _DIMENSION_COLUMNS),
        ):
            if rows:
                _insert_tuples(self.session, child.__table__, columns, rows)
        self._events(
            [(doc.type.value, doc.number, "created", digest) for doc, digest, _ in batch], stamp
        )

    def _new_ids(self, count: int) -> list[int]:
        """IDs for new documents: from the sequence (PostgreSQL), or after the highest
        (SQLite, where the import holds the write lock; a clash is a refused batch)."""
        if self.session.get_bind().dialect.name == "postgresql":
            query = text(
                "SELECT nextval(pg_get_serial_sequence('document', 'id')) "
                "FROM generate_series(1, :count)"
            )
            return [int(n) for n in self.session.scalars(query, {"count": count})]
        highest = self.session.scalar(select(func.max(td.DocumentRow.id))) or 0
        return list(range(highest + 1, highest + count + 1))

    def _events(self, events: list[tuple[str, str, str, str]], stamp: Any) -> None:
        """Change events (kind, key, action, content hash), in order."""
        _insert_many(
            self.session,
            ChangeEventRow.__table__,
            [
                {"kind": kind, "key": key, "action": action, "content_hash": digest}
                for kind, key, action, digest in events
            ],
            same={"tenant_id": self.tenant_id, "occurred_at": stamp},
        )

    def _stored(self, records: Sequence[Record]) -> dict[tuple[str, ...], _Stored]:
        """Content hash (and status, for documents) of the records already stored."""
        found: dict[tuple[str, ...], _Stored] = {}
        by_table: dict[Any, list[tuple[str, ...]]] = {}
        documents: list[tuple[str, str]] = []
        for record in records:
            if isinstance(record, Document):
                documents.append((record.type.value, record.number))
            else:
                by_table.setdefault(_spec_for(type(record)).table, []).append(record_key(record))
        query, _, _ = _stored_query(td.DocumentRow)
        for chunk in _chunks(documents):
            params = {"tenant_id": self.tenant_id, "keys": chunk}
            for doc_type, number, digest, status, row_id in self.session.execute(query, params):
                found[("document", doc_type, number)] = _Stored(digest, status, row_id)
        for table, keys in by_table.items():
            query, width, single = _stored_query(table)
            kind = table.__tablename__
            for chunk in _chunks(keys):
                params = {
                    "tenant_id": self.tenant_id,
                    "keys": [k[0] for k in chunk] if single else chunk,
                }
                for row in self.session.execute(query, params):
                    found[(kind, *row[:width])] = _Stored(row[width])
        return found


@functools.cache
def _stored_query(table: Any) -> tuple[Any, int, bool]:
    """The query of stored rows by key: the key's columns, then the content hash (documents:
    by type and number, then the hash, status and ID); the key's width; whether it is one
    column."""
    core = table.__table__
    if table is td.DocumentRow:
        columns = [core.c.type, core.c.number]
        extra = [core.c.content_hash, core.c.status, core.c.id]
    else:
        columns = [c for c in core.primary_key.columns if c.name != "tenant_id"]
        extra = [core.c.content_hash]
    single = len(columns) == 1
    keys: Any = bindparam("keys", expanding=True)
    query = select(*columns, *extra).where(
        core.c.tenant_id == bindparam("tenant_id"),
        columns[0].in_(keys) if single else tuple_(*columns).in_(keys),
    )
    return query, len(columns), single


def _insert_many(
    session: Session,
    table: Any,
    rows: list[dict[str, Any]],
    *,
    with_id: bool = False,
    same: dict[str, Any] | None = None,
) -> None:
    """``INSERT`` many rows (PostgreSQL: ``COPY``; SQLite: ``executemany``), values converted
    as SQLAlchemy would (decimals, dates, timestamps), skipping its per-row bookkeeping.

    ``same`` holds the values every row shares (the tenant, a timestamp): they are set once,
    not copied into each row. An autoincrement key is left to the database unless ``with_id``.
    """
    connection = session.connection()
    plan = _insert_plan(table, connection.dialect, with_id)
    names = plan.names
    fixed = [(names.index(name), value) for name, value in (same or {}).items()]
    converters = plan.converters
    params: list[tuple[Any, ...]]
    if not fixed and not converters:
        params = [tuple(map(row.get, names)) for row in rows]
    else:
        params = []
        last: dict[int, tuple[Any, Any]] = {}  # a batch shares its timestamps: convert once
        for row in rows:
            values = list(map(row.get, names))
            for index, value in fixed:
                values[index] = value
            for index, convert in converters:
                value = values[index]
                seen = last.get(index)
                if seen is not None and seen[0] is value:
                    values[index] = seen[1]
                else:
                    values[index] = converted = convert(value)
                    last[index] = (value, converted)
            params.append(tuple(values))
    _write(connection, table, plan, params)


def _insert_tuples(
    session: Session, table: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Like :func:`_insert_many`, for rows given as values of ``columns`` in that order
    (every column of the row given, none shared): no dictionary per row."""
    connection = session.connection()
    plan = _insert_plan(table, connection.dialect, False, columns)
    params = rows
    if plan.converters:
        converters = plan.converters
        params = []
        for row in rows:
            values = list(row)
            for index, convert in converters:
                values[index] = convert(values[index])
            params.append(tuple(values))
    _write(connection, table, plan, params)


def _write(connection: Any, table: Any, plan: _InsertPlan, params: list[tuple[Any, ...]]) -> None:
    """Send ``params`` (driver values in ``plan.names`` order) to the database."""
    names = plan.names
    if connection.dialect.name == "postgresql":
        # COPY: one stream for all rows, the fastest way into PostgreSQL
        columns = ", ".join(connection.dialect.identifier_preparer.quote(n) for n in names)
        statement = f"COPY {table.name} ({columns}) FROM STDIN"
        driver_error = connection.dialect.loaded_dbapi.Error
        cursor = connection.connection.cursor()
        try:
            with cursor.copy(statement) as copy:
                for driver_row in params:
                    copy.write_row(driver_row)
        except driver_error as error:  # as SQLAlchemy would raise it (IntegrityError …)
            raise DBAPIError.instance(statement, None, error, driver_error) from error
        finally:
            cursor.close()
        return
    if plan.positional:
        per = plan.rows_per_statement
        whole = len(params) - len(params) % per
        if whole:
            # many rows per INSERT: SQLite does a row of a multi-row VALUES in about half
            # the time of a row of ``executemany``
            connection.exec_driver_sql(
                plan.many_sql,
                [tuple(chain.from_iterable(params[at : at + per])) for at in range(0, whole, per)],
            )
        if whole < len(params):
            connection.exec_driver_sql(plan.sql, params[whole:])
    else:
        connection.exec_driver_sql(
            plan.sql, [dict(zip(names, driver_row, strict=True)) for driver_row in params]
        )


class _MasterPlan:
    """How a new master row becomes insert rows: its columns as the ORM would write them
    (unset ones take their default), and those of its child rows with the parent's key
    filled in.

    The row its mapper fills is a :class:`_NewRow` (:meth:`blank`), not an ORM object: no
    attribute events, no session state; its child rows are the mapper's ORM objects."""

    def __init__(self, table: Any) -> None:
        mapper = sa_inspect(table)
        self.columns = [_column(prop) for prop in mapper.column_attrs]
        self.relations = []
        for relation in mapper.relationships:
            child = relation.mapper
            child_columns = [_column(prop) for prop in child.column_attrs]
            pairs = [(parent.key, remote.key) for parent, remote in relation.local_remote_pairs]
            self.relations.append((relation.key, child.local_table, child_columns, pairs))
        self.defaults = dict(self.columns)

    def blank(self, tenant_id: str) -> _NewRow:
        """A new row of the table: every column at its default, no child rows."""
        row = _NewRow()
        state = row.__dict__
        state.update(self.defaults)
        state["tenant_id"] = tenant_id
        for key, *_ in self.relations:
            state[key] = []
        return row

    def values(self, row: Any) -> dict[str, Any]:
        state = row.__dict__
        return {key: state.get(key, default) for key, default in self.columns}

    def children(self, row: Any, values: dict[str, Any]) -> list[tuple[Any, list[dict[str, Any]]]]:
        found = []
        for key, table, columns, pairs in self.relations:
            rows = []
            for child in row.__dict__.get(key) or ():
                state = child.__dict__
                child_values = {name: state.get(name, default) for name, default in columns}
                for parent, remote in pairs:
                    child_values[remote] = values[parent]
                rows.append(child_values)
            if rows:
                found.append((table, rows))
        return found


class _NewRow:
    """A new master row while its mapper fills it and until it is inserted (the batch's
    reference checks read it like a stored row): plain attributes, a list per child
    collection."""


class _NoBulk(Exception):
    pass


def _column(prop: Any) -> tuple[str, Any]:
    """The attribute key of a mapped column and its default (a constant, or none)."""
    column = prop.columns[0]
    if len(prop.columns) != 1 or column.key != prop.key:
        raise _NoBulk  # the insert rows are keyed by column
    default = column.default
    if default is None:
        return prop.key, None
    if not default.is_scalar:
        raise _NoBulk
    return prop.key, default.arg


_MASTER_PLANS: dict[Any, _MasterPlan | None] = {}


def _master_plan(table: Any) -> _MasterPlan | None:
    """The plan of ``table``, or ``None`` when its rows need the ORM (a computed default,
    grandchild rows)."""
    if table not in _MASTER_PLANS:
        try:
            plan: _MasterPlan | None = _MasterPlan(table)
            assert plan is not None
            for relation in sa_inspect(table).relationships:
                if relation.mapper.relationships or relation.secondary is not None:
                    raise _NoBulk
        except _NoBulk:
            plan = None
        _MASTER_PLANS[table] = plan
    return _MASTER_PLANS[table]


@dataclass
class _InsertPlan:
    sql: str
    positional: bool
    #: the columns in parameter order
    names: list[str]
    #: (position, bind processor) of the columns whose values need converting
    converters: list[tuple[int, Any]]

    @property
    def rows_per_statement(self) -> int:
        """Rows in one multi-row ``INSERT`` (at most 999 parameters: any SQLite takes it)."""
        return max(1, min(100, 999 // len(self.names)))

    @functools.cached_property
    def many_sql(self) -> str:
        """The ``INSERT`` of :attr:`rows_per_statement` rows (positional parameters)."""
        head, marks = self.sql.rsplit(" VALUES ", 1)
        return f"{head} VALUES {', '.join([marks] * self.rows_per_statement)}"


_PLANS: dict[tuple[str, str, bool, tuple[str, ...] | None], _InsertPlan] = {}


def _insert_plan(
    table: Any, dialect: Any, with_id: bool, columns: tuple[str, ...] | None = None
) -> _InsertPlan:
    """The insert of ``table``'s columns (or of ``columns``, in that order, when given)."""
    slot = (table.name, dialect.name, with_id, columns)
    plan = _PLANS.get(slot)
    if plan is None:
        keys = (
            list(columns)
            if columns is not None
            else [c.key for c in table.columns if with_id or c is not table.autoincrement_column]
        )
        compiled = insert(table).compile(dialect=dialect, column_keys=keys)
        names = list(compiled.positiontup or []) if compiled.positional else list(compiled.params)
        if columns is not None and names != keys:
            # the statement's own order differs: write the columns as given
            preparer = dialect.identifier_preparer
            quoted = ", ".join(preparer.quote(name) for name in keys)
            marks = ", ".join("?" if compiled.positional else f"%({name})s" for name in keys)
            sql = f"INSERT INTO {preparer.format_table(table)} ({quoted}) VALUES ({marks})"
            compiled_sql, names = sql, keys
        else:
            compiled_sql = compiled.string
        processors = [_bind_processor(table.c[name].type, dialect) for name in names]
        converters = [(index, convert) for index, convert in enumerate(processors) if convert]
        plan = _PLANS[slot] = _InsertPlan(compiled_sql, compiled.positional, names, converters)
    return plan


def _bind_processor(column_type: Any, dialect: Any) -> Any:
    """The column's bind processor; on SQLite, a decimal's text without the type's layers
    (the same text: :func:`~intacct_bridge.model.money.to_text`)."""
    processor = column_type._cached_bind_processor(dialect)
    if dialect.name != "sqlite" or not isinstance(column_type, DecimalType):
        return processor

    def decimal_text(value: Any) -> Any:
        if value.__class__ is Decimal:
            return to_text(value)
        return processor(value)  # None, or a value the type refuses as it would

    return decimal_text


def _identity(record: Record) -> tuple[str, ...]:
    if isinstance(record, Document):
        return ("document", record.type.value, record.number)
    return (_spec_for(type(record)).table.__tablename__, *record_key(record))


def _digest(record: Record) -> str:
    return content_hash(record, exclude=LIFECYCLE_FIELDS.get(type(record), ()))


def _info(document: Document) -> DocumentInfo:
    return DocumentInfo(
        document.type.value,
        document.number,
        document.status.value,
        document.customer_id,
        document.supplier_id,
    )


def _chunks(keys: list[Any]) -> list[list[Any]]:
    return [keys[start : start + _CHUNK] for start in range(0, len(keys), _CHUNK)]
