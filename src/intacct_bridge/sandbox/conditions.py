"""Smart Event conditions and merge fields.

Conditions are small expressions over merge fields, as in Intacct::

    1 == 1
    {!GLACCOUNT.STATUS!} == "active" && {!GLACCOUNT.ACCOUNTNO!} != "9999"
    {!ARINVOICE.TOTALDUE!} > 3000.00
    {!SODOCUMENT.MEGAENTITYID!}==400

Merge fields ``{!OBJECT.FIELD!}`` (dots for nested paths) are replaced by the record's
values. Operators: ``== != < <= > >= && || !`` and parentheses; literals are numbers,
quoted strings and ``true``/``false``. Numbers compare numerically when both sides are
numbers, otherwise as text. Anything else is a :class:`ConditionError` — nothing here
ever calls ``eval``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

MERGE_FIELD = re.compile(r"\{!\s*([A-Za-z0-9_]+)\.([A-Za-z0-9_.]+)\s*!\}")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>==|!=|<=|>=|&&|\|\||[<>!()])
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
MAX_LENGTH = 4000

Lookup = Callable[[str, str], str]


class ConditionError(ValueError):
    """The condition cannot be parsed or evaluated."""


def merge(template: str, lookup: Lookup) -> str:
    """Replace every ``{!OBJECT.FIELD!}`` in ``template`` with its value."""
    return MERGE_FIELD.sub(lambda m: lookup(m.group(1).upper(), m.group(2).upper()), template)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ConditionError(
                f"Unexpected text at position {position}: {text[position:][:20]!r}"
            )
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


Value = Decimal | str | bool


def _number(value: Value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def _compare(op: str, left: Value, right: Value) -> bool:
    a, b = _number(left), _number(right)
    if a is not None and b is not None:
        pair: tuple[Value, Value] = (a, b)
    else:
        pair = (
            str(left).lower() if isinstance(left, bool) else str(left),
            str(right).lower() if isinstance(right, bool) else str(right),
        )
    x, y = pair
    if op == "==":
        return x == y
    if op == "!=":
        return x != y
    try:
        if op == "<":
            return x < y  # type: ignore[operator]
        if op == "<=":
            return x <= y  # type: ignore[operator]
        if op == ">":
            return x > y  # type: ignore[operator]
        return x >= y  # type: ignore[operator]
    except TypeError:
        raise ConditionError(f"Cannot compare {x!r} {op} {y!r}") from None


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ConditionError("The condition ends too early.")
        self.index += 1
        return token

    def parse(self) -> Value:
        value = self.disjunction()
        if self.peek() is not None:
            raise ConditionError(f"Unexpected {self.peek()[1]!r}.")  # type: ignore[index]
        return value

    def disjunction(self) -> Value:
        value = self.conjunction()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.conjunction()
            value = _truth(value) or _truth(right)
        return value

    def conjunction(self) -> Value:
        value = self.comparison()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.comparison()
            value = _truth(value) and _truth(right)
        return value

    def comparison(self) -> Value:
        left = self.unary()
        token = self.peek()
        if (
            token is not None
            and token[0] == "op"
            and token[1] in ("==", "!=", "<", "<=", ">", ">=")
        ):
            self.take()
            return _compare(token[1], left, self.unary())
        return left

    def unary(self) -> Value:
        if self.peek() == ("op", "!"):
            self.take()
            return not _truth(self.unary())
        return self.atom()

    def atom(self) -> Value:
        kind, text = self.take()
        if kind == "number":
            return Decimal(text)
        if kind == "string":
            return re.sub(r"\\(.)", r"\1", text[1:-1])
        if kind == "word":
            lowered = text.lower()
            if lowered in ("true", "false"):
                return lowered == "true"
            raise ConditionError(f"Unknown name {text!r}; quote text values.")
        if text == "(":
            self.depth += 1
            if self.depth > 32:
                raise ConditionError("The condition nests too deeply.")
            value = self.disjunction()
            if self.take() != ("op", ")"):
                raise ConditionError("Missing ')'.")
            self.depth -= 1
            return value
        raise ConditionError(f"Unexpected {text!r}.")


def _truth(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value != 0
    return value not in ("", "false", "0")


def evaluate(condition: str, lookup: Lookup) -> bool:
    """Evaluate ``condition`` with merge fields resolved by ``lookup(object, field)``.

    An empty condition is true.
    """
    if not condition.strip():
        return True
    if len(condition) > MAX_LENGTH:
        raise ConditionError("The condition is too long.")
    quoted = MERGE_FIELD.sub(
        lambda m: _quote(lookup(m.group(1).upper(), m.group(2).upper())), condition
    )
    return _truth(_Parser(_tokens(quoted)).parse())
