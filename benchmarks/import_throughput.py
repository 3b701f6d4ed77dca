"""Import throughput and memory: ``intacct-bridge import`` of the demo file, new and again.

Measures, in one run:

- the demo file (``demo-data --seed 7``: 4,316 records, 3,000 of them documents) imported
  into an empty SQLite database, then imported again (every record unchanged);
- the same on PostgreSQL (``$INTACCT_BRIDGE_TEST_PG_URL``, default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/test``), in a scratch schema dropped after;
- the peak RSS of ``intacct-bridge import`` run as a child process on a large generated file
  (210,000 documents, about 200 MB; ``--quick``: 21,000 documents, about 20 MB) into SQLite.

Records per second count every record of the file (master data and documents), as the import
reports them; documents per second (documents only) are printed beside them. Wall-clock rates
depend on what else the machine runs (the load average is printed); records per CPU-second of
the importing process say what one free core would do.

    python benchmarks/import_throughput.py            # full run, several minutes
    python benchmarks/import_throughput.py --quick    # the large file at a tenth of the size

Prints a table, then — as the last line — one JSON object with ``import_docs_per_s_sqlite``,
``reimport_docs_per_s_sqlite``, ``import_docs_per_s_pg``, ``reimport_docs_per_s_pg``,
``import_200mb_peak_rss_mb``, the per-CPU-second figures (``import_records_per_cpu_s_sqlite``,
``reimport_records_per_cpu_s_sqlite``, ``…_pg``, ``large_import_records_per_cpu_s``), the load
average at start and end, and the rest (``large_file_mb`` says which size was run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from intacct_bridge.demo import DemoGenerator, write_jsonl  # noqa: E402
from intacct_bridge.intake.service import ImportReport, import_file  # noqa: E402
from intacct_bridge.store.migrate import upgrade  # noqa: E402
from intacct_bridge.store.session import create_store_engine, session_factory  # noqa: E402

PG_URL = os.environ.get(
    "INTACCT_BRIDGE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
LARGE_DOCUMENTS = 210_000


def write_demo(path: Path, documents: int) -> tuple[int, int]:
    generator = DemoGenerator(seed=7, documents=documents)
    with path.open("w", encoding="utf-8") as out:
        count = write_jsonl(generator.records(), out)
    return count, documents


def timed_import(url: str, path: Path) -> tuple[ImportReport, float, float]:
    """Import with the CLI's settings; the report, wall seconds and this process's CPU
    seconds (on SQLite all the work; on PostgreSQL the server's share is not counted)."""
    engine = create_store_engine(url)
    try:
        with session_factory(engine)() as session:
            start, cpu = time.perf_counter(), time.process_time()
            report = import_file(session, path, keep_labels=False, max_errors=10)
            return report, time.perf_counter() - start, time.process_time() - cpu
    finally:
        engine.dispose()


def new_and_again(url: str, path: Path) -> dict[str, float]:
    upgrade(url)
    first, first_s, first_cpu = timed_import(url, path)
    again, again_s, again_cpu = timed_import(url, path)
    assert first.ok and first.count("created") == first.records, first.summary()
    assert again.ok and again.count("unchanged") == again.records, again.summary()
    return {
        "records": first.records,
        "import_s": first_s,
        "reimport_s": again_s,
        "import_per_s": first.records / first_s,
        "reimport_per_s": again.records / again_s,
        "import_per_cpu_s": first.records / first_cpu,
        "reimport_per_cpu_s": again.records / again_cpu,
    }


def postgres(path: Path) -> dict[str, float] | str:
    schema = f"ib_bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_store_engine(PG_URL)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # report, do not fail: PostgreSQL is optional here
        return f"unreachable ({type(error).__name__})"
    try:
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        return new_and_again(url.render_as_string(hide_password=False), path)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def large_file(folder: Path, documents: int) -> dict[str, float]:
    path = folder / "large.jsonl"
    start = time.perf_counter()
    records, _ = write_demo(path, documents)
    generate_s = time.perf_counter() - start
    url = f"sqlite:///{folder / 'large.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTACCT_BRIDGE_")}
    env["PYTHONPATH"] = str(HERE.parent / "src")
    command = [sys.executable, "-m", "intacct_bridge.cli.main", "import", str(path)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "--db", url, "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{records:,} created" in done.stdout, done.stdout
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "mb": path.stat().st_size / 1e6,
        "documents": documents,
        "records": records,
        "generate_s": generate_s,
        "import_s": seconds,
        "per_s": records / seconds,
        "per_cpu_s": records / cpu,
        # the largest child so far: the CLI import is the only child of this process
        "peak_rss_mb": after.ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="large file at a tenth the size")
    parser.add_argument("--documents", type=int, help="documents in the large file")
    args = parser.parse_args()
    large_documents = args.documents or (LARGE_DOCUMENTS // 10 if args.quick else LARGE_DOCUMENTS)

    load_at_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="ib-import-bench-") as temp:
        folder = Path(temp)
        demo = folder / "demo.jsonl"
        records, documents = write_demo(demo, 3000)
        sqlite = new_and_again(f"sqlite:///{folder / 'bench.db'}", demo)
        pg = postgres(demo)
        large = large_file(folder, large_documents)

    def per_s(figures: dict[str, float] | str, key: str) -> float | None:
        return None if isinstance(figures, str) else round(figures[key], 1)

    share = documents / records
    rows = [
        ("demo file", f"{records:,} records ({documents:,} documents)", ""),
        (
            "  per CPU-second (SQLite)",
            f"{sqlite['import_per_cpu_s']:,.0f} new, {sqlite['reimport_per_cpu_s']:,.0f} again",
            "what one idle core would do",
        ),
        (
            "SQLite import",
            f"{sqlite['import_per_s']:,.0f} records/s",
            f"{sqlite['import_s']:.2f} s",
        ),
        (
            "SQLite re-import",
            f"{sqlite['reimport_per_s']:,.0f} records/s",
            f"{sqlite['reimport_s']:.2f} s",
        ),
    ]
    if isinstance(pg, str):
        rows.append(("PostgreSQL", pg, ""))
    else:
        rows += [
            (
                "PostgreSQL import",
                f"{pg['import_per_s']:,.0f} records/s",
                f"{pg['import_s']:.2f} s",
            ),
            (
                "PostgreSQL re-import",
                f"{pg['reimport_per_s']:,.0f} records/s",
                f"{pg['reimport_s']:.2f} s",
            ),
            (
                "  per CPU-second (PostgreSQL)",
                f"{pg['import_per_cpu_s']:,.0f} new, {pg['reimport_per_cpu_s']:,.0f} again",
                "the bridge's process only",
            ),
        ]
    rows += [
        (
            "large file (CLI child, SQLite)",
            f"{large['mb']:.0f} MB, {large['records']:,} records",
            f"{large['import_s']:.1f} s, {large['per_s']:,.0f} records/s",
        ),
        ("large file peak RSS", f"{large['peak_rss_mb']:.0f} MB", "target < 200 MB"),
    ]
    print(
        f"import throughput ({platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load {load_at_start:.1f} at start, "
        f"{os.getloadavg()[0]:.1f} at end)"
    )
    width = max(len(r[0]) for r in rows)
    for name, value, extra in rows:
        print(f"  {name:<{width}}  {value:<34} {extra}")
    print(
        "  documents/s (documents only, same runs): "
        f"SQLite {sqlite['import_per_s'] * share:,.0f} new, "
        f"{sqlite['reimport_per_s'] * share:,.0f} again"
    )
    figures = {
        "import_docs_per_s_sqlite": per_s(sqlite, "import_per_s"),
        "reimport_docs_per_s_sqlite": per_s(sqlite, "reimport_per_s"),
        "import_docs_per_s_pg": per_s(pg, "import_per_s"),
        "reimport_docs_per_s_pg": per_s(pg, "reimport_per_s"),
        "import_200mb_peak_rss_mb": round(large["peak_rss_mb"], 1),
        "large_file_mb": round(large["mb"], 1),
        "large_file_documents": large["documents"],
        "large_import_records_per_s": round(large["per_s"], 1),
        "import_records_per_cpu_s_sqlite": round(sqlite["import_per_cpu_s"], 1),
        "reimport_records_per_cpu_s_sqlite": round(sqlite["reimport_per_cpu_s"], 1),
        "large_import_records_per_cpu_s": round(large["per_cpu_s"], 1),
        # the bridge's process only: the PostgreSQL server's CPU is not counted
        "import_records_per_cpu_s_pg": per_s(pg, "import_per_cpu_s"),
        "reimport_records_per_cpu_s_pg": per_s(pg, "reimport_per_cpu_s"),
        "demo_records": records,
        "demo_documents": documents,
        "quick": bool(args.quick or args.documents),
        "load_average": round(os.getloadavg()[0], 2),
        "load_average_at_start": round(load_at_start, 2),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
