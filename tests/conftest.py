"""Shared fixtures: a fresh sandbox per test, in-process or over HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from tests.sandbox.envelope import Caller

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SCHEMA_DIR = SHARED / "intacct-schema"


def pytest_configure(config: pytest.Config) -> None:
    """CI sets INTACCT_BRIDGE_REQUIRE_PG: then the PostgreSQL variants may not be skipped."""
    if os.environ.get("INTACCT_BRIDGE_REQUIRE_PG") and not os.environ.get(
        "INTACCT_BRIDGE_TEST_PG_URL"
    ):
        raise pytest.UsageError(
            "INTACCT_BRIDGE_REQUIRE_PG is set but INTACCT_BRIDGE_TEST_PG_URL is not: "
            "the PostgreSQL variants would be skipped"
        )


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(seed=1234)


@pytest.fixture
def creds(sandbox: Sandbox) -> QuickstartCredentials:
    return sandbox.quickstart()


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(transport=sandbox.transport()) as client:
        yield client


@pytest.fixture
def caller(sandbox: Sandbox, creds: QuickstartCredentials, http: httpx.Client) -> Caller:
    return Caller(http, sandbox.endpoint, creds)
