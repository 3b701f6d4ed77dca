"""The XML language of the newer ``query`` function: ``<filter>``, ``<select>``, ``<orderby>``.

A ``<filter>`` holds exactly one condition. A condition is either an operator with a
``<field>`` and its ``<value>`` elements, or an ``<and>`` / ``<or>`` group of two or more
conditions (groups nest)::

    <filter>
      <and>
        <equalto><field>STATE</field><value>Posted</value></equalto>
        <between><field>WHENDUE</field><value>01/24/2022</value><value>02/24/2022</value></between>
        <or>
          <in><field>DEPARTMENTID</field><value>04</value><value>05</value></in>
          <isnull><field>DEPARTMENTID</field></isnull>
        </or>
      </and>
    </filter>

========================  ==========  =====================================================
operator                  values      meaning
========================  ==========  =====================================================
equalto, notequalto       1           ``=``, ``!=``
lessthan, ...orequalto    1           ``<``, ``<=``
greaterthan, ...orequalto 1           ``>``, ``>=``
between                   2           low <= field <= high (both included)
in, notin                 1 to 1000   membership
like, notlike             1           ``%`` = any run, ``_`` = one character
isnull, isnotnull         0           null test (an empty value is null)
========================  ==========  =====================================================

Child order inside an operator is free (the XSD uses ``xs:all``); comments are ignored.
Values are compared by field kind exactly as in :mod:`~intacct_bridge.sandbox.querylang`
(numbers as Decimal, dates chronologically, text case-sensitively, SQL null semantics).
With ``<caseinsensitive>true</caseinsensitive>`` text comparisons, ``in`` and ``like``
ignore case. Unlike ``readByQuery``, filters use display values (``Posted``, ``active``);
the caller supplies values in whatever form the filter should see.

``<select>`` is mandatory and lists ``<field>`` elements plus the aggregates ``<count>``,
``<avg>``, ``<min>``, ``<max>``, ``<sum>``; with aggregates, rows are grouped by the plain
fields and each aggregate becomes a key such as ``COUNT.RECORDNO``. ``<orderby>`` holds
``<order><field/>[<ascending/>|<descending/>]</order>`` items; sorting is stable and, as a
documented choice of this sandbox, **nulls sort before every value** (first when ascending,
last when descending). Oracle's own default would put nulls last when ascending.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from typing import Any, TypeVar

from lxml import etree

from intacct_bridge.sandbox.querylang import (
    MAX_NESTING_DEPTH,
    AllOf,
    AnyOf,
    Between,
    Comparison,
    Condition,
    FieldKind,
    Getter,
    InList,
    IsNull,
    KindOf,
    Like,
    QueryError,
    key_function,
    resolve_kind,
)

__all__ = [
    "AGGREGATE_FUNCTIONS",
    "MAX_FILTER_CONDITIONS",
    "MAX_IN_VALUES",
    "Filter",
    "Select",
    "aggregate",
    "aggregate_kind_of",
    "compile_filter",
    "parse_orderby",
    "parse_select",
    "sort_rows",
]

T = TypeVar("T")

#: Most ``<value>`` elements allowed in one ``<in>`` / ``<notin>``.
MAX_IN_VALUES = 1000
#: Most operators and groups allowed in one filter (a guard against absurd requests).
MAX_FILTER_CONDITIONS = 10_000
#: The aggregate elements of ``<select>``, in the order they are documented.
AGGREGATE_FUNCTIONS = ("count", "avg", "min", "max", "sum")

_FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")

_COMPARISONS = {
    "equalto": "=",
    "notequalto": "!=",
    "lessthan": "<",
    "lessthanorequalto": "<=",
    "greaterthan": ">",
    "greaterthanorequalto": ">=",
}
# operator -> (fewest values, most values)
_VALUE_COUNTS: dict[str, tuple[int, int]] = {
    **dict.fromkeys(_COMPARISONS, (1, 1)),
    "between": (2, 2),
    "in": (1, MAX_IN_VALUES),
    "notin": (1, MAX_IN_VALUES),
    "like": (1, 1),
    "notlike": (1, 1),
    "isnull": (0, 0),
    "isnotnull": (0, 0),
}

# Oracle NUMBER carries 38 significant digits; sums and averages are computed at that precision.
_DECIMAL_CONTEXT = Context(prec=38)


# --------------------------------------------------------------------------------------
# XML helpers
# --------------------------------------------------------------------------------------


def _show(text: str, limit: int = 40) -> str:
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"'{text}'"


def _check_no_text(text: str | None, where: str, what: str) -> None:
    if text is not None and text.strip():
        raise QueryError(f"Invalid {what}: unexpected text {_show(text.strip())} in <{where}>.")


def _elements(el: etree._Element, what: str) -> list[etree._Element]:
    """Element children of ``el``, skipping comments; stray text is an error."""
    tag = str(el.tag)
    _check_no_text(el.text, tag, what)
    children = []
    for child in el:
        _check_no_text(child.tail, tag, what)
        if isinstance(child.tag, str):
            children.append(child)
    return children


def _leaf_text(el: etree._Element, what: str) -> str:
    """Text content of a ``<field>`` / ``<value>``-like element (comments are skipped)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            raise QueryError(f"Invalid {what}: <{el.tag}> must contain text, not <{child.tag}>.")
        parts.append(child.tail or "")
    return "".join(parts)


