"""The integration configuration — the DMO "Sage Intacct configuration" page, as data.

One :class:`IntegrationConfig` per tenant (each tenant is bound to one Intacct company).
Its groups follow the page:

* **Option** — ``option_active``: *Options management > Finance integrations > Sage
  Intacct: Activate*. Nothing is exchanged while it is off.
* **General** — ID, active, endpoint URL, sender ID and password, company ID, user ID and
  password, entity (MEGA sign-in), policy ID, asynchronous mode and timeout.
* **Audit trail** — whether the Intacct side records which tenant it talks to (the custom
  package's audit-trail fields); the binding itself is ``tenant_id`` ↔ ``company_id``.
* **Defaults** — legislation, chart of accounts, transaction integration level, default
  tax solution, and the tax grid (one :class:`TaxDefault` per country).
* **Contacts** — the three contact switches.
* **Custom package** — the webhook URL the Smart Events post to, and the per-tenant
  webhook secret they carry.

The models validate at the edge (CLI, files); secrets are :class:`Secret` values that are
never printed.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from intacct_bridge.config.secrets import Secret
from intacct_bridge.errors import BridgeError
from intacct_bridge.intacct import DEFAULT_ENDPOINT, IntacctConfig, RetryPolicy
from intacct_bridge.model.errors import ModelError
from intacct_bridge.model.tenancy import check_tenant_id

#: The sender ID of the seed guide ("Enter the Sender ID: XT_mfg").
DEFAULT_SENDER_ID = "XT_mfg"
DEFAULT_CONFIG_ID = "intacct"
DEFAULT_ASYNC_TIMEOUT = 300

_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class ConfigError(BridgeError):
    """The integration configuration is missing or incomplete."""


class TransactionLevel(StrEnum):
    """Transaction integration level (MEGA): where finance transactions are posted."""

    TOP_LEVEL = "top_level"
    ENTITY_LEVEL = "entity_level"

    @property
    def label(self) -> str:
        return "Top level" if self is TransactionLevel.TOP_LEVEL else "Entity level"


def _url(value: str | None) -> str | None:
    if value is None:
        return None
    if not _URL.match(value) or len(value) > 500:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def _identifier(value: str | None, length: int) -> str | None:
    if value is None:
        return None
    if not value or value != value.strip() or len(value) > length:
        raise ValueError(f"{value!r} must be 1 to {length} characters without surrounding spaces")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class TaxDefault(_Model):
    """One row of the Defaults tab's tax grid: the tax set-up of one country."""

    #: ISO 3166 alpha-2; both products must use the same country
    country: str
    #: the Intacct tax solution (TAXSOLUTIONID)
    intacct_tax_solution: str | None = None
    #: short description of the tax the bridge applies in that country
    tax_solution: str | None = None
    #: tax category for this integration
    tax_category: str | None = None
    transaction_level: TransactionLevel = TransactionLevel.TOP_LEVEL

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper()
            if not _COUNTRY.match(value):
                raise ValueError(f"{value!r} is not an ISO 3166 country code (two letters)")
        return value

    @field_validator("intacct_tax_solution", "tax_solution", "tax_category")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return _identifier(value, 60)


class ContactSwitches(_Model):
    """The Contact block's switches (all off by default)."""

    #: apply predefined category names to Intacct customer and supplier contacts
    category_names: bool = False
    #: tick Intacct's "Exclude from company contact list" on the display contact
    exclude_display_contact: bool = False
    #: clean the contact list
    clean_contact_list: bool = False


