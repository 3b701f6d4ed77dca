"""Fixtures for the sync tests: a migrated database (SQLite, and PostgreSQL when configured)
with the default tenant configured against an in-process sandbox company."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.secrets import Keyring, KeySource, Secret, generate_key
from intacct_bridge.config.store import save_config
from intacct_bridge.intacct import RetryPolicy
from intacct_bridge.model.items import Item
from intacct_bridge.model.parties import Address, Contact, Customer, Supplier
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.store.migrate import upgrade
from intacct_bridge.store.repositories import ensure_default_tenant, save_record
from intacct_bridge.store.session import create_store_engine, session_factory
from intacct_bridge.sync.worker import EmbeddedWorker
from tests.store.fixtures import (
    backend,
    db_engine,
    dispose_engine,
    fresh_url,
    scratch_pg_url,
    scratch_url,
    session,
)
from tests.sync.world import Store, make_store

__all__ = ["backend", "bridge", "db_engine", "fresh_url", "sandbox", "session", "store"]

TENANT = DEFAULT_TENANT_ID


@dataclass
class Bridge:
    """A configured tenant, its database and a worker on the sandbox."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    keyring: Keyring
    sandbox: Sandbox
    creds: QuickstartCredentials

    def worker(self, **options: object) -> EmbeddedWorker:
        options.setdefault("retry", RetryPolicy(attempts=1))
        made = EmbeddedWorker(
            self.engine,
            self.keyring,
            transport=self.sandbox.transport(),
            **options,  # type: ignore[arg-type]
        )
        return made

    def close(self) -> None:
        """Close every connection; fails the test if one is still in use (a run that ended
        while database work it started was still going would leave one behind)."""
        dispose_engine(self.engine)

    def save(self, *records: object) -> None:
        with self.sessions.begin() as session:
            for record in records:
                save_record(session, TENANT, record)  # type: ignore[arg-type]

    def intacct(self, object_name: str) -> dict[str, dict[str, object]]:
        """The sandbox's records of ``object_name`` by ID field."""
        rows = self.sandbox.admin.records(self.creds.company_id, object_name)
        key = {
            "ITEM": "ITEMID",
            "CUSTOMER": "CUSTOMERID",
            "VENDOR": "VENDORID",
            "CONTACT": "CONTACTNAME",
        }[object_name]
        return {str(row[key]): row for row in rows}


def configure(
    sandbox: Sandbox, creds: QuickstartCredentials, url: str, **changes: object
) -> Bridge:
    upgrade(url)
    engine = create_store_engine(url)
    sessions = session_factory(engine)
    keyring = Keyring([generate_key()], KeySource("env"))
    values: dict[str, object] = {
        "tenant_id": TENANT,
        "option_active": True,
        "endpoint_url": sandbox.endpoint,
        "sender_id": creds.sender_id,
        "sender_password": Secret(creds.sender_password),
        "company_id": creds.company_id,
        "user_id": creds.user_id,
        "user_password": Secret(creds.user_password),
    }
    values.update(changes)
    with sessions.begin() as session:
        ensure_default_tenant(session)
        save_config(session, TENANT, IntegrationConfig.model_validate(values), keyring)
    return Bridge(url, engine, sessions, keyring, sandbox, creds)


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(seed=4321)


@pytest.fixture
def bridge(backend: str, sandbox: Sandbox, tmp_path: Path) -> Iterator[Bridge]:
    creds = sandbox.quickstart()
    with scratch_url(backend, tmp_path) as url:
        made = configure(sandbox, creds, url)
        try:
            yield made
        finally:
            made.close()


@pytest.fixture
def pg_bridge() -> Iterator[Bridge]:
    """A bridge on a scratch PostgreSQL schema (for the worker-process tests), its sandbox
    seeded 1."""
    with scratch_pg_url() as url:
        sandbox = Sandbox(seed=1)
        made = configure(sandbox, sandbox.quickstart(), url)
        try:
            yield made
        finally:
            made.close()


@contextmanager
def sandbox_bridge(sandbox: Sandbox) -> Iterator[Bridge]:
    """A bridge on a SQLite file for an already set-up sandbox (quickstart credentials)."""
    with tempfile.TemporaryDirectory() as directory:
        made = configure(sandbox, QuickstartCredentials(), f"sqlite:///{directory}/b.db")
        try:
            yield made
        finally:
            made.close()


def address(city: str = "Leeds") -> Address:
    return Address(line1="1 Mill Lane", city=city, postal_code="LS1 1AA", country_code="GB")


def item(item_id: str = "W-100", **changes: object) -> Item:
    values: dict[str, object] = {
        "id": item_id,
        "name": f"Widget {item_id}",
        "description": "A widget",
        "standard_cost": Decimal("2.50"),
        "base_price": Decimal("4.99"),
    }
    values.update(changes)
    return Item(**values)  # type: ignore[arg-type]


def contact(name: str = "Ann Smith", **changes: object) -> Contact:
    values: dict[str, object] = {
        "name": name,
        "print_as": name,
        "first_name": name.split()[0],
        "email": "ann@example.com",
        "address": address(),
    }
    values.update(changes)
    return Contact(**values)  # type: ignore[arg-type]


def customer(customer_id: str = "C100", **changes: object) -> Customer:
    values: dict[str, object] = {
        "id": customer_id,
        "name": f"Customer {customer_id} Ltd",
        "bill_to": address(),
    }
    values.update(changes)
    return Customer(**values)  # type: ignore[arg-type]


def supplier(supplier_id: str = "V100", **changes: object) -> Supplier:
    values: dict[str, object] = {
        "id": supplier_id,
        "name": f"Supplier {supplier_id} plc",
        "pay_to": address("York"),
    }
    values.update(changes)
    return Supplier(**values)  # type: ignore[arg-type]


@pytest.fixture
def store(fresh_url: str) -> Iterator[Store]:
    """A migrated store of the inbound tests (tests/sync/world.py)."""
    made = make_store(fresh_url)
    try:
        yield made
    finally:
        dispose_engine(made.engine)