def _field_name(el: etree._Element, what: str) -> str:
    text = _leaf_text(el, what).strip()
    if not text:
        raise QueryError(f"Invalid {what}: <{el.tag}> is empty; it must name a field.")
    if _FIELD_RE.fullmatch(text) is None:
        raise QueryError(f"Invalid {what}: {_show(text)} is not a valid field name.")
    return text.upper()


# --------------------------------------------------------------------------------------
# Filter
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """A compiled ``<filter>``; ``fields`` lists every field it reads (upper-case)."""

    fields: frozenset[str]
    condition: Condition | None = None
    _bound: list[tuple[KindOf, Callable[[Getter], bool]]] = field(
        default_factory=list, compare=False, repr=False
    )

    def bind(self, kind_of: KindOf) -> Callable[[Getter], bool]:
        """Resolve kinds and values once; return ``get -> bool`` for a hot loop.

        Raises QueryError for an unknown field or a value that does not fit its field.
        """
        cached = self._bound
        if cached and cached[0][0] == kind_of:
            return cached[0][1]
        matcher = _match_all if self.condition is None else _row_matcher(self.condition, kind_of)
        cached[:] = [(kind_of, matcher)]
        return matcher

    def matches(self, get: Getter, kind_of: KindOf) -> bool:
        """Whether the row read by ``get`` satisfies the filter (binds on first use)."""
        return self.bind(kind_of)(get)


def _match_all(get: Getter) -> bool:
    return True


def _row_matcher(condition: Condition, kind_of: KindOf) -> Callable[[Getter], bool]:
    pred = condition.bind(kind_of)

    def row_matcher(get: Getter) -> bool:
        return pred(get) is True

    return row_matcher


class _FilterBuilder:
    def __init__(self, case_insensitive: bool) -> None:
        self._ci = case_insensitive
        self._count = 0

    def condition(self, el: etree._Element, depth: int) -> Condition:
        self._count += 1
        if self._count > MAX_FILTER_CONDITIONS:
            raise QueryError(
                f"Invalid filter: more than {MAX_FILTER_CONDITIONS} conditions in one filter."
            )
        tag = el.tag
        if tag in ("and", "or"):
            return self._group(el, tag, depth)
        counts = _VALUE_COUNTS.get(tag) if isinstance(tag, str) else None
        if counts is None:
            raise QueryError(f"Invalid filter: unknown operator <{tag}>.")
        return self._operator(el, tag, counts)

    def _group(self, el: etree._Element, tag: str, depth: int) -> Condition:
        if depth >= MAX_NESTING_DEPTH:
            raise QueryError(
                f"Invalid filter: <and>/<or> groups are nested more than "
                f"{MAX_NESTING_DEPTH} levels deep."
            )
        children = _elements(el, "filter")
        if len(children) < 2:
            raise QueryError(
                f"Invalid filter: <{tag}> needs at least 2 conditions, found {len(children)}."
            )
        parts = tuple(self.condition(child, depth + 1) for child in children)
        return AllOf(parts) if tag == "and" else AnyOf(parts)

    def _operator(self, el: etree._Element, tag: str, counts: tuple[int, int]) -> Condition:
        names: list[str] = []
        values: list[str] = []
        for child in _elements(el, "filter"):
            if child.tag == "field":
                names.append(_field_name(child, "filter"))
            elif child.tag == "value" and counts[1] > 0:
                values.append(_leaf_text(child, "filter"))
            else:
                allowed = "<field>" if counts[1] == 0 else "<field> and <value>"
                raise QueryError(
                    f"Invalid filter: unexpected <{child.tag}> in <{tag}>; it takes {allowed} only."
                )
        if len(names) != 1:
            raise QueryError(
                f"Invalid filter: <{tag}> needs exactly one <field>, found {len(names)}."
            )
        low, high = counts
        if not low <= len(values) <= high:
            wanted = f"exactly {low}" if low == high else f"{low} to {high}"
            raise QueryError(
                f"Invalid filter: <{tag}> needs {wanted} <value> element"
                f"{'' if wanted == 'exactly 1' else 's'}, found {len(values)}."
            )
        name, ci = names[0], self._ci
        if tag in _COMPARISONS:
            return Comparison(name, _COMPARISONS[tag], values[0], ci)
        if tag == "between":
            return Between(name, values[0], values[1], ci)
        if tag in ("in", "notin"):
            return InList(name, tuple(values), tag == "notin", ci)
        if tag in ("like", "notlike"):
            return Like(name, values[0], tag == "notlike", ci)
        return IsNull(name, tag == "isnotnull")


