"""A small demo company shared by the demo tests (generated once per test session)."""

from __future__ import annotations

import io
from functools import cache

from intacct_bridge.demo import DemoGenerator, write_jsonl
from intacct_bridge.model import Document, Record

#: small enough to import quickly, big enough that every document type appears
SMALL = {"seed": 11, "items": 40, "customers": 16, "suppliers": 8, "documents": 600}


def small_generator(**overrides: object) -> DemoGenerator:
    sizes = {**SMALL, **overrides}
    seed = sizes.pop("seed")
    assert isinstance(seed, int)
    return DemoGenerator(seed, **sizes)  # type: ignore[arg-type]


@cache
def small_records(documents: int = SMALL["documents"]) -> tuple[Record, ...]:
    return tuple(small_generator(documents=documents).records())


@cache
def small_documents(documents: int = SMALL["documents"]) -> tuple[Document, ...]:
    return tuple(r for r in small_records(documents) if isinstance(r, Document))


#: what the store tests import (the store checks every reference, so keep it small)
IMPORTED = {"items": 30, "customers": 10, "suppliers": 6, "documents": 300}


@cache
def imported_records() -> tuple[Record, ...]:
    return tuple(small_generator(**IMPORTED).records())


@cache
def imported_jsonl() -> str:
    buffer = io.StringIO()
    write_jsonl(small_generator(**IMPORTED).records(), buffer)
    return buffer.getvalue()
