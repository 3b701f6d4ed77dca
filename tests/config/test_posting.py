"""Each tenant's posting configuration: validated, stored per tenant (SQLite + PostgreSQL),
derived from the store when none is stored, and read by the export's setup."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from intacct_bridge.config.models import ConfigError
from intacct_bridge.config.posting import (
    FALLBACK_JOURNAL,
    PostingSettings,
    check_settings,
    derive_settings,
    effective_config,
    effective_settings,
    get_settings,
    lock_settings,
    reset_settings,
    save_settings,
)
from intacct_bridge.export.service import load_setup
from intacct_bridge.model.analytics import AttributeTypeKind
from intacct_bridge.model.finance import Account, Journal
from intacct_bridge.model.tenancy import Tenant
from intacct_bridge.posting import AccountType, ClosedPeriodPolicy
from intacct_bridge.store.errors import UnknownTenantError
from intacct_bridge.store.repositories import create_tenant, save_record
from intacct_bridge.store.session import session_factory
from intacct_bridge.store.tables.config import PostingConfigRow
from intacct_bridge.store.tables.tenancy import TenantRow

CHART = (
    Account(id="1330", name="Goods in Transit"),
    Account(id="1500", name="Due from Related Entities"),
    Account(id="2500", name="Due to Related Entities"),
    Account(id="5900", name="Rounding Differences"),
    Account(id="4000", name="Sales"),
    Journal(id="GJ", name="General Journal"),
    Journal(id="INV", name="Inventory Journal"),
)


@pytest.fixture
def tenants(session: Session) -> None:
    for tenant_id in ("alpha", "beta"):
        create_tenant(session, Tenant(id=tenant_id, name=tenant_id.title()))
    for record in CHART:
        save_record(session, "alpha", record)


def settings(**values: object) -> PostingSettings:
    return PostingSettings.model_validate(values)


@pytest.mark.usefixtures("tenants")
def test_two_tenants_keep_their_own_configuration(session: Session) -> None:
    rate = {
        "source": "jpy",
        "target": "USD",
        "rate": "0.006712345678901",
        "effective": "2025-03-01",
    }
    alpha = settings(stock_journal="GJ", rates=[rate], lanes=5)
    beta = settings(revenue_recognition="on_shipment", leave_off=["project", "task"])
    save_settings(session, "alpha", alpha)
    save_settings(session, "beta", beta)
    assert get_settings(session, "alpha") == alpha
    assert get_settings(session, "beta") == beta
    loaded = get_settings(session, "alpha")
    assert loaded is not None and loaded.rates[0].rate == Decimal("0.006712345678901")
    assert loaded.rates[0].source == "JPY"  # normalised at the edge
    assert reset_settings(session, "beta") is True
    assert get_settings(session, "beta") is None and get_settings(session, "alpha") == alpha
    assert reset_settings(session, "beta") is False
    with pytest.raises(UnknownTenantError):
        get_settings(session, "gamma")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (
            {"rates": [{"source": "EUR", "target": "USD", "rate": "0", "effective": "2025-03-01"}]},
            "rate",
        ),
        (
            {
                "rates": [
                    {"source": "EURO", "target": "USD", "rate": "1", "effective": "2025-03-01"}
                ]
            },
            "source",
        ),
        (
            {
                "rates": [
                    {"source": "EUR", "target": "USD", "rate": "NaN", "effective": "2025-03-01"}
                ]
            },
            "rate",
        ),
        ({"batch_size": 101}, "batch_size"),
        ({"lanes": 0}, "lanes"),
        ({"default_accounts": {"nonsense": "1000"}}, "default_accounts"),
        ({"default_accounts": {"rounding": " 5900"}}, "default_accounts"),
        ({"closed": [{"module": "XX", "through": "2025-03-31"}]}, "module"),
        ({"revenue_recognition": "whenever"}, "revenue_recognition"),
        ({"leave_off": ["projects"]}, "leave_off"),
        ({"stock_journal": ""}, "stock_journal"),
        ({"password": "x"}, "password"),
    ],
)
def test_bad_values_name_the_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PostingSettings.model_validate(values)
    assert field in str(caught.value)


def test_duplicate_rates_and_closes_are_refused() -> None:
    rate = {"source": "EUR", "target": "USD", "rate": "1.1", "effective": "2025-03-01"}
    with pytest.raises(ValidationError, match="same currencies and day"):
        settings(rates=[rate, {**rate, "rate": "1.2"}])
    with pytest.raises(ValidationError, match="same module and entity"):
        settings(closed=[{"module": "AP", "through": "2025-03-01"}] * 2)
    merged = settings(rates=[rate]).merged({"rates": [{**rate, "rate": Decimal("1.2")}]})
    assert [r.rate for r in merged.rates] == [Decimal("1.2")]  # an override replaces its day


def test_unknown_accounts_and_journals_name_the_field_and_fix() -> None:
    wanted = settings(default_accounts={"rounding": "7999"}, stock_journal="INVJ")
    problems = check_settings(wanted, CHART)
    assert any("default_accounts.rounding" in p and "'7999'" in p for p in problems)
    assert any("stock_journal" in p and "GJ, INV" in p for p in problems)
    assert all("intacct-bridge pull --full" in p for p in problems)
    assert check_settings(settings(default_accounts={"rounding": "5900"}), CHART) == []


def test_derived_from_the_chart_and_journals() -> None:
    derived, notes = derive_settings(CHART)
    assert derived.stock_journal == "INV"
    assert derived.default_accounts == {
        AccountType.GOODS_IN_TRANSIT: "1330",
        AccountType.ROUNDING: "5900",
    }
    assert derived.interentity_accounts == ("1500", "2500")
    assert "stock journal INV" in notes
    bare, bare_notes = derive_settings([])
    assert bare.stock_journal == FALLBACK_JOURNAL and bare.default_accounts == {}
    assert "--stock-journal" in bare_notes[0]


@pytest.mark.usefixtures("tenants")
def test_effective_stored_or_derived_and_overrides(session: Session) -> None:
    derived = effective_settings(session, "alpha")
    assert derived.source == "derived" and "derived from the store" in derived.summary
    assert derived.settings.stock_journal == "INV"
    save_settings(session, "alpha", settings(default_accounts={"rounding": "4000"}))
    stored = effective_settings(session, "alpha")
    assert stored.source == "stored"
    # what is not stored still comes from the store; what is stored wins
    assert stored.settings.stock_journal == "INV"
    assert stored.settings.default_accounts[AccountType.ROUNDING] == "4000"
    assert stored.settings.default_accounts[AccountType.GOODS_IN_TRANSIT] == "1330"
    once, _ = effective_config(session, "alpha", {"stock_journal": "GJ", "batch_size": 7})
    assert once.stock_journal == "GJ" and once.batch_size == 7
    assert effective_settings(session, "alpha").settings.stock_journal == "INV"  # one run only
    # the other tenant has no chart: it falls back, and says so
    assert effective_settings(session, "beta").settings.stock_journal == FALLBACK_JOURNAL


@pytest.mark.usefixtures("tenants")
def test_policies_and_left_off_dimensions_reach_the_engine(session: Session) -> None:
    save_settings(
        session,
        "alpha",
        settings(
            closed=[{"module": "AP", "through": "2025-02-28"}],
            closed_period_policy="first_open_date",
            leave_off=["project"],
        ),
    )
    config, _ = effective_config(session, "alpha")
    assert config.closed_through == {("AP", None): dt.date(2025, 2, 28)}
    setup = load_setup(session, "alpha", config)
    assert setup.closed_period_policy is ClosedPeriodPolicy.FIRST_OPEN_DATE
    assert setup.attribute_objects[AttributeTypeKind.PROJECT] is None
    assert setup.attribute_objects[AttributeTypeKind.TASK] == "TASK"  # only what was named
    assert setup.stock_journal == "INV"


@pytest.mark.usefixtures("tenants")
def test_a_damaged_stored_document_names_the_fix(session: Session) -> None:
    save_settings(session, "alpha", settings())
    row = session.get(PostingConfigRow, "alpha")
    assert row is not None
    row.settings = '{"lanes": "many"}'
    session.flush()
    with pytest.raises(ConfigError, match="config posting reset"):
        get_settings(session, "alpha")


def test_two_changes_at_once_lose_nothing(db_engine: Engine) -> None:
    """Two ``config posting set`` at once: the second waits for the first and keeps it."""
    tenant = f"p{uuid.uuid4().hex[:8]}"
    sessions = session_factory(db_engine)
    with sessions.begin() as session:
        create_tenant(session, Tenant(id=tenant, name="Race"))
    barrier = threading.Barrier(2)

    def change(overrides: dict[str, object]) -> None:
        with sessions.begin() as session:
            barrier.wait()
            lock_settings(session, tenant)
            current = get_settings(session, tenant) or PostingSettings()
            time.sleep(0.2)  # both would read "nothing stored" without the lock
            save_settings(session, tenant, current.merged(overrides))

    try:
        threads = [
            threading.Thread(target=change, args=({"lanes": 5},)),
            threading.Thread(target=change, args=({"batch_size": 7},)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with sessions() as session:
            stored = get_settings(session, tenant)
        assert stored is not None and (stored.lanes, stored.batch_size) == (5, 7)
    finally:
        with sessions.begin() as session:
            session.execute(delete(TenantRow).where(TenantRow.id == tenant))