def compile_filter(filter_el: etree._Element | None, *, case_insensitive: bool) -> Filter:
    """Compile a ``<filter>`` element; ``None`` (no filter) matches every row.

    Raises QueryError when the filter does not hold exactly one condition, an operator is
    unknown or has the wrong ``<field>`` / ``<value>`` elements, a group has fewer than two
    conditions, or groups are nested deeper than the limit.
    """
    if filter_el is None:
        return Filter(frozenset())
    children = _elements(filter_el, "filter")
    if len(children) != 1:
        raise QueryError(
            f"Invalid filter: <{filter_el.tag}> must contain exactly one condition "
            f"(use <and> or <or> to combine them), found {len(children)}."
        )
    condition = _FilterBuilder(case_insensitive).condition(children[0], 0)
    return Filter(frozenset(condition.field_names()), condition)


# --------------------------------------------------------------------------------------
# Select and aggregates
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Select:
    """The parsed ``<select>``: plain fields and ``(function, field)`` aggregates."""

    fields: tuple[str, ...]
    aggregates: tuple[tuple[str, str], ...] = ()

    @property
    def referenced(self) -> frozenset[str]:
        """Every field named in the select, for validation by the caller."""
        return frozenset(self.fields) | {name for _, name in self.aggregates}

    @property
    def output_keys(self) -> tuple[str, ...]:
        """Column names of the result: the fields, then e.g. ``COUNT.RECORDNO``."""
        return self.fields + tuple(f"{func.upper()}.{name}" for func, name in self.aggregates)


def parse_select(select_el: etree._Element | None) -> Select:
    """Parse ``<select>``; duplicates are dropped, the first occurrence keeps its place.

    Raises QueryError when the element is missing or names nothing ("select is
    mandatory"), or holds anything other than ``<field>`` and the aggregate elements.
    """
    mandatory = "Invalid select: select is mandatory; returning all fields is not supported."
    if select_el is None:
        raise QueryError(mandatory)
    fields: dict[str, None] = {}
    aggregates: dict[tuple[str, str], None] = {}
    for child in _elements(select_el, "select"):
        if child.tag == "field":
            fields[_field_name(child, "select")] = None
        elif child.tag in AGGREGATE_FUNCTIONS:
            aggregates[(str(child.tag), _field_name(child, "select"))] = None
        else:
            raise QueryError(
                f"Invalid select: unexpected <{child.tag}>; use <field>, <count>, <avg>, "
                "<min>, <max> or <sum>."
            )
    if not fields and not aggregates:
        raise QueryError(mandatory)
    return Select(tuple(fields), tuple(aggregates))


def aggregate_kind_of(select: Select, kind_of: KindOf) -> KindOf:
    """A KindOf that also knows the aggregate keys, e.g. to sort :func:`aggregate` output.

    ``COUNT.X``, ``SUM.X`` and ``AVG.X`` are numbers; ``MIN.X`` / ``MAX.X`` have X's kind.
    """
    kinds: dict[str, FieldKind] = {}
    for func, name in select.aggregates:
        key = f"{func.upper()}.{name}"
        kinds[key] = kind_of(name) if func in ("min", "max") else "number"

    def kind(name: str) -> FieldKind:
        found = kinds.get(name)
        return kind_of(name) if found is None else found

    return kind


