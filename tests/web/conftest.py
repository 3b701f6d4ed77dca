from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.store.fixtures import backend, db_engine, fresh_url, session
from tests.sync.world import Store, make_store


@pytest.fixture
def store(fresh_url: str) -> Iterator[Store]:
    made = make_store(fresh_url)
    try:
        yield made
    finally:
        made.engine.dispose()


__all__ = ["backend", "db_engine", "fresh_url", "session", "store"]
