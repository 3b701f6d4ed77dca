"""``intacct-bridge worker`` picks the task engine on PostgreSQL only: on SQLite the embedded
worker runs, and what needs the engine is refused with the reason and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from intacct_bridge.store.session import create_store_engine
from intacct_bridge.sync.engine import EngineError, JobEngine, uses_engine
from tests.setup.conftest import Cli


def test_posting_workers_need_postgresql(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    cli("init")
    result = cli("worker", "--post", code=2)
    assert "--post needs the task engine (PostgreSQL)" in result.output
    assert "intacct-bridge post" in result.output


def test_the_engine_refuses_sqlite_and_names_the_embedded_worker(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'b.db'}")
    try:
        assert not uses_engine(engine)
        with pytest.raises(EngineError, match="--engine embedded"):
            JobEngine(engine, None)
    finally:
        engine.dispose()
