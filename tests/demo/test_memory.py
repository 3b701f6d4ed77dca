"""Streaming: generating and writing ten times more documents needs no more memory.

The master data and the month's plan are built before measuring (they are proportional to
the master sizes and to the calendar, which is allowed); what is measured is the document
stream written as JSON Lines. A full garbage collection runs every few hundred documents:
there are no reference cycles to collect, but a full collection also empties CPython's
free lists, whose slowly rising high-water mark tracemalloc would otherwise count as ours.
"""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from intacct_bridge.demo import write_jsonl
from intacct_bridge.model import Record, canonical, money
from tests.demo.company import small_generator

COLLECT_EVERY = 500
#: allowed difference between the peaks; one retained byte per document would exceed it
BOUND = 16 * 1024


class _Discard:
    """A text sink that keeps nothing (but checks it gets whole lines)."""

    def __init__(self) -> None:
        self.lines = 0

    def write(self, text: str) -> int:
        assert text.endswith("\n") and text.count("\n") == 1
        self.lines += 1
        return len(text)


def _stream_peak(documents: int) -> tuple[int, int]:
    generator = small_generator(documents=documents)
    _ = generator.master, generator.plan
    sink = _Discard()
    seen = 0

    def each(_: Record) -> None:
        nonlocal seen
        seen += 1
        if seen % COLLECT_EVERY == 0:
            gc.collect()

    gc.collect()
    tracemalloc.start()
    try:
        written = write_jsonl(generator.documents(), sink, each=each)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written == sink.lines == documents
    return peak, written


def test_ten_times_the_documents_take_no_more_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    # The model keeps two bounded caches (texts of decimals, plain forms of repeated
    # references), each emptied when it reaches its limit: a fixed cost, which a small limit
    # keeps below the bound so that any growth per document still shows.
    monkeypatch.setattr(money, "_TEXTS_KEPT", 32)
    monkeypatch.setattr(canonical, "_REMEMBERED_LIMIT", 32)
    money._TEXTS.clear()
    canonical._REMEMBERED.clear()
    small, _ = _stream_peak(1_000)
    large, _ = _stream_peak(10_000)
    assert large - small < BOUND, f"peak {small:,} B for 1,000 documents, {large:,} B for 10,000"
    # and the stream itself holds little: a day's worth of documents would be far more
    assert large < 512 * 1024
    assert len(money._TEXTS) <= 32 and len(canonical._REMEMBERED) <= 32
