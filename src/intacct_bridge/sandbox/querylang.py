"""The legacy ``readByQuery`` query-string language, and the condition tree it compiles to.

``readByQuery`` takes a SQL-like condition in its ``<query>`` element::

    STATUS = 'T' AND (VENDORID LIKE 'V1%' OR TOTALDUE >= 100.5) AND NOT (NAME IS NULL)

Grammar (keywords and field names are case-insensitive; field names are upper-cased)::

    condition := conjunct ( OR conjunct )*            -- AND binds tighter than OR
    conjunct  := negation ( AND negation )*
    negation  := NOT negation | '(' condition ')' | predicate
    predicate := field ( cmp literal
                       | [NOT] LIKE literal
                       | [NOT] IN '(' literal ( ',' literal )* ')'
                       | IS [NOT] NULL )
    cmp       := '=' | '!=' | '<>' | '<' | '<=' | '>' | '>='
    literal   := 'quoted text' | 12 | -4.50 | 1e3
    field     := NAME ( '.' NAME )*  |  rownum

Strings are single-quoted; ``\\'`` (the Intacct SDK form) and ``''`` (the SQL form) both
stand for an apostrophe and ``\\\\`` for a backslash; any other backslash is kept as is.
``rownum`` is a pseudo-field: the caller passes each row's 1-based position in the object's
natural order. An empty query matches every row.

Evaluation follows SQL:

* Values are compared by the field's kind: ``number`` as :class:`~decimal.Decimal`,
  ``date`` / ``datetime`` chronologically (``MM/DD/YYYY`` and ``MM/DD/YYYY HH:MM:SS``;
  ISO ``YYYY-MM-DD[ HH:MM:SS]`` is accepted too; a date is midnight of that day), and
  ``text`` / ``boolean`` as case-sensitive text (the caller hands database codes such as
  ``'T'``). ``LIKE`` always works on the text, with ``%`` (any run) and ``_`` (one character).
* A null (``None`` or ``""``) makes every predicate *unknown* except ``IS [NOT] NULL``, and
  unknown propagates through ``NOT`` / ``AND`` / ``OR`` (three-valued logic), so neither
  ``X = 'a'`` nor ``NOT (X = 'a')`` nor ``X NOT IN ('a')`` matches a row where ``X`` is null.
  A stored value that cannot be read as the field's kind is treated the same way.

Compile once with :func:`compile_where`, then test rows with :meth:`Where.matches` (or
:meth:`Where.bind` for a hot loop). Literals are checked against field kinds when the
condition is first bound, so a bad literal (``RECORDNO = 'abc'``) raises :class:`QueryError`
on the first match, or earlier if the caller calls :meth:`Where.bind` itself.

The condition tree (:class:`Condition` and its subclasses) is shared with
:mod:`intacct_bridge.sandbox.queryfilter`, which builds the same tree from ``<filter>`` XML.
"""

from __future__ import annotations

import operator
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Literal, TypeAlias

from intacct_bridge.sandbox.values import parse_datetime

__all__ = [
    "MAX_NESTING_DEPTH",
    "MAX_QUERY_LENGTH",
    "ROWNUM",
    "AllOf",
    "AnyOf",
    "Between",
    "Comparison",
    "Condition",
    "FieldKind",
    "Getter",
    "InList",
    "IsNull",
    "KindOf",
    "Like",
    "Negation",
    "Predicate",
    "QueryError",
    "Where",
    "compile_where",
    "key_function",
    "parse_datetime",
    "parse_number",
    "resolve_kind",
]

Getter: TypeAlias = Callable[[str], "str | None"]
"""Field name (upper-case, possibly dotted) -> stored value as text; ``None`` or ``""`` is null."""
FieldKind: TypeAlias = Literal["text", "number", "date", "datetime", "boolean"]
KindOf: TypeAlias = Callable[[str], FieldKind]
"""Field name -> kind; raises :class:`KeyError` for an unknown field."""
Predicate: TypeAlias = Callable[[Getter], "bool | None"]
"""A bound condition: ``True`` / ``False``, or ``None`` for SQL's *unknown*."""

