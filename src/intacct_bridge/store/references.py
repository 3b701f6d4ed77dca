"""Cross-record checks made before a write, reported per field.

The database enforces every reference with a tenant-scoped foreign key as well; these checks
come first so that a rejected record names the field, the missing ID and the fix instead of
surfacing as an integrity error.
"""

from __future__ import annotations

import collections
import functools
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from intacct_bridge.model import analytics as an
from intacct_bridge.model import finance as fi
from intacct_bridge.model import parties as pa
from intacct_bridge.model.documents import Document, DocumentStatus, Party
from intacct_bridge.model.errors import FieldIssue, ModelError
from intacct_bridge.model.items import Item
from intacct_bridge.model.kinds import Record
from intacct_bridge.model.sites import Company, Site, check_entity_binding
from intacct_bridge.store.base import Base
from intacct_bridge.store.mappers import SPECS
from intacct_bridge.store.tables import analytics as ta
from intacct_bridge.store.tables import documents as td
from intacct_bridge.store.tables import finance as tf
from intacct_bridge.store.tables import items as ti
from intacct_bridge.store.tables import parties as tp
from intacct_bridge.store.tables import sites as ts

Check = Callable[[Any], str | None]
#: a reference stripped of where it sits: the row it names and the check the row must pass
Need = tuple[type[Base], tuple[str, ...], Check | None]


class Ref(NamedTuple):
    """``field`` must name an existing row of ``table`` (within the tenant) passing ``check``."""

    field: str
    table: type[Base]
    key: tuple[str, ...]
    label: str
    check: Check | None = None


