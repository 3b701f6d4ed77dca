"""Reading and writing each tenant's integration configuration in the SQL store.

Like :mod:`intacct_bridge.store.repositories`, every function on tenant data takes the
tenant ID right after the session, flushes and never commits. Secrets go in and out
through a :class:`~intacct_bridge.config.secrets.Keyring`; only ciphertext is stored.

Saving a configuration with a company ID also binds the tenant to that Intacct company
(``tenant.intacct_company_id``) — the audit trail's "which tenant this Intacct company
is bound to". An Intacct company serves one tenant; moving a tenant to another company
needs ``rebind=True``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from intacct_bridge.config.models import (
    ConfigError,
    ContactSwitches,
    IntegrationConfig,
    TaxDefault,
    TransactionLevel,
)
from intacct_bridge.config.secrets import (
    Keyring,
    Secret,
    SecretKeyError,
    SecretUnavailableError,
)
from intacct_bridge.errors import BridgeError
from intacct_bridge.model.tenancy import check_tenant_id
from intacct_bridge.store.base import now
from intacct_bridge.store.errors import UnknownTenantError
from intacct_bridge.store.tables.config import IntegrationConfigRow, IntegrationTaxDefaultRow
from intacct_bridge.store.tables.tenancy import TenantRow

#: (model field, row column, what it is called in messages)
_SECRETS = (
    ("sender_password", "sender_password_ciphertext", "sender password"),
    ("user_password", "user_password_ciphertext", "user password"),
    ("webhook_secret", "webhook_secret_ciphertext", "webhook secret"),
)


class BindingError(BridgeError):
    """The Intacct company is bound to another tenant, or the tenant to another company."""


@dataclass(frozen=True)
class Binding:
    """The audit trail's binding: which tenant an Intacct company talks to."""

    tenant_id: str
    company_id: str | None


def _tenant_row(session: Session, tenant_id: str) -> TenantRow:
    check_tenant_id(tenant_id)
    row = session.get(TenantRow, tenant_id)
    if row is None:
        raise UnknownTenantError(tenant_id)
    return row


def get_config(
    session: Session, tenant_id: str, keyring: Keyring | None
) -> IntegrationConfig | None:
    """The tenant's configuration, or ``None`` if it has none yet.

    Secrets that cannot be decrypted (no keyring, or the wrong key) come back as
    :meth:`Secret.unavailable` values: shown as set, refusing to reveal themselves.
    """
    _tenant_row(session, tenant_id)
    row = session.get(IntegrationConfigRow, tenant_id)
    if row is None:
        return None
    secrets: dict[str, Secret | None] = {}
    for field, column, what in _SECRETS:
        token: str | None = getattr(row, column)
        if token is None:
            secrets[field] = None
        elif keyring is None:
            secrets[field] = Secret.unavailable(
                f"the stored {what} cannot be read without the secret key (run "
                "`intacct-bridge init` or set INTACCT_BRIDGE_SECRET_KEY)"
            )
        else:
            try:
                secrets[field] = keyring.decrypt(token, what=what)
            except SecretUnavailableError as error:
                secrets[field] = Secret.unavailable(str(error))
    tax_rows = session.scalars(
        select(IntegrationTaxDefaultRow)
        .where(IntegrationTaxDefaultRow.tenant_id == tenant_id)
        .order_by(IntegrationTaxDefaultRow.country)
    )
    return IntegrationConfig(
        tenant_id=tenant_id,
        option_active=row.option_active,
        id=row.config_id,
        active=row.is_active,
        endpoint_url=row.endpoint_url,
        sender_id=row.sender_id,
        company_id=row.company_id,
        user_id=row.user_id,
        entity_id=row.entity_id,
        policy_id=row.policy_id,
        asynchronous=row.is_asynchronous,
        async_timeout=row.async_timeout,
        audit_trail=row.audit_trail,
        legislation=row.legislation,
        chart_of_accounts=row.chart_of_accounts,
        transaction_level=TransactionLevel(row.transaction_level),
        tax_solution=row.tax_solution,
        tax_defaults=tuple(
            TaxDefault(
                country=tax.country,
                intacct_tax_solution=tax.intacct_tax_solution,
                tax_solution=tax.tax_solution,
                tax_category=tax.tax_category,
                transaction_level=TransactionLevel(tax.transaction_level),
            )
            for tax in tax_rows
        ),
        contacts=ContactSwitches(
            category_names=row.contact_category_names,
            exclude_display_contact=row.exclude_display_contact,
            clean_contact_list=row.clean_contact_list,
        ),
        webhook_url=row.webhook_url,
        updated_at=row.updated_at,
        **secrets,
    )