#: Longest accepted query string, in characters.
MAX_QUERY_LENGTH = 100_000
#: Deepest accepted nesting of parentheses, ``NOT`` and (in filters) ``and`` / ``or`` groups.
MAX_NESTING_DEPTH = 64
#: The pseudo-field that holds a row's 1-based position.
ROWNUM = "ROWNUM"

_KINDS: frozenset[str] = frozenset({"text", "number", "date", "datetime", "boolean"})
_TEXT_KINDS: frozenset[str] = frozenset({"text", "boolean"})


class QueryError(Exception):
    """A query or filter is malformed, or refers to something it cannot use.

    ``message`` is a human-readable sentence in the style of Intacct's ``description2``.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _show(text: str, limit: int = 40) -> str:
    """Quote user text for an error message, shortened so messages stay readable."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"'{text}'"


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")


def parse_number(text: str) -> Decimal:
    """Read a plain decimal number (``12``, ``-4.50``, ``1e3``); raise ValueError otherwise."""
    if _NUMBER_RE.fullmatch(text) is None:
        raise ValueError(text)
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid numbers
        raise ValueError(text) from exc


def _identity(text: str) -> str:
    return text


def _lower(text: str) -> str:
    return text.lower()


def key_function(kind: FieldKind, case_insensitive: bool = False) -> Callable[[str], Any]:
    """The function that turns a stored text value into a comparable key for ``kind``.

    The function raises ValueError when the text is not a valid value of that kind.
    """
    if kind == "number":
        return parse_number
    if kind in ("date", "datetime"):
        return parse_datetime
    return _lower if case_insensitive else _identity


def resolve_kind(kind_of: KindOf, name: str) -> FieldKind:
    """Ask ``kind_of`` for a field's kind, turning an unknown field into a QueryError."""
    try:
        kind = kind_of(name)
    except KeyError:
        raise QueryError(f"Unknown field {name}.") from None
    if kind not in _KINDS:
        raise QueryError(f"Field {name} has an unsupported kind {kind!r}.")
    return kind


def _literal(kind: FieldKind, key: Callable[[str], Any], text: str, name: str) -> Any:
    try:
        return key(text)
    except ValueError:
        raise QueryError(f"Invalid value {_show(text)} for {kind} field {name}.") from None


# --------------------------------------------------------------------------------------
# LIKE
# --------------------------------------------------------------------------------------


def _segment_regex(segment: str) -> re.Pattern[str]:
    return re.compile("".join("." if ch == "_" else re.escape(ch) for ch in segment), re.DOTALL)


class _LikeMatcher:
    """Matches a LIKE pattern without backtracking.

    The pattern is split on ``%`` into fixed-length segments (``_`` = any one character);
    the first segment must match at the start, the last at the end, and the middle ones are
    found left to right, each as early as possible. That greedy scan is exact for this kind
    of pattern and runs in O(len(value) * len(pattern)), whatever the input.
    """

    __slots__ = ("_first", "_last", "_lengths", "_middle", "_single")

    def __init__(self, pattern: str) -> None:
        segments = pattern.split("%")
        self._single = len(segments) == 1
        self._first = _segment_regex(segments[0])
        self._last = _segment_regex(segments[-1])
        self._middle = tuple(_segment_regex(s) for s in segments[1:-1] if s)
        self._lengths = (len(segments[0]), len(segments[-1]))

    def __call__(self, value: str) -> bool:
        if self._single:
            return self._first.fullmatch(value) is not None
        head, tail = self._lengths
        end = len(value) - tail
        if end < head:
            return False
        if self._first.match(value) is None or self._last.match(value, end) is None:
            return False
        pos = head
        for segment in self._middle:
            found = segment.search(value, pos, end)
            if found is None:
                return False
            pos = found.end()
        return True