def _format_decimal(value: Decimal) -> str:
    """Plain notation without trailing zeros or float artifacts (``4.50`` -> ``4.5``)."""
    if value.is_zero():
        return "0"
    value = value.normalize(_DECIMAL_CONTEXT)
    if abs(value.adjusted()) > 100:  # keep absurd magnitudes from making huge strings
        return str(value)
    return format(value, "f")


_UNREADABLE = object()  # a stored value that cannot be read as its field's kind


class _Accumulator:
    """Running state of one aggregate within one group.

    ``add`` receives a non-null stored text and its parsed key (or ``_UNREADABLE``).
    """

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    def add(self, text: str, key: Any) -> None:
        self.count += 1

    def result(self) -> str:
        return str(self.count)


class _Total(_Accumulator):
    __slots__ = ("average", "total")

    def __init__(self, average: bool) -> None:
        super().__init__()
        self.average = average
        self.total = Decimal(0)

    def add(self, text: str, key: Any) -> None:
        if key is not _UNREADABLE:
            self.count += 1
            self.total = _DECIMAL_CONTEXT.add(self.total, key)

    def result(self) -> str:
        if self.count == 0:
            return ""
        if self.average:
            return _format_decimal(_DECIMAL_CONTEXT.divide(self.total, Decimal(self.count)))
        return _format_decimal(self.total)


class _Extreme(_Accumulator):
    __slots__ = ("best", "best_key", "maximum")

    def __init__(self, maximum: bool) -> None:
        super().__init__()
        self.maximum = maximum
        self.best = ""
        self.best_key: Any = None

    def add(self, text: str, key: Any) -> None:
        if key is _UNREADABLE:
            return
        if self.count == 0 or (key > self.best_key if self.maximum else key < self.best_key):
            self.best, self.best_key = text, key
        self.count += 1

    def result(self) -> str:
        return self.best


def _new_accumulator(func: str) -> _Accumulator:
    if func in ("sum", "avg"):
        return _Total(average=func == "avg")
    if func in ("min", "max"):
        return _Extreme(maximum=func == "max")
    return _Accumulator()


def aggregate(
    rows: Iterable[T],
    select: Select,
    get_of: Callable[[T], Getter],
    kind_of: KindOf,
) -> list[dict[str, str]]:
    """Evaluate the select over ``rows``; one dict per output row, keyed by ``output_keys``.

    With aggregates, rows are grouped by the plain select fields (values equal by kind,
    so ``1.0`` and ``1`` share a group; groups appear in first-seen order, showing the first
    row's text). ``count`` counts non-null values; ``sum`` / ``avg`` need number fields and
    are computed in Decimal; ``min`` / ``max`` compare by kind and return the stored text.
    Stored values unreadable as their kind are skipped by all but ``count``. An aggregate
    over no values is ``""`` (null), except ``count`` which is ``"0"``. Without plain fields
    there is always exactly one output row, even for no input rows. Without aggregates there
    is no grouping: one dict per input row, nulls as ``""``.

    Raises QueryError for an unknown field, ``sum``/``avg`` of a non-number field, or a
    numeric overflow.
    """
    group_names = select.fields
    group_kinds = [resolve_kind(kind_of, name) for name in group_names]
    group_parsers = [key_function(kind) for kind in group_kinds]
    plain_groups = all(kind in ("text", "boolean") for kind in group_kinds)

    # Each aggregated field is read and parsed once per row, then fed to its accumulators.
    columns: dict[str, tuple[Callable[[str], Any] | None, list[int]]] = {}
    for index, (func, name) in enumerate(select.aggregates):
        kind = resolve_kind(kind_of, name)
        if func in ("sum", "avg") and kind != "number":
            raise QueryError(
                f"Invalid select: <{func}> needs a number field; {name} is a {kind} field."
            )
        parser, slots = columns.get(name, (None, []))
        if func != "count":
            parser = key_function(kind)
        columns[name] = (parser, [*slots, index])
    plan = [(name, parser, tuple(slots)) for name, (parser, slots) in columns.items()]
    funcs = [func for func, _ in select.aggregates]

    if not plan:
        return [
            {name: get(name) or "" for name in group_names} for get in (get_of(row) for row in rows)
        ]

    groups: dict[tuple[Any, ...], tuple[list[str], list[_Accumulator]]] = {}
    if not group_names:
        groups[()] = ([], [_new_accumulator(f) for f in funcs])
    try:
        for row in rows:
            get = get_of(row)
            shown = [get(name) or "" for name in group_names]
            group_id = (
                tuple(shown) if plain_groups else tuple(map(_group_key, shown, group_parsers))
            )
            group = groups.get(group_id)
            if group is None:
                group = (shown, [_new_accumulator(f) for f in funcs])
                groups[group_id] = group
            accumulators = group[1]
            for name, parser, targets in plan:
                text = get(name)
                if not text:
                    continue
                parsed: Any = None
                if parser is not None:
                    try:
                        parsed = parser(text)
                    except ValueError:
                        parsed = _UNREADABLE
                for slot in targets:
                    accumulators[slot].add(text, parsed)
        return [
            dict(zip(select.output_keys, [*shown, *(a.result() for a in accs)], strict=True))
            for shown, accs in groups.values()
        ]
    except ArithmeticError:
        raise QueryError("Invalid select: numeric overflow while aggregating.") from None