class RefCache:
    """Rows of one tenant looked up by primary key, remembered (misses too) for one batch.

    :meth:`prefetch` loads every row a batch of records refers to with one query per table;
    the checks then cost a dictionary look-up. A writer that creates or changes a row in the
    batch tells the cache (:meth:`put`, :meth:`put_document`). Throw the cache away at the end
    of the batch: rows may change once its transaction ends.
    """

    def __init__(self, session: Session, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id
        self._rows: dict[tuple[type[Base], tuple[str, ...]], Any] = {}
        self._documents: dict[tuple[str, str], DocumentInfo | None] = {}
        #: the references of the records prefetched, by ``id(record)``
        self._refs: dict[int, list[Ref]] = {}
        #: the needs of the documents prefetched, by ``id(record)``
        self._needs: dict[int, set[Need]] = {}

    def refs(self, record: Record) -> list[Ref]:
        """The references of ``record`` (worked out once per batch)."""
        found = self._refs.pop(id(record), None)
        if found is None:
            found = list(_refs(self._session, self._tenant_id, record))
        return found

    def needs(self, document: Document) -> set[Need]:
        """The needs of ``document`` (see :func:`document_needs`; worked out once per batch)."""
        found = self._needs.pop(id(document), None)
        return document_needs(document) if found is None else found

    def get(self, table: type[Base], key: tuple[str, ...]) -> Any:
        """The row of ``table`` with ``key``, or ``None``: its columns, read-only (a prefetched
        row is a plain row, not an ORM object; to change a row, load it from the session)."""
        slot = (table, key)
        try:
            return self._rows[slot]
        except KeyError:
            row = self._session.get(table, (self._tenant_id, *key))
            self._rows[slot] = row
            return row

    def put(self, table: type[Base], key: tuple[str, ...], row: Any) -> None:
        """Remember ``row`` (written in this batch) as the row of ``table`` with ``key``."""
        self._rows[(table, key)] = row

    def document(self, doc_type: str, number: str) -> DocumentInfo | None:
        """What the checks need of a stored (or batched) document, or ``None``."""
        slot = (doc_type, number)
        if slot not in self._documents:
            self._load_documents([slot])
        return self._documents[slot]

    def put_document(self, info: DocumentInfo) -> None:
        """Remember a document written in this batch."""
        self._documents[(info.type, info.number)] = info

    def prefetch(self, records: Iterable[Record]) -> None:
        """Load every row ``records`` refer to: one query per table (and one for documents);
        on PostgreSQL all of them in one round trip."""
        wanted: dict[type[Base], set[tuple[str, ...]]] = {}
        documents: set[tuple[str, str]] = set()
        rows = self._rows
        for record in records:
            if isinstance(record, Document):
                needs = self._needs[id(record)] = document_needs(record)
                for table, key, _ in needs:
                    if (table, key) not in rows:
                        wanted.setdefault(table, set()).add(key)
            else:
                refs = self._refs[id(record)] = list(_refs(self._session, self._tenant_id, record))
                for ref in refs:
                    if (ref.table, ref.key) not in rows:
                        wanted.setdefault(ref.table, set()).add(ref.key)
            if isinstance(record, Document):
                task_keys = _task_keys(record)
                if task_keys:
                    wanted.setdefault(ta.AttributeRow, set()).update(task_keys)
                reversed_type = record.rule.reverses
                if record.reverses is not None and reversed_type is not None:
                    documents.add((reversed_type.value, record.reverses))
        slots = sorted(slot for slot in documents if slot not in self._documents)
        if self._session.get_bind().dialect.name == "postgresql":
            self._load_pipelined({table: sorted(keys) for table, keys in wanted.items()}, slots)
            return
        for table, keys in wanted.items():
            self._load(table, sorted(keys))
        self._load_documents(slots)

    def _load_pipelined(
        self, wanted: dict[type[Base], list[tuple[str, ...]]], slots: list[tuple[str, str]]
    ) -> None:
        """PostgreSQL: every query of :meth:`prefetch` sent at once (psycopg's pipeline mode),
        one round trip in all; the same SQL text each time, so psycopg prepares them."""
        if not wanted and not slots:
            return
        connection = self._session.connection()
        dialect = connection.dialect
        driver = connection.connection.driver_connection
        assert driver is not None
        tenant = self._tenant_id
        rows = self._rows
        sent: list[tuple[type[Base] | None, Any, _PgQuery]] = []
        error_type = dialect.loaded_dbapi.Error
        try:
            with driver.pipeline():
                for table, keys in wanted.items():
                    query = _pg_query(table, dialect)
                    for key in keys:
                        rows[(table, key)] = None
                    cursor = driver.cursor()
                    cursor.execute(query.sql, [tenant, *_columns(keys, query.width)])
                    sent.append((table, cursor, query))
                if slots:
                    for slot in slots:
                        self._documents[slot] = None
                    query = _pg_query(td.DocumentRow, dialect)
                    cursor = driver.cursor()
                    cursor.execute(query.sql, [tenant, *_columns(list(slots), 2)])
                    sent.append((None, cursor, query))
            for target, cursor, query in sent:
                found = query.rows(cursor)
                cursor.close()
                if target is None:
                    for row in found:
                        self.put_document(DocumentInfo(*row))
                    continue
                key_of = query.key_of
                for row in found:
                    rows[(target, key_of(row))] = row
        except error_type as error:  # as SQLAlchemy would raise it (OperationalError …)
            raise DBAPIError.instance(None, None, error, error_type) from error

    def _load(self, table: type[Base], keys: list[tuple[str, ...]]) -> None:
        query, key_of, single = _load_query(table)
        rows = self._rows
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            for key in chunk:
                rows[(table, key)] = None
            values = [key[0] for key in chunk] if single else chunk
            found = self._session.execute(query, {"tenant_id": self._tenant_id, "keys": values})
            for row in found:
                rows[(table, (key_of(row),) if single else key_of(row))] = row

    def _load_documents(self, slots: list[tuple[str, str]]) -> None:
        row = td.DocumentRow
        for start in range(0, len(slots), _CHUNK):
            chunk = slots[start : start + _CHUNK]
            for slot in chunk:
                self._documents[slot] = None
            query = select(
                row.type, row.number, row.status, row.customer_id, row.supplier_id
            ).where(row.tenant_id == self._tenant_id, tuple_(row.type, row.number).in_(chunk))
            for found in self._session.execute(query):
                self.put_document(DocumentInfo(*found))


@functools.cache
def _load_query(table: type[Base]) -> tuple[Any, Callable[[Any], Any], bool]:
    """The query of ``table``'s rows by key (plain rows: the checks only read them), how to
    read a row's key, and whether the key is a single column.

    Only the tables whose rows a check reads (:data:`_READ_BY_CHECKS`) are loaded whole; of
    the others, whose rows only need to exist, the key is enough.
    """
    core: Any = table.__table__
    columns = [c for c in core.primary_key.columns if c.name != "tenant_id"]
    single = len(columns) == 1
    keys: Any = bindparam("keys", expanding=True)
    selected = list(core.columns) if table in _READ_BY_CHECKS else columns
    query = select(*selected).where(
        core.c.tenant_id == bindparam("tenant_id"),
        columns[0].in_(keys) if single else tuple_(*columns).in_(keys),
    )
    positions = [selected.index(column) for column in columns]
    return query, operator.itemgetter(*positions), single


def _columns(keys: Sequence[tuple[str, ...]], width: int) -> list[list[str]]:
    """Keys as one list per key column (the arrays of ``unnest``)."""
    return [[key[index] for key in keys] for index in range(width)]


@dataclass
class _PgQuery:
    """A prefetch query in PostgreSQL's SQL: rows of one tenant by key, given as arrays."""

    sql: str
    #: the key's width
    width: int
    #: how to read a row's key
    key_of: Callable[[Any], tuple[str, ...]]
    #: the selected columns (SQLAlchemy's), for their types
    columns: list[Any]
    #: the rows' class (a named tuple: the checks read columns by name)
    make: Callable[[Any], Any]
    dialect: Any

    def rows(self, cursor: Any) -> list[Any]:
        """The cursor's rows, their values converted as SQLAlchemy would."""
        found = cursor.fetchall()
        codes = [column.type_code for column in cursor.description or ()]
        processors = [
            (index, processor)
            for index, (column, code) in enumerate(zip(self.columns, codes, strict=True))
            if (processor := column.type._cached_result_processor(self.dialect, code))
        ]
        if processors:
            converted = []
            for row in found:
                values = list(row)
                for index, processor in processors:
                    values[index] = processor(values[index])
                converted.append(values)
            found = converted
        return [self.make(row) for row in found]


_PG_QUERIES: dict[tuple[Any, str], _PgQuery] = {}


def _pg_query(table: Any, dialect: Any) -> _PgQuery:
    """The prefetch query of ``table`` (the columns :func:`_load_query` selects; documents: what
    :class:`DocumentInfo` holds), keys matched with ``unnest`` of one array per key column."""
    slot = (table, dialect.name)
    query = _PG_QUERIES.get(slot)
    if query is not None:
        return query
    core: Any = table.__table__
    if table is td.DocumentRow:
        keys = [core.c.type, core.c.number]
        selected = [core.c[name] for name in ("type", "number", "status")]
        selected += [core.c.customer_id, core.c.supplier_id]
    else:
        keys = [c for c in core.primary_key.columns if c.name != "tenant_id"]
        selected = list(core.columns) if table in _READ_BY_CHECKS else keys
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(column.name) for column in selected)
    arrays = ", ".join(["%s::text[]"] * len(keys))
    key_names = ", ".join(quote(column.name) for column in keys)
    sql = (
        f"SELECT {names} FROM {dialect.identifier_preparer.format_table(core)} "
        f"WHERE tenant_id = %s AND ({key_names}) IN (SELECT * FROM unnest({arrays}))"
    )
    positions = [selected.index(column) for column in keys]
    getter = operator.itemgetter(*positions)
    key_of: Callable[[Any], tuple[str, ...]] = (
        (lambda row: (getter(row),)) if len(positions) == 1 else getter
    )
    make: Callable[[Any], Any] = tuple
    if table in _READ_BY_CHECKS:
        row_class: Any = collections.namedtuple(  # type: ignore[misc]
            f"{core.name}_row", [column.key for column in selected]
        )
        make = row_class._make
    query = _PG_QUERIES[slot] = _PgQuery(sql, len(keys), key_of, selected, make, dialect)
    return query