class IntegrationConfig(_Model):
    """The configuration of one tenant's Intacct integration."""

    tenant_id: str
    # --- option and General tab -------------------------------------------------------------
    option_active: bool = False
    id: Annotated[str, Field(min_length=1, max_length=30)] = DEFAULT_CONFIG_ID
    active: bool = True
    endpoint_url: str = DEFAULT_ENDPOINT
    sender_id: str = DEFAULT_SENDER_ID
    sender_password: Secret | None = None
    company_id: str | None = None
    user_id: str | None = None
    user_password: Secret | None = None
    #: sign in to this entity of a MEGA company; ``None`` = top level
    entity_id: str | None = None
    policy_id: str | None = None
    asynchronous: bool = False
    async_timeout: Annotated[int, Field(ge=1, le=3600)] = DEFAULT_ASYNC_TIMEOUT
    # --- audit trail -----------------------------------------------------------------------
    audit_trail: bool = True
    # --- Defaults tab ----------------------------------------------------------------------
    legislation: str | None = None
    chart_of_accounts: str | None = None
    transaction_level: TransactionLevel = TransactionLevel.TOP_LEVEL
    tax_solution: str | None = None
    tax_defaults: tuple[TaxDefault, ...] = ()
    # --- Contact block ---------------------------------------------------------------------
    contacts: ContactSwitches = ContactSwitches()
    # --- Custom package tab ----------------------------------------------------------------
    webhook_url: str | None = None
    webhook_secret: Secret | None = None
    #: when the stored configuration last changed (set by the store)
    updated_at: dt.datetime | None = None

    @field_validator("tenant_id")
    @classmethod
    def _tenant(cls, value: str) -> str:
        try:
            return check_tenant_id(value)
        except ModelError as error:
            raise ValueError(f"{error.reason}; {error.fix}") from None

    @field_validator("endpoint_url", "webhook_url")
    @classmethod
    def _urls(cls, value: str | None) -> str | None:
        return _url(value)

    @field_validator("sender_id", "company_id", "policy_id", "chart_of_accounts", "tax_solution")
    @classmethod
    def _ids40(cls, value: str | None) -> str | None:
        return _identifier(value, 40)

    @field_validator("user_id")
    @classmethod
    def _user(cls, value: str | None) -> str | None:
        return _identifier(value, 80)

    @field_validator("entity_id")
    @classmethod
    def _entity(cls, value: str | None) -> str | None:
        return _identifier(value, 20)

    @field_validator("legislation", mode="before")
    @classmethod
    def _legislation(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper()
            if not _COUNTRY.match(value):
                raise ValueError(f"{value!r} is not a legislation (an ISO country code: US, GB …)")
        return value

    @field_validator("tax_defaults")
    @classmethod
    def _one_row_per_country(cls, value: tuple[TaxDefault, ...]) -> tuple[TaxDefault, ...]:
        countries = [row.country for row in value]
        twice = sorted({c for c in countries if countries.count(c) > 1})
        if twice:
            raise ValueError(f"one tax default per country; {', '.join(twice)} appears twice")
        return tuple(sorted(value, key=lambda row: row.country))

    @model_validator(mode="after")
    def _asynchronous_needs_a_policy(self) -> IntegrationConfig:
        if self.asynchronous and not self.policy_id:
            raise ValueError(
                "asynchronous mode needs a Policy ID (the transport policy Sage support set "
                "up for the sender ID)"
            )
        return self

    # --- use -----------------------------------------------------------------------------------

    def updated(self, **changes: Any) -> IntegrationConfig:
        """A copy with ``changes``, validated again (unlike ``model_copy``)."""
        return type(self).model_validate({**dict(self), **changes})

    def missing(self) -> list[str]:
        """Labels of the General-tab fields a sign-in needs and that are empty."""
        wanted = {
            "Endpoint URL": self.endpoint_url,
            "Sender ID": self.sender_id,
            "Sender password": self.sender_password,
            "Company ID": self.company_id,
            "User ID": self.user_id,
            "Password": self.user_password,
        }
        return [label for label, value in wanted.items() if not value]

    def intacct_config(
        self, *, timeout: float = 30.0, retry: RetryPolicy | None = None
    ) -> IntacctConfig:
        """The client configuration; raises :class:`ConfigError` if a field is missing and
        :class:`~intacct_bridge.config.secrets.SecretUnavailableError` if a password cannot
        be decrypted."""
        missing = self.missing()
        if missing:
            raise ConfigError(
                f"the configuration of tenant {self.tenant_id!r} lacks: {', '.join(missing)}"
            )
        assert self.sender_password and self.user_password and self.company_id and self.user_id
        return IntacctConfig(
            sender_id=self.sender_id,
            sender_password=self.sender_password.reveal(),
            company_id=self.company_id,
            user_id=self.user_id,
            user_password=self.user_password.reveal(),
            endpoint=self.endpoint_url,
            location_id=self.entity_id or "",
            timeout=timeout,
            retry=retry or RetryPolicy(),
        )

    def tax_default(self, country: str) -> TaxDefault | None:
        return next((row for row in self.tax_defaults if row.country == country.upper()), None)


#: The page's labels, for messages and ``config show``.
LABELS: dict[str, str] = {
    "option_active": "Sage Intacct integration (Options management)",
    "id": "ID",
    "active": "Active",
    "endpoint_url": "Endpoint URL",
    "sender_id": "Sender ID",
    "sender_password": "Sender password",
    "company_id": "Company ID",
    "user_id": "User ID",
    "user_password": "Password",
    "entity_id": "Entity ID",
    "policy_id": "Policy ID",
    "asynchronous": "Asynchronous",
    "async_timeout": "Asynchronous timeout (s)",
    "audit_trail": "Audit trail",
    "legislation": "Legislation",
    "chart_of_accounts": "Chart of accounts",
    "transaction_level": "Transaction integration level",
    "tax_solution": "Default tax solution",
    "tax_defaults": "Tax defaults",
    "contacts": "Contacts",
    "webhook_url": "Webhook URL",
    "webhook_secret": "Webhook secret",
}

SECRET_FIELDS = ("sender_password", "user_password", "webhook_secret")
