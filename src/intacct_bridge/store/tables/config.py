"""``integration_config`` and ``integration_tax_default``: one Intacct configuration per tenant;
``posting_config``: its posting configuration.

Passwords and the webhook secret are stored only as Fernet ciphertext (the ``*_ciphertext``
columns, see :mod:`intacct_bridge.config.secrets`); the key never reaches the database.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intacct_bridge.store.base import TENANT_ID_LENGTH, Base, tenant_key

#: the values of :class:`intacct_bridge.config.models.TransactionLevel` (a test keeps them equal)
TRANSACTION_LEVELS = ("top_level", "entity_level")


def _level_check() -> CheckConstraint:
    values = ", ".join(f"'{value}'" for value in TRANSACTION_LEVELS)
    return CheckConstraint(f"transaction_level IN ({values})", name="transaction_level")


class IntegrationConfigRow(Base):
    """The "Sage Intacct configuration" page of one tenant."""

    __tablename__ = "integration_config"
    __table_args__ = (_level_check(),)

    tenant_id: Mapped[str] = tenant_key()
    config_id: Mapped[str] = mapped_column(String(30))
    option_active: Mapped[bool]
    is_active: Mapped[bool]
    endpoint_url: Mapped[str] = mapped_column(String(500))
    sender_id: Mapped[str] = mapped_column(String(40))
    sender_password_ciphertext: Mapped[str | None] = mapped_column(Text)
    company_id: Mapped[str | None] = mapped_column(String(40))
    user_id: Mapped[str | None] = mapped_column(String(80))
    user_password_ciphertext: Mapped[str | None] = mapped_column(Text)
    entity_id: Mapped[str | None] = mapped_column(String(20))
    policy_id: Mapped[str | None] = mapped_column(String(40))
    is_asynchronous: Mapped[bool]
    async_timeout: Mapped[int]
    audit_trail: Mapped[bool]
    legislation: Mapped[str | None] = mapped_column(String(2))
    chart_of_accounts: Mapped[str | None] = mapped_column(String(40))
    transaction_level: Mapped[str] = mapped_column(String(20))
    tax_solution: Mapped[str | None] = mapped_column(String(40))
    contact_category_names: Mapped[bool]
    exclude_display_contact: Mapped[bool]
    clean_contact_list: Mapped[bool]
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret_ciphertext: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime]


class IntegrationTaxDefaultRow(Base):
    """One row of the Defaults tab's tax grid (one per country)."""

    __tablename__ = "integration_tax_default"
    __table_args__ = (_level_check(),)

    tenant_id: Mapped[str] = mapped_column(
        String(TENANT_ID_LENGTH),
        ForeignKey("integration_config.tenant_id", ondelete="CASCADE"),
        primary_key=True,
    )
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    intacct_tax_solution: Mapped[str | None] = mapped_column(String(60))
    tax_solution: Mapped[str | None] = mapped_column(String(60))
    tax_category: Mapped[str | None] = mapped_column(String(60))
    transaction_level: Mapped[str] = mapped_column(String(20))


class PostingConfigRow(Base):
    """One tenant's posting configuration: a JSON document validated by
    :class:`intacct_bridge.config.posting.PostingSettings` (no secrets; Decimals as strings)."""

    __tablename__ = "posting_config"

    tenant_id: Mapped[str] = tenant_key()
    settings: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime]
