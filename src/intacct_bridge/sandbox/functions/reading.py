"""Paged reads: readByQuery + readMore (database codes) and query (display values)."""

from __future__ import annotations

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
    object_of,
    visible,
)
from intacct_bridge.sandbox.queryfilter import (
    aggregate,
    compile_filter,
    parse_orderby,
    parse_select,
    sort_rows,
)
from intacct_bridge.sandbox.querylang import FieldKind, Getter, QueryError, compile_where
from intacct_bridge.sandbox.records import value_of, write_record
from intacct_bridge.sandbox.schema import FieldSpec, ObjectType
from intacct_bridge.sandbox.store import Record

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


def _kind_of(otype: ObjectType, ctx: Context) -> object:
    visible_paths = {spec.path: spec for spec in otype.visible_fields(ctx.modules)}

    def kind_of(path: str) -> FieldKind:
        spec = visible_paths.get(path)
        if spec is None:
            raise KeyError(path)
        return _KINDS.get(spec.kind, "text")

    return kind_of


def _check_fields(otype: ObjectType, ctx: Context, names: frozenset[str] | set[str]) -> None:
    known = {spec.path for spec in otype.visible_fields(ctx.modules)}
    for name in sorted(names):
        if name != "ROWNUM" and name not in known:
            raise errors.query_error(f"Unknown field '{name}' for object {otype.name}.")


def _pagesize(element: etree._Element, default: int, maximum: int) -> int:
    text = child_text(element, "pagesize")
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= maximum:
        raise errors.schema_function_error(
            f"pagesize must be a whole number from 1 to {maximum}; got '{text}'."
        )
    return int(text)


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


def _code_getter(ctx: Context, otype: ObjectType, record: Record) -> Getter:
    specs: dict[str, FieldSpec] = {spec.path: spec for spec in otype.fields}

    def get(path: str) -> str | None:
        value = value_of(ctx, otype, record, path)
        spec = specs.get(path)
        if spec is not None and value and spec.kind in ("enum", "boolean"):
            return spec.code_of(value)
        return value or None

    return get


def _display_getter(ctx: Context, otype: ObjectType, record: Record) -> Getter:
    def get(path: str) -> str | None:
        return value_of(ctx, otype, record, path) or None

    return get


@register("readByQuery")
def read_by_query(ctx: Context, element: etree._Element) -> Outcome:
    otype = object_of(ctx, element)
    _return_format(element, "returnFormat")
    pagesize = _pagesize(element, READ_BY_QUERY_DEFAULT, READ_BY_QUERY_MAX)
    wanted = field_list(child_text(element, "fields"))
    if wanted is not None:
        _check_fields(otype, ctx, {name.split(".", 1)[0] for name in wanted if "." not in name})
    try:
        where = compile_where(child_text(element, "query"))
    except QueryError as exc:
        raise errors.query_error(str(exc)) from None
    _check_fields(otype, ctx, where.fields)
    kind_of = _kind_of(otype, ctx)
    table = ctx.company.data.table(otype.name)
    matched: list[int] = []
    rownum = 0
    try:
        for record in table.records.values():
            if not visible(ctx, record):
                continue
            rownum += 1
            if where.matches(_code_getter(ctx, otype, record), kind_of, rownum):  # type: ignore[arg-type]
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
    if cursor is None:
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
    pagesize = _pagesize(element, QUERY_DEFAULT, QUERY_MAX)
    offset_text = child_text(element, "offset") or "0"
    if not offset_text.isdigit():
        raise errors.schema_function_error(
            f"offset must be a whole number ≥ 0; got '{offset_text}'."
        )
    offset = int(offset_text)
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
    try:
        rows = [
            record
            for record in table.records.values()
            if visible(ctx, record) and flt.matches(_display_getter(ctx, otype, record), kind_of)  # type: ignore[arg-type]
        ]
        if order:
            rows = sort_rows(
                rows,
                order,
                lambda r: _display_getter(ctx, otype, r),
                kind_of,  # type: ignore[arg-type]
            )
        if select.aggregates:
            grouped = aggregate(rows, select, lambda r: _display_getter(ctx, otype, r), kind_of)  # type: ignore[arg-type]
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
            etree.SubElement(element, name).text = value
    return Outcome(data=data)