#: the tables whose rows the checks read (a site's roles, a company's entity, a tax detail's
#: type, a task's project): a check on another table must add it here
_READ_BY_CHECKS: frozenset[type[Base]] = frozenset(
    {ts.SiteRow, ts.CompanyRow, tf.TaxDetailRow, ta.AttributeRow}
)


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What the checks need of a document another one reverses."""

    type: str
    number: str
    status: str
    customer_id: str | None
    supplier_id: str | None


_CHUNK = 500


def _task_keys(document: Document) -> set[tuple[str, ...]]:
    return {
        ("task", ref.id)
        for line in document.lines
        for ref in line.attributes
        if ref.type is an.AttributeTypeKind.TASK
    }


def find_issues(
    session: Session, tenant_id: str, record: Record, cache: RefCache | None = None
) -> list[FieldIssue]:
    """Every cross-record problem of ``record`` within ``tenant_id``.

    ``cache`` (one per batch) saves a query per reference; without it each is looked up.
    """
    rows = cache if cache is not None else RefCache(session, tenant_id)
    issues: list[FieldIssue] = []
    if isinstance(record, Document) and _all_met(rows, rows.needs(record)):
        # every reference holds (the common case): no need to say where each one sits
        issues.extend(_document_rules(record, rows))
        return issues
    for ref in rows.refs(record):
        row = rows.get(ref.table, ref.key)
        if row is None:
            shown = "/".join(ref.key)
            issues.append(
                FieldIssue(
                    ref.field, f"unknown {ref.label} {shown!r}; create it first or fix the ID"
                )
            )
            continue
        reason = ref.check(row) if ref.check is not None else None
        if reason is not None:
            issues.append(FieldIssue(ref.field, reason))
    issues.extend(_rules(session, tenant_id, record, rows))
    return issues


def _all_met(rows: RefCache, needs: set[Need]) -> bool:
    for table, key, check in needs:
        row = rows.get(table, key)
        if row is None or (check is not None and check(row) is not None):
            return False
    return True


@functools.cache
def _site_role(column: str, label: str) -> Check:
    return lambda row: None if getattr(row, column) else f"site {row.id!r} is not a {label}"


def _posting_class(kind: fi.PostingClassKind, field: str, pc_id: str | None) -> Iterator[Ref]:
    if pc_id is not None:
        key = (kind.value, pc_id)
        yield Ref(field, tf.PostingClassRow, key, f"{kind.value} posting class")


def _term(ledger: fi.Ledger, term_id: str | None) -> Iterator[Ref]:
    if term_id is not None:
        label = f"{ledger.value.upper()} payment term"
        yield Ref("payment_term_id", tf.PaymentTermRow, (ledger.value, term_id), label)


def _contacts(party: pa.Customer | pa.Supplier) -> Iterator[Ref]:
    if party.primary_contact is not None:
        yield Ref("primary_contact", tp.ContactRow, (party.primary_contact,), "contact")
    for index, name in enumerate(party.other_contacts):
        yield Ref(f"other_contacts[{index}]", tp.ContactRow, (name,), "contact")


def _entity_binding(site: Site) -> Check:
    def check(row: ts.CompanyRow) -> str | None:
        try:
            check_entity_binding(SPECS[Company].from_row(row), site)
        except ModelError as error:
            return f"{error.reason}; {error.fix}"
        return None

    return check


def _financial_site_of(company_id: str) -> Check:
    def check(row: ts.SiteRow) -> str | None:
        if not row.is_financial:
            return f"site {row.id!r} is not a financial site"
        if row.company_id != company_id:
            return f"financial site {row.id!r} belongs to company {row.company_id!r}"
        return None

    return check


@functools.cache
def _tax_type(want: fi.TaxType) -> Check:
    def check(row: tf.TaxDetailRow) -> str | None:
        if row.tax_type == want.value:
            return None
        return (
            f"tax detail {row.id!r} is for {row.tax_type}, not {want.value}; use a {want.value} tax"
        )

    return check


_ATTRIBUTE_TARGETS: dict[an.AttributeTypeKind, tuple[type[Base], str | None, str]] = {
    an.AttributeTypeKind.BUSINESS_SITE: (ts.SiteRow, "is_business", "business site"),
    an.AttributeTypeKind.FINANCIAL_SITE: (ts.SiteRow, "is_financial", "financial site"),
    an.AttributeTypeKind.STOCK_SITE: (ts.SiteRow, "is_stock", "stock site"),
    an.AttributeTypeKind.MANUFACTURING_SITE: (ts.SiteRow, "is_manufacturing", "manufacturing site"),
    an.AttributeTypeKind.CUSTOMER: (tp.CustomerRow, None, "customer"),
    an.AttributeTypeKind.SUPPLIER: (tp.SupplierRow, None, "supplier"),
    an.AttributeTypeKind.ITEM: (ti.ItemRow, None, "item"),
}


#: per attribute type: (field suffix, table, free value?, type value, label, check)
_LINE_ATTRIBUTES: dict[an.AttributeTypeKind, tuple[str, type[Base], bool, str, str, Any]] = {
    kind: (
        f".attributes.{kind.value}",
        ta.AttributeRow if kind in an.FREE_ATTRIBUTE_TYPES else _ATTRIBUTE_TARGETS[kind][0],
        kind in an.FREE_ATTRIBUTE_TYPES,
        kind.value,
        f"{kind.value} attribute"
        if kind in an.FREE_ATTRIBUTE_TYPES
        else _ATTRIBUTE_TARGETS[kind][2],
        None
        if kind in an.FREE_ATTRIBUTE_TYPES or _ATTRIBUTE_TARGETS[kind][1] is None
        else _site_role(str(_ATTRIBUTE_TARGETS[kind][1]), _ATTRIBUTE_TARGETS[kind][2]),
    )
    for kind in an.AttributeTypeKind
}


def _document_refs(document: Document) -> Iterator[Ref]:
    rule = document.rule
    if rule.priced:
        yield Ref("site_id", ts.SiteRow, (document.site_id,), "site")
    else:
        yield Ref(
            "site_id", ts.SiteRow, (document.site_id,), "site", _site_role("is_stock", "stock site")
        )
    if document.to_site_id is not None:
        yield Ref(
            "to_site_id",
            ts.SiteRow,
            (document.to_site_id,),
            "site",
            _site_role("is_stock", "stock site"),
        )
    if document.customer_id is not None:
        yield Ref("customer_id", tp.CustomerRow, (document.customer_id,), "customer")
    if document.supplier_id is not None:
        yield Ref("supplier_id", tp.SupplierRow, (document.supplier_id,), "supplier")
    ledger = fi.Ledger.AR if rule.party is Party.CUSTOMER else fi.Ledger.AP
    yield from _term(ledger, document.payment_term_id)
    if document.tax_solution_id is not None:
        yield Ref("tax_solution_id", tf.TaxSolutionRow, (document.tax_solution_id,), "tax solution")
    tax_type = fi.TaxType.SALES if rule.party is Party.CUSTOMER else fi.TaxType.PURCHASE
    for index, line in enumerate(document.lines):
        at = f"lines[{index}]"
        yield Ref(f"{at}.item_id", ti.ItemRow, (line.item_id,), "item")
        if line.tax_detail_id is not None:
            yield Ref(
                f"{at}.tax_detail_id",
                tf.TaxDetailRow,
                (line.tax_detail_id,),
                "tax detail",
                _tax_type(tax_type),
            )
        if line.account_id is not None:
            yield Ref(f"{at}.account_id", tf.AccountRow, (line.account_id,), "account")
        for ref in line.attributes:
            suffix, table, free, kind, label, check = _LINE_ATTRIBUTES[ref.type]
            key = (kind, ref.id) if free else (ref.id,)
            yield Ref(at + suffix, table, key, label, check)
        for dim in line.dimensions:
            yield Ref(
                f"{at}.dimensions.{dim.type}",
                ta.DimensionRow,
                (dim.type, dim.id),
                f"{dim.type} dimension",
            )


def document_needs(document: Document) -> set[Need]:
    """The rows ``document`` refers to and their checks: :func:`_document_refs` without the
    field each reference sits in (so a document whose references all hold is checked without
    naming them), each row once."""
    rule = document.rule
    needs: set[Need] = set()
    add = needs.add
    stock = _site_role("is_stock", "stock site")
    add((ts.SiteRow, (document.site_id,), None if rule.priced else stock))
    if document.to_site_id is not None:
        add((ts.SiteRow, (document.to_site_id,), stock))
    if document.customer_id is not None:
        add((tp.CustomerRow, (document.customer_id,), None))
    if document.supplier_id is not None:
        add((tp.SupplierRow, (document.supplier_id,), None))
    if document.payment_term_id is not None:
        ledger = fi.Ledger.AR if rule.party is Party.CUSTOMER else fi.Ledger.AP
        add((tf.PaymentTermRow, (ledger.value, document.payment_term_id), None))
    if document.tax_solution_id is not None:
        add((tf.TaxSolutionRow, (document.tax_solution_id,), None))
    tax_check = _tax_type(fi.TaxType.SALES if rule.party is Party.CUSTOMER else fi.TaxType.PURCHASE)
    attribute_needs = _ATTRIBUTE_NEEDS
    dimension_row = ta.DimensionRow
    for line in document.lines:
        add((ti.ItemRow, (line.item_id,), None))
        if line.tax_detail_id is not None:
            add((tf.TaxDetailRow, (line.tax_detail_id,), tax_check))
        if line.account_id is not None:
            add((tf.AccountRow, (line.account_id,), None))
        for ref in line.attributes:
            table, free, kind, check = attribute_needs[ref.type]
            add((table, (kind, ref.id) if free else (ref.id,), check))
        for dim in line.dimensions:
            add((dimension_row, (dim.type, dim.id), None))
    return needs


#: per attribute type: (table, free value?, type value, check), as in :data:`_LINE_ATTRIBUTES`
_ATTRIBUTE_NEEDS = {
    kind: (table, free, value, check)
    for kind, (_, table, free, value, _, check) in _LINE_ATTRIBUTES.items()
}


def _refs(session: Session, tenant_id: str, record: Record) -> Iterator[Ref]:
    match record:
        case Site():
            yield Ref(
                "company_id",
                ts.CompanyRow,
                (record.company_id,),
                "company",
                _entity_binding(record),
            )
            if record.financial_site_id is not None:
                yield Ref(
                    "financial_site_id",
                    ts.SiteRow,
                    (record.financial_site_id,),
                    "site",
                    _financial_site_of(record.company_id),
                )
        case pa.Customer():
            yield from _term(fi.Ledger.AR, record.payment_term_id)
            yield from _posting_class(
                fi.PostingClassKind.CUSTOMER, "posting_class_id", record.posting_class_id
            )
            yield from _contacts(record)
        case pa.Supplier():
            yield from _term(fi.Ledger.AP, record.payment_term_id)
            yield from _posting_class(
                fi.PostingClassKind.SUPPLIER, "posting_class_id", record.posting_class_id
            )
            yield from _contacts(record)
        case Item():
            yield from _posting_class(
                fi.PostingClassKind.ITEM, "posting_class_id", record.posting_class_id
            )
        case fi.Account():
            for index, dim in enumerate(record.required_dimension_types):
                yield Ref(
                    f"required_dimension_types[{index}]",
                    ta.DimensionTypeRow,
                    (dim,),
                    "dimension type",
                )
        case fi.TaxDetail():
            if record.tax_solution_id is not None:
                yield Ref(
                    "tax_solution_id", tf.TaxSolutionRow, (record.tax_solution_id,), "tax solution"
                )
            if record.account_id is not None:
                yield Ref("account_id", tf.AccountRow, (record.account_id,), "account")
            yield from _posting_class(
                fi.PostingClassKind.TAX, "posting_class_id", record.posting_class_id
            )
        case fi.BankAccount():
            yield Ref("account_id", tf.AccountRow, (record.account_id,), "account")
            if record.financial_site_id is not None:
                yield Ref(
                    "financial_site_id",
                    ts.SiteRow,
                    (record.financial_site_id,),
                    "site",
                    _site_role("is_financial", "financial site"),
                )
        case fi.PostingClass():
            for index, line in enumerate(record.lines):
                yield Ref(
                    f"lines[{index}].account_id", tf.AccountRow, (line.account_id,), "account"
                )
        case an.Attribute():
            if record.restricted_to is not None:
                yield Ref(
                    "restricted_to",
                    ta.AttributeRow,
                    ("project", record.restricted_to),
                    "project attribute",
                )
            if record.site_id is not None:
                yield Ref("site_id", ts.SiteRow, (record.site_id,), "site")
            if record.item_id is not None:
                yield Ref("item_id", ti.ItemRow, (record.item_id,), "item")
        case an.Dimension():
            yield Ref("type_id", ta.DimensionTypeRow, (record.type_id,), "dimension type")
        case Document():
            yield from _document_refs(record)
        case _:
            return


def _rules(
    session: Session, tenant_id: str, record: Record, rows: RefCache
) -> Iterator[FieldIssue]:
    """Rules that look at more than one referenced row."""
    if isinstance(record, an.DimensionType):
        taken = session.scalars(
            select(ta.DimensionTypeRow.id).where(
                ta.DimensionTypeRow.tenant_id == tenant_id,
                ta.DimensionTypeRow.slot == record.slot,
                ta.DimensionTypeRow.id != record.id,
            )
        ).first()
        if taken is not None:
            yield FieldIssue(
                "slot",
                f"slot {record.slot} already holds dimension type {taken!r}; "
                f"pick a free slot from 1 to {an.MAX_DIMENSION_TYPES}",
            )
    if isinstance(record, Document):
        yield from _document_rules(document=record, rows=rows)


def _document_rules(document: Document, rows: RefCache) -> Iterator[FieldIssue]:
    rule = document.rule
    if document.reverses is not None and rule.reverses is not None:
        original = rows.document(rule.reverses.value, document.reverses)
        label = rule.reverses.value.replace("_", " ")
        if original is None:
            yield FieldIssue("reverses", f"unknown {label} {document.reverses!r}; fix the number")
        elif original.status != DocumentStatus.POSTED.value:
            yield FieldIssue(
                "reverses",
                f"{label} {document.reverses!r} is not posted; post it before reversing it",
            )
        elif (original.customer_id, original.supplier_id) != (
            document.customer_id,
            document.supplier_id,
        ):
            yield FieldIssue(
                "reverses",
                f"{label} {document.reverses!r} is for another party; reverse it with the same one",
            )
    for index, line in enumerate(document.lines):
        refs = {ref.type: ref.id for ref in line.attributes}
        task = refs.get(an.AttributeTypeKind.TASK)
        if task is None:
            continue
        row = rows.get(ta.AttributeRow, ("task", task))
        project = refs.get(an.AttributeTypeKind.PROJECT)
        if row is not None and project is not None and row.restricted_to != project:
            yield FieldIssue(
                f"lines[{index}].attributes.task",
                f"task {task!r} belongs to project {row.restricted_to!r}, not {project!r}; "
                "fix the task or the project",
            )