# --------------------------------------------------------------------------------------
# Condition tree
# --------------------------------------------------------------------------------------

_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class Condition(ABC):
    """A node of a compiled condition (shared by readByQuery and the ``query`` filter)."""

    __slots__ = ()

    @abstractmethod
    def field_names(self) -> Iterator[str]:
        """Every field the condition reads (may repeat)."""

    @abstractmethod
    def bind(self, kind_of: KindOf) -> Predicate:
        """Resolve field kinds and literals once; return a fast three-valued predicate."""


@dataclass(frozen=True, slots=True)
class Comparison(Condition):
    """``field <op> value`` where op is one of ``= != < <= > >=``."""

    field: str
    op: str
    value: str
    case_insensitive: bool = False

    def field_names(self) -> Iterator[str]:
        yield self.field

    def bind(self, kind_of: KindOf) -> Predicate:
        name, test = self.field, _COMPARATORS[self.op]
        kind = resolve_kind(kind_of, name)
        key = key_function(kind, self.case_insensitive)
        literal = _literal(kind, key, self.value, name)
        if key is _identity:

            def compare_text(get: Getter) -> bool | None:
                value = get(name)
                return test(value, literal) if value else None

            return compare_text

        def compare(get: Getter) -> bool | None:
            value = get(name)
            if not value:
                return None
            try:
                return test(key(value), literal)
            except ValueError:
                return None

        return compare


@dataclass(frozen=True, slots=True)
class Between(Condition):
    """``low <= field <= high`` (both ends included)."""

    field: str
    low: str
    high: str
    case_insensitive: bool = False

    def field_names(self) -> Iterator[str]:
        yield self.field

    def bind(self, kind_of: KindOf) -> Predicate:
        name = self.field
        kind = resolve_kind(kind_of, name)
        key = key_function(kind, self.case_insensitive)
        low = _literal(kind, key, self.low, name)
        high = _literal(kind, key, self.high, name)

        def between(get: Getter) -> bool | None:
            value = get(name)
            if not value:
                return None
            try:
                k = key(value)
            except ValueError:
                return None
            return bool(low <= k <= high)

        return between


@dataclass(frozen=True, slots=True)
class InList(Condition):
    """``field [NOT] IN (values...)``."""

    field: str
    values: tuple[str, ...]
    negated: bool = False
    case_insensitive: bool = False

    def field_names(self) -> Iterator[str]:
        yield self.field

    def bind(self, kind_of: KindOf) -> Predicate:
        name, negated = self.field, self.negated
        kind = resolve_kind(kind_of, name)
        key = key_function(kind, self.case_insensitive)
        members = frozenset(_literal(kind, key, v, name) for v in self.values)

        def member(get: Getter) -> bool | None:
            value = get(name)
            if not value:
                return None
            try:
                k = key(value)
            except ValueError:
                return None
            return (k in members) != negated

        return member


@dataclass(frozen=True, slots=True)
class Like(Condition):
    """``field [NOT] LIKE pattern`` on the text of the value."""

    field: str
    pattern: str
    negated: bool = False
    case_insensitive: bool = False

    def field_names(self) -> Iterator[str]:
        yield self.field

    def bind(self, kind_of: KindOf) -> Predicate:
        name, negated, fold = self.field, self.negated, self.case_insensitive
        resolve_kind(kind_of, name)
        matcher = _LikeMatcher(self.pattern.lower() if fold else self.pattern)

        def like(get: Getter) -> bool | None:
            value = get(name)
            if not value:
                return None
            return matcher(value.lower() if fold else value) != negated

        return like


@dataclass(frozen=True, slots=True)
class IsNull(Condition):
    """``field IS [NOT] NULL``; an empty string counts as null."""

    field: str
    negated: bool = False

    def field_names(self) -> Iterator[str]:
        yield self.field

    def bind(self, kind_of: KindOf) -> Predicate:
        name, negated = self.field, self.negated
        resolve_kind(kind_of, name)

        def is_null(get: Getter) -> bool | None:
            return (not get(name)) != negated

        return is_null