def save_config(
    session: Session,
    tenant_id: str,
    config: IntegrationConfig,
    keyring: Keyring | None,
    *,
    rebind: bool = False,
) -> None:
    """Store ``config`` as the tenant's configuration (replacing the previous one).

    A secret that is unchanged (an :meth:`Secret.unavailable` value read back by
    :func:`get_config`) keeps its stored ciphertext; a new secret needs ``keyring``.

    Raises:
        BindingError: the company is bound to another tenant, or (without ``rebind``) this
            tenant is bound to another company.
        SecretKeyError: a new secret but no keyring.
    """
    if config.tenant_id != tenant_id:
        raise ValueError(f"the configuration is for tenant {config.tenant_id!r}, not {tenant_id!r}")
    tenant = _tenant_row(session, tenant_id)
    _bind(session, tenant, config.company_id, rebind=rebind)
    row = session.get(IntegrationConfigRow, tenant_id)
    if row is None:
        row = IntegrationConfigRow(tenant_id=tenant_id)
        session.add(row)
    for field, column, what in _SECRETS:
        secret: Secret | None = getattr(config, field)
        if secret is None:
            setattr(row, column, None)
        elif not secret.readable:
            if getattr(row, column) is None:
                raise ConfigError(f"the {what} cannot be read and is not stored; set it again")
        else:
            if keyring is None:
                raise SecretKeyError(f"a secret key is needed to store the {what}")
            setattr(row, column, keyring.encrypt(secret))
    row.config_id = config.id
    row.option_active = config.option_active
    row.is_active = config.active
    row.endpoint_url = config.endpoint_url
    row.sender_id = config.sender_id
    row.company_id = config.company_id
    row.user_id = config.user_id
    row.entity_id = config.entity_id
    row.policy_id = config.policy_id
    row.is_asynchronous = config.asynchronous
    row.async_timeout = config.async_timeout
    row.audit_trail = config.audit_trail
    row.legislation = config.legislation
    row.chart_of_accounts = config.chart_of_accounts
    row.transaction_level = config.transaction_level.value
    row.tax_solution = config.tax_solution
    row.contact_category_names = config.contacts.category_names
    row.exclude_display_contact = config.contacts.exclude_display_contact
    row.clean_contact_list = config.contacts.clean_contact_list
    row.webhook_url = config.webhook_url
    row.updated_at = now()
    session.flush()
    existing = {
        tax.country: tax
        for tax in session.scalars(
            select(IntegrationTaxDefaultRow).where(IntegrationTaxDefaultRow.tenant_id == tenant_id)
        )
    }
    wanted = {tax.country for tax in config.tax_defaults}
    for country, tax_row in existing.items():
        if country not in wanted:
            session.delete(tax_row)
    for tax in config.tax_defaults:
        tax_row = existing.get(tax.country) or IntegrationTaxDefaultRow(
            tenant_id=tenant_id, country=tax.country
        )
        tax_row.intacct_tax_solution = tax.intacct_tax_solution
        tax_row.tax_solution = tax.tax_solution
        tax_row.tax_category = tax.tax_category
        tax_row.transaction_level = tax.transaction_level.value
        session.add(tax_row)
    session.flush()


def _bind(session: Session, tenant: TenantRow, company_id: str | None, *, rebind: bool) -> None:
    if company_id is None or tenant.intacct_company_id == company_id:
        return
    holder = session.scalars(
        select(TenantRow.id).where(
            TenantRow.intacct_company_id == company_id, TenantRow.id != tenant.id
        )
    ).first()
    if holder is not None:
        raise BindingError(
            f"Intacct company {company_id!r} is bound to tenant {holder!r}; each Intacct "
            "company serves one tenant (its Smart Events post to that tenant)"
        )
    if tenant.intacct_company_id is not None and not rebind:
        raise BindingError(
            f"tenant {tenant.id!r} is bound to Intacct company {tenant.intacct_company_id!r}; "
            f"to move it to {company_id!r}, pass --rebind, then export the custom package and "
            "import it into the new company"
        )
    tenant.intacct_company_id = company_id
    session.flush()


def binding(session: Session, tenant_id: str) -> Binding:
    """Which Intacct company the tenant is bound to."""
    return Binding(tenant_id, _tenant_row(session, tenant_id).intacct_company_id)


def rotate_secrets(session: Session, keyring: Keyring) -> int:
    """Re-encrypt every stored secret of every tenant under the keyring's newest key.

    All or nothing: if one secret cannot be decrypted, :class:`SecretUnavailableError`
    names it and nothing is changed (the caller rolls back). Returns how many secrets were
    re-encrypted.
    """
    count = 0
    rows = session.scalars(select(IntegrationConfigRow).order_by(IntegrationConfigRow.tenant_id))
    for row in rows:
        for _field, column, what in _SECRETS:
            token: str | None = getattr(row, column)
            if token is None:
                continue
            setattr(row, column, keyring.rotate(token, what=f"{what} of tenant {row.tenant_id!r}"))
            count += 1
    session.flush()
    return count


def unreadable_secrets(session: Session, keyring: Keyring) -> list[str]:
    """The stored secrets the keyring cannot decrypt, as "tenant: what" (empty = all fine)."""
    problems: list[str] = []
    rows = session.scalars(select(IntegrationConfigRow).order_by(IntegrationConfigRow.tenant_id))
    for row in rows:
        for _field, column, what in _SECRETS:
            token: str | None = getattr(row, column)
            if token is None:
                continue
            try:
                keyring.decrypt(token, what=what)
            except SecretUnavailableError:
                problems.append(f"{row.tenant_id}: {what}")
    return problems


__all__ = [
    "Binding",
    "BindingError",
    "binding",
    "get_config",
    "rotate_secrets",
    "save_config",
    "unreadable_secrets",
]
