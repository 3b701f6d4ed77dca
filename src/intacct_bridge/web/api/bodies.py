"""Reading request bodies: bounded in size, JSON only, hostile input refused with a 4xx.

Decimals stay exact (``parse_float=Decimal``); integers longer than
:data:`~intacct_bridge.intake.structure.MAX_NUMBER_DIGITS` digits stay as text marked
:class:`~intacct_bridge.intake.structure.OversizeNumber`, so the field they sit in is named
by the converters, as in a file import. ``NaN`` and ``Infinity`` are refused, as are lone
surrogates (``"\\ud800"``) and nesting deeper than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from fastapi import Request

from intacct_bridge.intake.structure import MAX_NUMBER_DIGITS, OversizeNumber
from intacct_bridge.web.api.errors import ApiError, Problem

#: largest request body, in bytes
MAX_BODY_BYTES = 4 * 1024 * 1024
#: deepest nesting of objects and lists accepted (a document is 4 levels deep)
MAX_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


async def read_json(request: Request, max_bytes: int = MAX_BODY_BYTES) -> object:
    """The request's JSON body; :class:`ApiError` 413, 415 or 400 when it cannot be one."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    return parse_json(b"".join(chunks))


def parse_json(body: bytes) -> object:
    """Parse ``body``; :class:`ApiError` 400 naming what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _malformed(f"the body is not UTF-8 (byte {error.start})") from None
    if not text.strip():
        raise _malformed("the body is empty; send a JSON object")
    try:
        data = json.loads(
            text, parse_float=_decimal, parse_int=_integer, parse_constant=_no_constant
        )
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise _malformed(f"invalid JSON ({error.msg} at {where})") from None
    except RecursionError:
        raise _malformed(f"nested more than {MAX_DEPTH} levels deep; flatten it") from None
    except _Constant as error:
        raise _malformed(f"{error} is not a number JSON allows; send a decimal") from None
    # UTF-8 text cannot hold a surrogate: only a \\u escape can make one
    _check(data, strings=_ESCAPED_SURROGATE.search(text) is not None)
    return data


def _check(data: object, *, strings: bool) -> None:
    """Refuse deep nesting (and, with ``strings``, lone surrogates), naming the path.

    The common case (no ``\\u`` escape of a surrogate in the text) only measures the depth,
    without the paths; :func:`_walk` names the path once something is wrong.
    """
    if strings or (type(data) in _CONTAINERS and not _within(data, MAX_DEPTH)):
        _walk(data, strings=strings)


_CONTAINERS = (dict, list)


def _within(node: Any, room: int) -> bool:
    """Whether the objects and lists in ``node`` (one of them) nest at most ``room`` levels
    below it."""
    for value in node.values() if type(node) is dict else node:
        if type(value) in _CONTAINERS and (room == 0 or not _within(value, room - 1)):
            return False
    return True


def _walk(data: object, *, strings: bool) -> None:
    """Walk everything, raising on the first problem with its path."""
    stack: list[tuple[str, object, int]] = [("", data, 0)]
    while stack:
        path, node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _malformed(f"nested more than {MAX_DEPTH} levels deep; flatten it", path)
        if isinstance(node, dict):
            for key, value in node.items():
                if strings:
                    _no_surrogate(key, path)
                if strings or isinstance(value, dict | list):
                    stack.append((f"{path}.{key}" if path else key, value, depth + 1))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if strings or isinstance(value, dict | list):
                    stack.append((f"{path}[{index}]", value, depth + 1))
        elif strings and isinstance(node, str):
            _no_surrogate(node, path)


def _no_surrogate(text: str, path: str) -> None:
    match = _SURROGATE.search(text)
    if match is not None:
        raise _malformed(
            f"contains \\u{ord(match.group()):04x}, half of a surrogate pair and not a "
            "character; fix the text",
            path,
        )


class _Constant(ValueError):
    pass


def _no_constant(name: str) -> object:
    raise _Constant(name)


def _integer(text: str) -> int | OversizeNumber:
    return OversizeNumber(text) if len(text) > MAX_NUMBER_DIGITS else int(text)


def _decimal(text: str) -> Decimal | OversizeNumber:
    return OversizeNumber(text) if len(text) > MAX_NUMBER_DIGITS else Decimal(text)


def _malformed(reason: str, path: str = "") -> ApiError:
    problems = [Problem(field=path, reason=reason)] if path else []
    return ApiError(400, "malformed", reason, problems)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413, "too_large", f"the body is larger than {limit} bytes; send fewer records per request"
    )


__all__ = ["MAX_BODY_BYTES", "MAX_DEPTH", "parse_json", "read_json"]
