"""The configuration page as data: defaults, validation, what a sign-in needs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from intacct_bridge.config.models import (
    ConfigError,
    ContactSwitches,
    IntegrationConfig,
    TaxDefault,
    TransactionLevel,
)
from intacct_bridge.config.secrets import Secret
from intacct_bridge.intacct import DEFAULT_ENDPOINT
from intacct_bridge.store.tables.config import TRANSACTION_LEVELS


def complete(**changes: object) -> IntegrationConfig:
    values: dict[str, object] = {
        "tenant_id": "acme",
        "sender_password": Secret("sender-pw"),
        "company_id": "ACME",
        "user_id": "xt_api",
        "user_password": Secret("user-pw"),
    }
    values.update(changes)
    return IntegrationConfig.model_validate(values)


def test_defaults_follow_the_guide() -> None:
    config = IntegrationConfig(tenant_id="acme")
    assert config.sender_id == "XT_mfg"
    assert config.endpoint_url == DEFAULT_ENDPOINT
    assert config.active is True  # "A new setup is active by default"
    assert config.option_active is False
    assert config.transaction_level is TransactionLevel.TOP_LEVEL
    assert config.asynchronous is False
    assert config.contacts == ContactSwitches()
    assert config.missing() == ["Sender password", "Company ID", "User ID", "Password"]


def test_intacct_config_needs_every_sign_in_field() -> None:
    with pytest.raises(ConfigError, match="Company ID"):
        IntegrationConfig(tenant_id="acme").intacct_config()
    client = complete(entity_id="E1").intacct_config()
    assert (client.sender_id, client.company_id, client.user_id, client.location_id) == (
        "XT_mfg",
        "ACME",
        "xt_api",
        "E1",
    )
    assert client.user_password == "user-pw"
    assert "user-pw" not in repr(client)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"endpoint_url": "ftp://x"}, "is not an http"),
        ({"asynchronous": True}, "Policy ID"),
        ({"legislation": "Germany"}, "legislation"),
        ({"tenant_id": "Not A Tenant"}, "tenant ID"),
        ({"async_timeout": 0}, "greater than or equal to 1"),
        ({"company_id": " ACME"}, "surrounding spaces"),
        (
            {"tax_defaults": [{"country": "GB"}, {"country": "gb"}]},
            "GB appears twice",
        ),
        ({"unknown": 1}, "Extra inputs"),
    ],
)
def test_invalid_values_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        complete(**changes)


def test_tax_grid_is_one_row_per_country_sorted() -> None:
    config = complete(
        tax_defaults=[
            {"country": "us", "intacct_tax_solution": "US Sales Tax"},
            TaxDefault(country="GB", intacct_tax_solution="UK VAT", tax_category="STD"),
        ]
    )
    assert [row.country for row in config.tax_defaults] == ["GB", "US"]
    assert config.tax_default("us") == TaxDefault(country="US", intacct_tax_solution="US Sales Tax")


def test_updated_validates_again() -> None:
    config = complete()
    assert config.updated(policy_id="P1", asynchronous=True).asynchronous
    with pytest.raises(ValidationError, match="Policy ID"):
        config.updated(asynchronous=True)
    assert config.updated(company_id="OTHER").user_password == Secret("user-pw")


def test_transaction_levels_match_the_table_constraint() -> None:
    assert tuple(level.value for level in TransactionLevel) == TRANSACTION_LEVELS


def test_repr_and_dumps_of_a_configuration_hide_the_secrets() -> None:
    config = complete(webhook_secret=Secret("hook-value"))
    for shown in (repr(config), str(config), config.model_dump_json(), str(config.model_dump())):
        assert "sender-pw" not in shown and "user-pw" not in shown and "hook-value" not in shown
