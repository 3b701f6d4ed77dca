"""Shared fixtures: a fresh sandbox per test, in-process or over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from tests.sandbox.envelope import Caller

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SCHEMA_DIR = SHARED / "intacct-schema"


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
