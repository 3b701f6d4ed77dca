"""Paged reads: readByQuery + readMore (database codes) and query (display values)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from lxml import etree

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.backend import Cursor
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.functions import Outcome, register
from intacct_bridge.sandbox.functions.common import (
    child,
    child_text,
    data_element,
    field_list,
    listed,
    object_of,
)
from intacct_bridge.sandbox.queryfilter import (
    aggregate,
    compile_filter,
    parse_orderby,
    parse_select,
    sort_rows,
)
from intacct_bridge.sandbox.querylang import FieldKind, Getter, KindOf, QueryError, compile_where
from intacct_bridge.sandbox.records import value_of, write_record
from intacct_bridge.sandbox.schema import FieldSpec, ObjectType
from intacct_bridge.sandbox.store import Record
from intacct_bridge.sandbox.values import whole_number

READ_BY_QUERY_MAX = 1000
READ_BY_QUERY_DEFAULT = 100
QUERY_MAX = 2000
QUERY_DEFAULT = 100

_KINDS: dict[str, FieldKind] = {
    "integer": "number",
    "decimal": "number",
    "date": "date",
    "datetime": "datetime",
}


def _kind_of(otype: ObjectType, ctx: Context) -> KindOf:
    index = otype.views(ctx.modules).index

    def kind_of(path: str) -> FieldKind:
        spec = index.get(path)
        if spec is None:
            raise KeyError(path)
        return _KINDS.get(spec.kind, "text")

    return kind_of


def _check_fields(
    otype: ObjectType, ctx: Context, names: frozenset[str] | set[str], *, groups: bool = False
) -> None:
    """Refuse names that are not fields of ``otype`` (``groups``: group names are fine)."""
    views = otype.views(ctx.modules)
    for name in sorted(names):
        if name in views.index or name == "ROWNUM" or (groups and name in views.groups):
            continue
        if groups and otype.collection(name) is not None:
            continue
        raise errors.query_error(f"Unknown field '{name}' for object {otype.name}.")


def _pagesize(element: etree._Element, default: int, maximum: int) -> int:
    text = child_text(element, "pagesize")
    if not text:
        return default
    number = whole_number(text)
    if number is None or not 1 <= number <= maximum:
        raise errors.schema_function_error(
            f"pagesize must be a whole number from 1 to {maximum}; got '{text[:40]}'."
        )
    return number


def _return_format(element: etree._Element, name: str) -> None:
    fmt = child_text(element, name).lower()
    if fmt and fmt != "xml":
        raise errors.business_error(
            f"returnFormat '{fmt}' is not supported by the sandbox.",
            "Use returnFormat xml (the sandbox does not emit json or csv).",
        )


def _page(
    ctx: Context, otype: ObjectType, cursor: Cursor, table_records: dict[int, Record]
) -> Outcome:
    start = cursor.position
    numbers = cursor.recordnos[start : start + cursor.pagesize]
    cursor.position = start + len(numbers)
    remaining = len(cursor.recordnos) - cursor.position
    wanted = set(cursor.fields) if cursor.fields is not None else None
    tag = otype.name.lower()
    rows = [table_records[n] for n in numbers if n in table_records]
    result_id = cursor.result_id if remaining > 0 else ""
    data = data_element(
        tag,
        len(rows),
        totalcount=str(len(cursor.recordnos)),
        numremaining=str(remaining),
        resultId=result_id,
    )
    for record in rows:
        write_record(data, tag, otype, record, ctx, wanted)
    if remaining > 0:
        cursor.expires_at = ctx.now + timedelta(seconds=ctx.backend.settings.cursor_ttl_seconds)
        ctx.backend.open_cursor(cursor)
    else:
        ctx.backend.cursors.pop(cursor.result_id, None)
    return Outcome(data=data)


def _plain(record: Record) -> Getter:
    return record.values.get


def _code_reader(
    ctx: Context, otype: ObjectType, fields: Iterable[str]
) -> Callable[[Record], Getter]:
    """Per-row getters that give database codes (``T``, ``NI``) for enums and booleans.

    Built once per request for the ``fields`` the condition reads; when none of them is
    computed or coded, a row's getter is simply its stored values' ``get``.
    """
    coded: dict[str, FieldSpec] = {
        spec.path: spec
        for spec in otype.visible_fields(ctx.modules)
        if spec.kind in ("enum", "boolean") and spec.path in fields
    }
    computed = _computed(otype)
    if not coded and computed.isdisjoint(fields):
        return _plain

    def reader(record: Record) -> Getter:
        values = record.values

        def get(path: str) -> str | None:
            if path in computed:
                value = value_of(ctx, otype, record, path)
            else:
                value = values.get(path, "")
            if not value:
                return None
            spec = coded.get(path)
            return spec.code_of(value) if spec is not None else value

        return get

    return reader


def _display_reader(
    ctx: Context, otype: ObjectType, fields: Iterable[str]
) -> Callable[[Record], Getter]:
    """Per-row getters that give stored display values (``active``, ``Non-Inventory``)."""
    computed = _computed(otype)
    if computed.isdisjoint(fields):
        return _plain

    def reader(record: Record) -> Getter:
        values = record.values

        def get(path: str) -> str | None:
            if path in computed:
                return value_of(ctx, otype, record, path) or None
            return values.get(path) or None

        return get

    return reader


#: Fields whose value is computed rather than stored (see ``records.value_of``).
_COMPUTED = frozenset({"RECORDNO", "MEGAENTITYKEY", "MEGAENTITYID", "MEGAENTITYNAME", "RECORD_URL"})


def _computed(otype: ObjectType) -> frozenset[str]:
    return _COMPUTED | {spec.path for spec in otype.fields if spec.via is not None}


@register("readByQuery")
def read_by_query(ctx: Context, element: etree._Element) -> Outcome:
    otype = object_of(ctx, element)
    _return_format(element, "returnFormat")
    pagesize = _pagesize(element, READ_BY_QUERY_DEFAULT, READ_BY_QUERY_MAX)
    wanted = field_list(child_text(element, "fields"))
    if wanted is not None:
        _check_fields(otype, ctx, wanted, groups=True)
    try:
        where = compile_where(child_text(element, "query"))
    except QueryError as exc:
        raise errors.query_error(str(exc)) from None
    _check_fields(otype, ctx, where.fields)
    table = ctx.company.data.table(otype.name)
    matched: list[int] = []
    rownum = 0
    reader = _code_reader(ctx, otype, where.fields)
    try:
        matches = where.bind(_kind_of(otype, ctx))
        for record in table.records.values():
            if not listed(ctx, record, True):
                continue
            rownum += 1
            if matches(reader(record), rownum):
                matched.append(record.recordno)
    except QueryError as exc:
        raise errors.query_error(str(exc)) from None
    cursor = Cursor(
        result_id=ctx.backend.token(16),
        company_id=ctx.company.company_id,
        object_name=otype.name,
        recordnos=matched,
        fields=tuple(sorted(wanted)) if wanted is not None else None,
        pagesize=pagesize,
        position=0,
        expires_at=ctx.now,
        location_id=ctx.location_id,
    )
    return _page(ctx, otype, cursor, table.records)


@register("readMore")
def read_more(ctx: Context, element: etree._Element) -> Outcome:
    result_id = child_text(element, "resultId")
    if not result_id:
        for alternative in ("object", "view", "reportId"):
            if child_text(element, alternative):
                raise errors.business_error(
                    f"readMore by {alternative} is not supported by the sandbox.",
                    "Use readMore with the resultId of the previous page.",
                )
        raise errors.invalid_result_id("")
    cursor = ctx.backend.live_cursor(result_id, ctx.company.company_id)
    if cursor is None or cursor.location_id != ctx.location_id:
        raise errors.invalid_result_id(result_id)
    from intacct_bridge.sandbox import objects

    otype = objects.resolve(ctx.company, cursor.object_name)
    if otype is None:  # pragma: no cover - module switched off mid-read
        raise errors.invalid_result_id(result_id)
    table = ctx.company.data.table(otype.name)
    return _page(ctx, otype, cursor, table.records)


def _option(element: etree._Element | None, name: str) -> bool:
    if element is None:
        return False
    return child_text(element, name).lower() == "true"


@register("query")
def query(ctx: Context, element: etree._Element) -> Outcome:
    otype = object_of(ctx, element)
    options = child(element, "options")
    if options is not None:
        _return_format(options, "returnformat")
    case_insensitive = _option(options, "caseinsensitive")
    show_private = _option(options, "showprivate")
    pagesize = _pagesize(element, QUERY_DEFAULT, QUERY_MAX)
    offset_text = child_text(element, "offset") or "0"
    offset_number = whole_number(offset_text)
    if offset_number is None:
        raise errors.schema_function_error(
            f"offset must be a whole number ≥ 0; got '{offset_text[:40]}'."
        )
    offset = offset_number
    kind_of = _kind_of(otype, ctx)
    try:
        select = parse_select(child(element, "select"))
        flt = compile_filter(child(element, "filter"), case_insensitive=case_insensitive)
        order = parse_orderby(child(element, "orderby"))
    except QueryError as exc:
        raise errors.query_error(str(exc)) from None
    referenced = set(select.fields) | {f for _fn, f in select.aggregates} | set(flt.fields)
    referenced |= {f for f, _desc in order}
    _check_fields(otype, ctx, referenced)
    table = ctx.company.data.table(otype.name)
    reader = _display_reader(ctx, otype, referenced)
    try:
        matches = flt.bind(kind_of)
        rows = [
            record
            for record in table.records.values()
            if listed(ctx, record, show_private) and matches(reader(record))
        ]
        if order:
            rows = sort_rows(rows, order, reader, kind_of, case_insensitive=case_insensitive)
        if select.aggregates:
            grouped = aggregate(rows, select, reader, kind_of)
            return _query_out(otype, grouped, offset, pagesize)
    except QueryError as exc:
        raise errors.query_error(str(exc)) from None
    page = rows[offset : offset + pagesize]
    flat = [{path: value_of(ctx, otype, record, path) for path in select.fields} for record in page]
    return _query_out(otype, flat, offset, pagesize, total=len(rows), rows_in_page=True)


def _query_out(
    otype: ObjectType,
    rows: list[dict[str, str]],
    offset: int,
    pagesize: int,
    *,
    total: int | None = None,
    rows_in_page: bool = False,
) -> Outcome:
    if not rows_in_page:
        total = len(rows)
        rows = rows[offset : offset + pagesize]
    assert total is not None
    remaining = max(total - offset - len(rows), 0)
    data = etree.Element("data")
    data.set("listtype", otype.name)
    data.set("totalcount", str(total))
    data.set("offset", str(offset))
    data.set("count", str(len(rows)))
    data.set("numremaining", str(remaining))
    for row in rows:
        element = etree.SubElement(data, otype.name)
        for name, value in row.items():
            tag = otype.output_name(name) if otype.field(name) is not None else name
            etree.SubElement(element, tag).text = value
    return Outcome(data=data)
