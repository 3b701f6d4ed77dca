"""Function handlers of the sandbox gateway, one module per family.

A handler takes the :class:`~intacct_bridge.sandbox.context.Context` and the function's
element (``<create>…</create>``) and returns an :class:`Outcome`, or raises
:class:`~intacct_bridge.sandbox.errors.FunctionError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from intacct_bridge.sandbox.context import Context


@dataclass
class Outcome:
    """What a successful function returns inside its ``<result>``."""

    #: The ``<data>`` element (3.0 functions).
    data: etree._Element | None = None
    #: Legacy functions return ``<key>``.
    key: str | None = None
    #: Legacy ``get_list`` returns ``<listtype start end total>``.
    listtype: etree._Element | None = None


Handler = Callable[[Context, etree._Element], Outcome]


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    handler: Handler
    #: Writes are subject to uniqueid and permission checks.
    writes: bool
    #: What a failed result still carries (``<data listtype="objects" count="0"/>``).
    empty_data_on_failure: bool = False


FUNCTIONS: dict[str, FunctionSpec] = {}


def register(
    name: str, *, writes: bool = False, empty_data_on_failure: bool = False
) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        FUNCTIONS[name] = FunctionSpec(name, handler, writes, empty_data_on_failure)
        return handler

    return decorate


def load_all() -> dict[str, FunctionSpec]:
    """Import every handler module (registration happens at import)."""
    from intacct_bridge.sandbox.functions import (  # noqa: F401
        documents,
        generic,
        legacy,
        meta,
        reading,
        session,
    )

    return FUNCTIONS
