"""Fixtures shared by the sandbox tests (the per-test ``sandbox``, ``creds`` and ``caller``
are in ``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from intacct_bridge.sandbox import Sandbox
from tests.sandbox.books import seed_books
from tests.sandbox.envelope import Caller


@pytest.fixture
def books(sandbox: Sandbox, caller: Caller) -> Caller:
    """The quickstart company with the books of ``tests/sandbox/books.py`` (accounts,
    journals, dimensions, vendors, customers), and a caller signed in to it."""
    seed_books(sandbox)
    return caller