def _group_key(text: str, key: Callable[[str], Any]) -> Any:
    if not text:
        return None
    try:
        return (0, key(text))
    except ValueError:
        return (1, text)


# --------------------------------------------------------------------------------------
# Order by
# --------------------------------------------------------------------------------------


def parse_orderby(orderby_el: etree._Element | None) -> tuple[tuple[str, bool], ...]:
    """Parse ``<orderby>`` into ``(field, descending)`` pairs; ``None`` means no order.

    Each ``<order>`` needs one ``<field>`` and at most one of ``<ascending/>`` /
    ``<descending/>`` (ascending when neither is given).
    """
    if orderby_el is None:
        return ()
    order: list[tuple[str, bool]] = []
    for item in _elements(orderby_el, "orderby"):
        if item.tag != "order":
            raise QueryError(
                f"Invalid orderby: unexpected <{item.tag}>; <orderby> holds <order> elements."
            )
        names: list[str] = []
        directions: list[bool] = []
        for child in _elements(item, "orderby"):
            if child.tag == "field":
                names.append(_field_name(child, "orderby"))
            elif child.tag in ("ascending", "descending"):
                if _elements(child, "orderby"):
                    raise QueryError(f"Invalid orderby: <{child.tag}/> must be empty.")
                directions.append(child.tag == "descending")
            else:
                raise QueryError(
                    f"Invalid orderby: unexpected <{child.tag}> in <order>; "
                    "use <field> with <ascending/> or <descending/>."
                )
        if len(names) != 1:
            raise QueryError(
                f"Invalid orderby: <order> needs exactly one <field>, found {len(names)}."
            )
        if len(directions) > 1:
            raise QueryError(
                "Invalid orderby: <order> takes at most one of <ascending/> or <descending/>."
            )
        order.append((names[0], bool(directions and directions[0])))
    return tuple(order)


def sort_rows(
    rows: Sequence[T],
    order: Sequence[tuple[str, bool]],
    get_of: Callable[[T], Getter],
    kind_of: KindOf,
    *,
    case_insensitive: bool = False,
) -> list[T]:
    """Return ``rows`` sorted by ``order`` (``(field, descending)`` pairs, first is primary).

    Values sort by kind (numbers numerically, dates chronologically, text by code point,
    folded to lower case when ``case_insensitive``). The sort is stable. Nulls, and stored
    values unreadable as their kind, come first when ascending and last when descending.
    Raises QueryError for an unknown field.
    """
    keys = [key_function(resolve_kind(kind_of, name), case_insensitive) for name, _ in order]
    result = list(rows)
    if not order or len(result) < 2:
        return result
    getters = [get_of(row) for row in result]
    indices = list(range(len(result)))
    for (name, descending), key in zip(reversed(order), reversed(keys), strict=True):
        sort_keys = [_sort_key(get(name), key) for get in getters]
        indices.sort(key=sort_keys.__getitem__, reverse=descending)
    return [result[i] for i in indices]


def _sort_key(text: str | None, key: Callable[[str], Any]) -> tuple[Any, ...]:
    if not text:
        return (0,)
    try:
        return (1, key(text))
    except ValueError:
        return (0,)
