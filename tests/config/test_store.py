"""Per-tenant configuration in the SQL store: ciphertext only, binding, rotation (SQLite + PG)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from intacct_bridge.config.models import IntegrationConfig, TaxDefault, TransactionLevel
from intacct_bridge.config.secrets import Keyring, KeySource, Secret, generate_key
from intacct_bridge.config.store import (
    BindingError,
    binding,
    get_config,
    rotate_secrets,
    save_config,
    unreadable_secrets,
)
from intacct_bridge.model.tenancy import Tenant
from intacct_bridge.store.errors import UnknownTenantError
from intacct_bridge.store.repositories import create_tenant
from intacct_bridge.store.tables.config import IntegrationConfigRow

SENDER_PW, USER_PW, HOOK = "sender-Pa55word", "user-Pa55word", "hook-5ecret-value"


def ring(*keys: bytes) -> Keyring:
    return Keyring(list(keys) or [generate_key()], KeySource("env"))


def config(
    tenant: str = "alpha", company: str = "ALPHA-CO", **changes: object
) -> IntegrationConfig:
    values: dict[str, object] = {
        "tenant_id": tenant,
        "option_active": True,
        "sender_password": Secret(SENDER_PW),
        "company_id": company,
        "user_id": "xt_api",
        "user_password": Secret(USER_PW),
        "webhook_url": "https://bridge.example.com/hook",
        "webhook_secret": Secret(HOOK),
        "legislation": "GB",
        "chart_of_accounts": "GB-CoA",
        "transaction_level": TransactionLevel.ENTITY_LEVEL,
        "tax_defaults": [
            TaxDefault(country="GB", intacct_tax_solution="UK VAT", tax_category="STD"),
            TaxDefault(country="FR", intacct_tax_solution="FR TVA"),
        ],
        "contacts": {"category_names": True, "exclude_display_contact": True},
    }
    values.update(changes)
    return IntegrationConfig.model_validate(values)


@pytest.fixture
def tenants(session: Session) -> None:
    for tenant_id in ("alpha", "beta"):
        create_tenant(session, Tenant(id=tenant_id, name=tenant_id.title()))


@pytest.mark.usefixtures("tenants")
def test_round_trip(session: Session) -> None:
    keyring = ring()
    assert get_config(session, "alpha", keyring) is None
    save_config(session, "alpha", config(), keyring)
    loaded = get_config(session, "alpha", keyring)
    assert loaded is not None
    assert loaded.model_dump(exclude={"updated_at"}) == config().model_dump(exclude={"updated_at"})
    assert loaded.user_password == Secret(USER_PW)
    assert loaded.webhook_secret == Secret(HOOK)
    assert loaded.updated_at is not None
    assert get_config(session, "beta", keyring) is None  # tenants never see each other


@pytest.mark.usefixtures("tenants")
def test_only_ciphertext_reaches_the_database(session: Session) -> None:
    save_config(session, "alpha", config(), ring())
    rows = session.execute(text("SELECT * FROM integration_config")).mappings().all()
    dumped = repr([dict(row) for row in rows])
    for plain in (SENDER_PW, USER_PW, HOOK):
        assert plain not in dumped
    row = session.scalars(select(IntegrationConfigRow)).one()
    assert row.user_password_ciphertext and row.user_password_ciphertext.startswith("gAAAA")


@pytest.mark.usefixtures("tenants")
def test_tax_grid_rows_are_replaced(session: Session) -> None:
    keyring = ring()
    save_config(session, "alpha", config(), keyring)
    save_config(
        session, "alpha", config(tax_defaults=[TaxDefault(country="US", tax_category="X")]), keyring
    )
    loaded = get_config(session, "alpha", keyring)
    assert loaded is not None
    assert [row.country for row in loaded.tax_defaults] == ["US"]


@pytest.mark.usefixtures("tenants")
def test_saving_binds_the_tenant_to_one_company(session: Session) -> None:
    keyring = ring()
    save_config(session, "alpha", config(), keyring)
    assert binding(session, "alpha").company_id == "ALPHA-CO"
    with pytest.raises(BindingError, match="bound to tenant 'alpha'"):
        save_config(session, "beta", config("beta", "ALPHA-CO"), keyring)
    with pytest.raises(BindingError, match="--rebind"):
        save_config(session, "alpha", config(company="OTHER-CO"), keyring)
    save_config(session, "alpha", config(company="OTHER-CO"), keyring, rebind=True)
    assert binding(session, "alpha").company_id == "OTHER-CO"
    save_config(session, "beta", config("beta", "ALPHA-CO"), keyring)  # free again
    assert binding(session, "beta").company_id == "ALPHA-CO"


def test_unknown_tenant_is_refused(session: Session) -> None:
    with pytest.raises(UnknownTenantError):
        save_config(session, "ghost", config("ghost"), ring())


@pytest.mark.usefixtures("tenants")
def test_without_the_key_secrets_are_set_but_unreadable_and_kept(session: Session) -> None:
    keyring = ring()
    save_config(session, "alpha", config(), keyring)
    blind = get_config(session, "alpha", None)
    assert blind is not None and blind.user_password is not None
    assert not blind.user_password.readable
    # changing a plain field without the key keeps the stored ciphertext
    save_config(session, "alpha", blind.updated(legislation="FR"), None)
    again = get_config(session, "alpha", keyring)
    assert again is not None
    assert again.user_password == Secret(USER_PW)
    assert again.legislation == "FR"
    wrong = get_config(session, "alpha", ring())
    assert wrong is not None and wrong.sender_password is not None
    assert "rotate-key" in wrong.sender_password.problem


@pytest.mark.usefixtures("tenants")
def test_rotation_re_encrypts_every_tenant(session: Session) -> None:
    old, new = generate_key(), generate_key()
    save_config(session, "alpha", config(), ring(old))
    save_config(session, "beta", config("beta", "BETA-CO", webhook_secret=None), ring(old))
    assert unreadable_secrets(session, ring(new)) == [
        "alpha: sender password",
        "alpha: user password",
        "alpha: webhook secret",
        "beta: sender password",
        "beta: user password",
    ]
    assert rotate_secrets(session, ring(new, old)) == 5
    assert unreadable_secrets(session, ring(new)) == []
    assert unreadable_secrets(session, ring(old)) != []
    loaded = get_config(session, "beta", ring(new))
    assert loaded is not None and loaded.user_password == Secret(USER_PW)
