"""Posting engine throughput: CPU time per document and memory over a long stream.

The documents are the demo company's month (``DemoGenerator``, mixed types, ~5 lines each)
posted against the demo company's own master data (``setup_from_records``):

* **cpu** — ``--documents`` (default 20,000) documents through ``post_document`` on one core,
  timed with ``time.process_time``; target ≤ 1 ms per document;
* **stream** — ``--stream`` (default 1,000,000) documents posted one after another (the
  generated month cycled, each entry dropped after its balance is checked), peak RSS of this
  process read from ``resource.getrusage``; target < 300 MB.

The export half of the issue's figures (documents/s from the store to posted and recorded
against the sandbox's physical limit) needs the transaction export, which is not built yet:
``docs_per_s`` and ``limit_docs_per_s`` are printed as null until it is. Prints a table, then
— as the last line — one JSON object with the figures::

    python benchmarks/posting_throughput.py
    python benchmarks/posting_throughput.py --documents 5000 --stream 100000
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import sys
import time

from intacct_bridge.demo import DemoGenerator
from intacct_bridge.demo.company import posting_setup
from intacct_bridge.model.documents import Document
from intacct_bridge.posting import PostingSetup, post_document

TARGET_CPU_MS = 1.0
TARGET_RSS_MB = 300.0


def demo_setup(generator: DemoGenerator) -> PostingSetup:
    """The demo company's posting setup (its master data, goods in transit, rounding, stock
    journal and rates: ``intacct_bridge.demo.company``)."""
    return posting_setup(generator.master_data())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--stream", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    generator = DemoGenerator(seed=args.seed, documents=min(args.documents, 5_000))
    setup = demo_setup(generator)
    documents: list[Document] = list(generator.documents())
    lines = sum(len(doc.lines) for doc in documents) / len(documents)
    problems = sum(1 for doc in documents if not post_document(doc, setup).ok)

    source = itertools.islice(itertools.cycle(documents), args.documents)
    start = time.process_time()
    entries = 0
    for doc in source:
        entries += len(post_document(doc, setup).entries)
    cpu = time.process_time() - start
    cpu_ms = cpu * 1000 / args.documents

    rss_before = peak_rss_mb()
    start_wall = time.perf_counter()
    for doc in itertools.islice(itertools.cycle(documents), args.stream):
        for entry in post_document(doc, setup).entries:
            entry.check_balanced()
    stream_seconds = time.perf_counter() - start_wall
    rss = peak_rss_mb()

    print(
        f"documents: {len(documents):,} distinct, {lines:.1f} lines each, "
        f"{problems} with problems; {entries:,} entries in the cpu run"
    )
    print(f"{'measure':<28}{'value':>14}{'target':>12}")
    print(f"{'cpu ms / document':<28}{cpu_ms:>14.3f}{'<= 1.0':>12}")
    print(f"{'documents / s (1 core)':<28}{args.documents / cpu:>14,.0f}{'':>12}")
    print(f"{'stream documents':<28}{args.stream:>14,}{'':>12}")
    print(f"{'stream seconds':<28}{stream_seconds:>14.1f}{'':>12}")
    print(f"{'peak RSS before stream MB':<28}{rss_before:>14.1f}{'':>12}")
    print(f"{'peak RSS after stream MB':<28}{rss:>14.1f}{'< 300':>12}")
    figures = {
        "docs_per_s": None,
        "limit_docs_per_s": None,
        "cpu_ms_per_doc": round(cpu_ms, 4),
        "engine_docs_per_s": round(args.documents / cpu, 1),
        "stream_documents": args.stream,
        "stream_peak_rss_mb": round(rss, 1),
        "documents_with_problems": problems,
        "entries": entries,
        "python": sys.version.split()[0],
    }
    ok = cpu_ms <= TARGET_CPU_MS and rss < TARGET_RSS_MB
    print(json.dumps(figures))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