def _junction(preds: tuple[Predicate, ...], *, decisive: bool) -> Predicate:
    """SQL's three-valued ``AND`` (``decisive`` False) or ``OR`` (``decisive`` True): the
    first part that comes out ``decisive`` decides; otherwise unknown if a part is."""

    def junction(get: Getter) -> bool | None:
        result: bool | None = not decisive
        for pred in preds:
            outcome = pred(get)
            if outcome is decisive:
                return decisive
            if outcome is None:
                result = None
        return result

    return junction


@dataclass(frozen=True, slots=True)
class _Junction(Condition):
    """Two or more conditions joined by :class:`AllOf`'s ``AND`` or :class:`AnyOf`'s ``OR``."""

    parts: tuple[Condition, ...]
    #: the outcome of a part that decides the whole (see :func:`_junction`)
    DECISIVE: ClassVar[bool]

    def field_names(self) -> Iterator[str]:
        for part in self.parts:
            yield from part.field_names()

    def bind(self, kind_of: KindOf) -> Predicate:
        parts = tuple(part.bind(kind_of) for part in self.parts)
        return _junction(parts, decisive=self.DECISIVE)


@dataclass(frozen=True, slots=True)
class AllOf(_Junction):
    """SQL ``AND`` over two or more conditions."""

    DECISIVE: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class AnyOf(_Junction):
    """SQL ``OR`` over two or more conditions."""

    DECISIVE: ClassVar[bool] = True


@dataclass(frozen=True, slots=True)
class Negation(Condition):
    """SQL ``NOT``; unknown stays unknown."""

    part: Condition

    def field_names(self) -> Iterator[str]:
        return self.part.field_names()

    def bind(self, kind_of: KindOf) -> Predicate:
        pred = self.part.bind(kind_of)

        def negation(get: Getter) -> bool | None:
            outcome = pred(get)
            return None if outcome is None else not outcome

        return negation


