"""Demo data: a deterministic manufacturing and distribution company and a month of documents.

::

    from intacct_bridge.demo import DemoGenerator, write_jsonl

    generator = DemoGenerator(seed=7, documents=5_000, month="2025-03")
    with open("demo.jsonl", "w", encoding="utf-8") as out:
        write_jsonl(generator.records(), out)

Modules: ``catalog`` (word lists and item builders), ``master`` (master and financial data),
``plan`` (the month's schedule), ``generator`` (:class:`DemoGenerator`), ``jsonl`` (the
streaming writer). See ``docs/operations-model.md``, section *Demo data*.
"""

from intacct_bridge.demo.generator import (
    DEFAULT_CUSTOMERS,
    DEFAULT_DOCUMENTS,
    DEFAULT_ITEMS,
    DEFAULT_MONTH,
    DEFAULT_SEED,
    DEFAULT_SUPPLIERS,
    DemoGenerator,
    parse_month,
)
from intacct_bridge.demo.jsonl import record_kind, to_jsonl, write_jsonl

__all__ = [
    "DEFAULT_CUSTOMERS",
    "DEFAULT_DOCUMENTS",
    "DEFAULT_ITEMS",
    "DEFAULT_MONTH",
    "DEFAULT_SEED",
    "DEFAULT_SUPPLIERS",
    "DemoGenerator",
    "parse_month",
    "record_kind",
    "to_jsonl",
    "write_jsonl",
]