# --------------------------------------------------------------------------------------
# Tokenizer and parser
# --------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
    | (?P<str>'(?:[^'\\]|\\.|'')*')
    | (?P<num>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<op><=|>=|<>|!=|=|<|>)
    | (?P<punct>[(),])
    """,
    re.VERBOSE | re.DOTALL,
)
_UNESCAPE_RE = re.compile(r"\\(['\\])|''")
_KEYWORDS = frozenset({"AND", "OR", "NOT", "LIKE", "IN", "IS", "NULL"})

_TokenKind: TypeAlias = Literal["str", "num", "name", "kw", "op", "punct", "end"]


@dataclass(frozen=True, slots=True)
class _Token:
    kind: _TokenKind
    value: str  # unescaped text for str, upper-case for name/kw, the symbol for op/punct
    pos: int  # 1-based column
    raw: str

    def describe(self) -> str:
        if self.kind == "end":
            return "the end of the query"
        if self.kind == "str":
            raw = self.raw if len(self.raw) <= 40 else self.raw[:36] + "...'"
            return f"string {raw}"
        if self.kind == "num":
            return f"number {_show(self.raw)[1:-1]}"
        return _show(self.raw)


def _unescape(body: str) -> str:
    return _UNESCAPE_RE.sub(lambda m: m.group(1) or "'", body)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos, size = 0, len(text)
    while pos < size:
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            if text[pos] == "'":
                raise QueryError(
                    f"Invalid query: unterminated string starting at position {pos + 1}."
                )
            raise QueryError(
                f"Invalid query: unexpected character {_show(text[pos])} at position {pos + 1}."
            )
        group, raw = m.lastgroup, m.group()
        if group == "str":
            tokens.append(_Token("str", _unescape(raw[1:-1]), pos + 1, raw))
        elif group == "num":
            tokens.append(_Token("num", raw, pos + 1, raw))
        elif group == "name":
            upper = raw.upper()
            tokens.append(_Token("kw" if upper in _KEYWORDS else "name", upper, pos + 1, raw))
        elif group == "op":
            tokens.append(_Token("op", "!=" if raw == "<>" else raw, pos + 1, raw))
        elif group == "punct":
            tokens.append(_Token("punct", raw, pos + 1, raw))
        pos = m.end()
    tokens.append(_Token("end", "", size + 1, ""))
    return tokens


class _Parser:
    """Recursive-descent parser over the token list; nesting is capped, chains are loops."""

    def __init__(self, tokens: list[_Token]) -> None:
        self._tokens = tokens
        self._index = 0

    # -- token helpers -----------------------------------------------------------------

    def _peek(self) -> _Token:
        return self._tokens[self._index]

    def _next(self) -> _Token:
        token = self._tokens[self._index]
        if token.kind != "end":
            self._index += 1
        return token

    def _at_keyword(self, word: str) -> bool:
        token = self._peek()
        return token.kind == "kw" and token.value == word

    def _expect_keyword(self, word: str, after: str) -> None:
        token = self._next()
        if token.kind != "kw" or token.value != word:
            raise self._error(f"expected {word} after {after}", token)

    def _expect_punct(self, symbol: str, context: str) -> None:
        token = self._next()
        if token.kind != "punct" or token.value != symbol:
            raise self._error(f"expected '{symbol}' {context}", token)

    @staticmethod
    def _error(what: str, token: _Token) -> QueryError:
        where = "" if token.kind == "end" else f" at position {token.pos}"
        return QueryError(f"Invalid query: {what} but found {token.describe()}{where}.")

    # -- grammar -----------------------------------------------------------------------

    def parse(self) -> Condition:
        condition = self._condition(0)
        token = self._peek()
        if token.kind != "end":
            if token.kind == "punct" and token.value == ")":
                raise QueryError(f"Invalid query: unbalanced ')' at position {token.pos}.")
            raise QueryError(
                f"Invalid query: unexpected {token.describe()} at position {token.pos}; "
                "conditions must be joined with AND or OR."
            )
        return condition

    def _condition(self, depth: int) -> Condition:
        parts = [self._conjunct(depth)]
        while self._at_keyword("OR"):
            self._next()
            parts.append(self._conjunct(depth))
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def _conjunct(self, depth: int) -> Condition:
        parts = [self._negation(depth)]
        while self._at_keyword("AND"):
            self._next()
            parts.append(self._negation(depth))
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def _negation(self, depth: int) -> Condition:
        if depth >= MAX_NESTING_DEPTH:
            raise QueryError(
                f"Invalid query: conditions are nested more than {MAX_NESTING_DEPTH} levels deep."
            )
        token = self._peek()
        if token.kind == "kw" and token.value == "NOT":
            self._next()
            return Negation(self._negation(depth + 1))
        if token.kind == "punct" and token.value == "(":
            self._next()
            inner = self._condition(depth + 1)
            self._expect_punct(")", f"to close the '(' at position {token.pos}")
            return inner
        return self._predicate()

    def _predicate(self) -> Condition:
        token = self._next()
        if token.kind != "name":
            raise self._error("expected a field name", token)
        name = token.value
        op = self._next()
        if op.kind == "op":
            return Comparison(name, op.value, self._literal(f"{op.raw} for {name}"))
        if op.kind == "kw":
            if op.value == "IS":
                negated = self._at_keyword("NOT")
                if negated:
                    self._next()
                self._expect_keyword("NULL", f"IS{' NOT' if negated else ''}")
                return IsNull(name, negated)
            negated = op.value == "NOT"
            verb = self._next() if negated else op
            if verb.kind == "kw" and verb.value == "LIKE":
                return Like(name, self._literal(f"LIKE for {name}"), negated)
            if verb.kind == "kw" and verb.value == "IN":
                return InList(name, self._value_list(name), negated)
            if negated:
                raise self._error(f"expected LIKE or IN after {name} NOT", verb)
        raise self._error(
            f"expected an operator (=, !=, <>, <, <=, >, >=, LIKE, IN, IS) after {name}", op
        )

    def _literal(self, context: str) -> str:
        token = self._next()
        if token.kind not in ("str", "num"):
            raise self._error(f"expected a quoted string or a number after {context}", token)
        return token.value

    def _value_list(self, name: str) -> tuple[str, ...]:
        self._expect_punct("(", f"after IN for {name}")
        if self._peek().kind == "punct" and self._peek().value == ")":
            raise QueryError(f"Invalid query: the IN list for {name} is empty.")
        values = [self._literal(f"IN for {name}")]
        while True:
            token = self._next()
            if token.kind == "punct" and token.value == ")":
                return tuple(values)
            if token.kind != "punct" or token.value != ",":
                raise self._error(f"expected ',' or ')' in the IN list for {name}", token)
            values.append(self._literal(f"',' in the IN list for {name}"))


# --------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """A compiled ``readByQuery`` condition.

    ``fields`` lists the real fields the query reads (upper-case, without ``ROWNUM``) so the
    caller can check them against the object before evaluating anything.
    """

    fields: frozenset[str]
    condition: Condition | None = None
    uses_rownum: bool = False
    _bound: list[tuple[KindOf, Callable[[Getter, int], bool]]] = field(
        default_factory=list, compare=False, repr=False
    )

    def bind(self, kind_of: KindOf) -> Callable[[Getter, int], bool]:
        """Resolve kinds and literals once; return ``(get, rownum) -> bool`` for a hot loop.

        Raises QueryError for an unknown field or a literal that does not fit its field.
        """
        cached, original = self._bound, kind_of
        if cached and cached[0][0] == kind_of:
            return cached[0][1]
        if self.uses_rownum:
            kind_of = _with_rownum_kind(kind_of)
        matcher = _make_row_matcher(self.condition, kind_of, self.uses_rownum)
        cached[:] = [(original, matcher)]
        return matcher

    def matches(self, get: Getter, kind_of: KindOf, rownum: int) -> bool:
        """Whether the row read by ``get`` (at 1-based position ``rownum``) matches.

        The first call with a given ``kind_of`` binds the condition; later calls reuse it.
        """
        return self.bind(kind_of)(get, rownum)


def _with_rownum_kind(kind_of: KindOf) -> KindOf:
    def kind_with_rownum(name: str) -> FieldKind:
        return "number" if name == ROWNUM else kind_of(name)

    return kind_with_rownum


def _match_all(get: Getter, rownum: int) -> bool:
    return True


def _make_row_matcher(
    condition: Condition | None, kind_of: KindOf, uses_rownum: bool
) -> Callable[[Getter, int], bool]:
    if condition is None:
        return _match_all
    pred = condition.bind(kind_of)
    if not uses_rownum:

        def row_matcher(get: Getter, rownum: int) -> bool:
            return pred(get) is True

        return row_matcher

    def row_matcher_with_rownum(get: Getter, rownum: int) -> bool:
        position = str(rownum)

        def get_with_rownum(name: str) -> str | None:
            return position if name == ROWNUM else get(name)

        return pred(get_with_rownum) is True

    return row_matcher_with_rownum


def compile_where(text: str | None) -> Where:
    """Parse a ``readByQuery`` query string; ``""`` (or only whitespace) matches every row.

    Raises QueryError for a syntax error, a query longer than :data:`MAX_QUERY_LENGTH`
    characters, or nesting deeper than :data:`MAX_NESTING_DEPTH`.
    """
    if text is None:
        return Where(frozenset())
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"Invalid query: the query is {len(text)} characters long; "
            f"the maximum is {MAX_QUERY_LENGTH}."
        )
    if not text.strip():
        return Where(frozenset())
    condition = _Parser(_tokenize(text)).parse()
    names = set(condition.field_names())
    uses_rownum = ROWNUM in names
    names.discard(ROWNUM)
    return Where(frozenset(names), condition, uses_rownum)
