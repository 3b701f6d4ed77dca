"""Each tenant's posting configuration: stored, validated, and derived when none is stored.

:class:`PostingSettings` is the stored form (one JSON document per tenant in
``posting_config``, validated by pydantic at the edge; amounts and rates are ``Decimal``
written as strings; it holds no secrets). :func:`derive_settings` makes one from the
tenant's master data when nothing is stored — the stock journal, goods-in-transit,
rounding and inter-entity accounts the imported or pulled chart defines — and
:func:`effective_config` turns either into the export's
:class:`~intacct_bridge.export.PostingConfig`, saying which was used.

Account determination itself (item, customer, supplier and tax posting classes, and the
site's entity) comes from the posting classes in the store; the settings add the
company-wide accounts, the journal, rates, closed periods and policies.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import false, select, update
from sqlalchemy.orm import Session

from intacct_bridge.config.models import ConfigError
from intacct_bridge.model.analytics import AttributeTypeKind
from intacct_bridge.model.finance import Account, Journal
from intacct_bridge.model.tenancy import check_tenant_id
from intacct_bridge.posting.roles import AccountType
from intacct_bridge.posting.setup import ClosedPeriodPolicy, ExchangeRates, RevenueRecognition
from intacct_bridge.store.base import now
from intacct_bridge.store.errors import UnknownTenantError
from intacct_bridge.store.repositories import list_records
from intacct_bridge.store.tables.config import PostingConfigRow
from intacct_bridge.store.tables.tenancy import TenantRow

if TYPE_CHECKING:
    from intacct_bridge.export.service import PostingConfig

#: the journal a stock journal entry goes to when the store names none that fits
FALLBACK_JOURNAL = "INVJ"
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ID = re.compile(r"^[^\s].{0,39}$")


def _identifier(value: str, what: str) -> str:
    if not _ID.match(value) or value != value.strip():
        raise ValueError(f"{what} {value!r} must be 1 to 40 characters without surrounding spaces")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class RateSetting(_Model):
    """1 ``source`` = ``rate`` ``target`` from ``effective`` on."""

    source: str
    target: str
    rate: Decimal
    effective: dt.date

    @field_validator("source", "target", mode="before")
    @classmethod
    def _currency(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper()
            if not _CURRENCY.match(value):
                raise ValueError(f"{value!r} is not a currency code (three letters, e.g. EUR)")
        return value

    @field_validator("rate")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if not value.is_finite() or value <= 0:
            raise ValueError(f"the rate {value} must be a positive number (e.g. 1.087)")
        return value


class ClosedSetting(_Model):
    """The last closed day of a module (in one entity, or in all when ``entity`` is None)."""

    module: Literal["GL", "AP", "AR"]
    entity: str | None = None
    through: dt.date

    @field_validator("module", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value


class PostingSettings(_Model):
    """A tenant's posting configuration as stored (every field optional)."""

    #: journal of the stock journal entries; ``None`` = derived from the store's journals
    stock_journal: str | None = None
    #: company-wide accounts by account type (merged over the derived ones)
    default_accounts: dict[AccountType, str] = Field(default_factory=dict)
    revenue_recognition: RevenueRecognition = RevenueRecognition.ON_INVOICE
    closed_period_policy: ClosedPeriodPolicy = ClosedPeriodPolicy.REFUSE
    closed: tuple[ClosedSetting, ...] = ()
    rates: tuple[RateSetting, ...] = ()
    #: multi-entity company; ``None`` = decided from the companies' Intacct entities
    multi_entity: bool | None = None
    batch_size: int = Field(default=100, ge=1, le=100)
    lanes: int = Field(default=3, ge=1, le=16)
    #: (due from, due to); ``None`` = derived from the chart's account names
    interentity_accounts: tuple[str, str] | None = None
    #: attribute types whose Intacct dimension is left off the lines (e.g. ``project`` and
    #: ``task`` for a company without the Projects module)
    leave_off: tuple[AttributeTypeKind, ...] = ()

    @field_validator("stock_journal")
    @classmethod
    def _journal(cls, value: str | None) -> str | None:
        return None if value is None else _identifier(value, "journal")

    @field_validator("default_accounts")
    @classmethod
    def _accounts(cls, value: dict[AccountType, str]) -> dict[AccountType, str]:
        return {kind: _identifier(account, "account") for kind, account in value.items()}

    @field_validator("interentity_accounts")
    @classmethod
    def _pair(cls, value: tuple[str, str] | None) -> tuple[str, str] | None:
        if value is None:
            return None
        return (_identifier(value[0], "account"), _identifier(value[1], "account"))

    @model_validator(mode="after")
    def _unique(self) -> PostingSettings:
        days = [(r.source, r.target, r.effective) for r in self.rates]
        if len(days) != len(set(days)):
            raise ValueError("two rates for the same currencies and day; keep one")
        closes = [(c.module, c.entity) for c in self.closed]
        if len(closes) != len(set(closes)):
            raise ValueError("two closing dates for the same module and entity; keep one")
        return self

    def merged(self, overrides: Mapping[str, Any]) -> PostingSettings:
        """These settings with ``overrides`` (field → value) applied, validated again.
        Default accounts are merged; rates and closed periods replace those of the same
        currencies and day (module and entity)."""
        data = self.model_dump()
        for name, value in overrides.items():
            if name == "default_accounts":
                data[name] = {**data[name], **value}
            elif name == "rates":
                keep = {(r["source"], r["target"], r["effective"]): r for r in data[name]}
                for given in value:
                    rate = RateSetting.model_validate(given)
                    keep[(rate.source, rate.target, rate.effective)] = rate.model_dump()
                data[name] = list(keep.values())
            elif name == "closed":
                shut = {(c["module"], c["entity"]): c for c in data[name]}
                for given in value:
                    close = ClosedSetting.model_validate(given)
                    shut[(close.module, close.entity)] = close.model_dump()
                data[name] = list(shut.values())
            else:
                data[name] = value
        return PostingSettings.model_validate(data)


@dataclass(frozen=True)
class Effective:
    """The configuration a run uses and where it came from."""

    settings: PostingSettings
    #: ``stored`` or ``derived``
    source: str
    #: one line per derived value (what was taken from the store, or fell back)
    notes: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        if self.source == "stored":
            head = "Posting configuration: stored for this tenant"
        else:
            head = (
                "Posting configuration: derived from the store (none stored; "
                "intacct-bridge config posting set stores one)"
            )
        return "; ".join((head, *self.notes))


def _named(accounts: Iterable[Account], *words: str) -> str | None:
    for account in accounts:
        name = account.name.lower()
        if account.is_active and all(word in name for word in words):
            return account.id
    return None


def derive_settings(records: Iterable[object]) -> tuple[PostingSettings, tuple[str, ...]]:
    """Settings from the tenant's master data (accounts and journals), and a note per value.

    The stock journal is the active journal named *inventory* or *stock* (else ``INV`` or
    ``INVJ``); goods in transit and rounding are the accounts so named; the inter-entity
    accounts are the ones named *due from* and *due to*.
    """
    master = list(records)
    accounts = sorted((r for r in master if isinstance(r, Account)), key=lambda a: a.id)
    journals = sorted(
        (r for r in master if isinstance(r, Journal) and r.is_active), key=lambda j: j.id
    )
    notes: list[str] = []
    journal = next(
        (j.id for j in journals if any(w in j.name.lower() for w in ("inventory", "stock"))),
        None,
    ) or next((j.id for j in journals if j.id.upper() in ("INV", "INVJ")), None)
    if journal is None:
        journal = FALLBACK_JOURNAL
        notes.append(
            f"stock journal {journal} (no inventory journal in the store; set one with "
            "--stock-journal)"
        )
    else:
        notes.append(f"stock journal {journal}")
    defaults: dict[AccountType, str] = {}
    for kind, words in (
        (AccountType.GOODS_IN_TRANSIT, ("transit",)),
        (AccountType.ROUNDING, ("rounding",)),
    ):
        found = _named(accounts, *words)
        if found is not None:
            defaults[kind] = found
            notes.append(f"{kind.value} {found}")
    due_from, due_to = _named(accounts, "due from"), _named(accounts, "due to")
    pair = (due_from, due_to) if due_from and due_to else None
    if pair is not None:
        notes.append(f"inter-entity accounts {pair[0]},{pair[1]}")
    settings = PostingSettings(
        stock_journal=journal, default_accounts=defaults, interentity_accounts=pair
    )
    return settings, tuple(notes)


def check_settings(settings: PostingSettings, records: Iterable[object]) -> list[str]:
    """What in ``settings`` the tenant's master data does not know (empty = fine): each
    message names the field and the fix. The inter-entity accounts are Intacct's own
    configuration (its inter-entity relationships), so they are not looked up here."""
    master = list(records)
    accounts = {r.id for r in master if isinstance(r, Account)}
    journals = {r.id for r in master if isinstance(r, Journal)}
    problems: list[str] = []
    fix = "import or pull it first (intacct-bridge pull --full), or give another"
    for kind, account in settings.default_accounts.items():
        if account not in accounts:
            problems.append(
                f"default_accounts.{kind.value}: account {account!r} is not in the tenant's "
                f"chart of accounts; {fix}"
            )
    if settings.stock_journal is not None and settings.stock_journal not in journals:
        problems.append(
            f"stock_journal: journal {settings.stock_journal!r} is not among the tenant's "
            f"journals ({', '.join(sorted(journals)) or 'none'}); {fix}"
        )
    return problems


def _tenant(session: Session, tenant_id: str) -> None:
    check_tenant_id(tenant_id)
    if session.get(TenantRow, tenant_id) is None:
        raise UnknownTenantError(tenant_id)


def lock_settings(session: Session, tenant_id: str) -> None:
    """Serialise read-modify-write of one tenant's settings (two ``set`` at once): the
    tenant row on PostgreSQL, the database's write lock on SQLite (no row locks there)."""
    check_tenant_id(tenant_id)
    if session.get_bind().dialect.name == "sqlite":  # first: before any read of this one
        session.execute(
            update(PostingConfigRow).where(false()).values(tenant_id=PostingConfigRow.tenant_id)
        )
    found = session.execute(
        select(TenantRow.id).where(TenantRow.id == tenant_id).with_for_update()
    ).first()
    if found is None:
        raise UnknownTenantError(tenant_id)


def get_settings(session: Session, tenant_id: str) -> PostingSettings | None:
    """The tenant's stored posting settings, or ``None``."""
    _tenant(session, tenant_id)
    row = session.get(PostingConfigRow, tenant_id)
    if row is None:
        return None
    try:
        return PostingSettings.model_validate_json(row.settings)
    except ValueError as error:
        raise ConfigError(
            f"the stored posting configuration of tenant {tenant_id!r} is not valid ({error}); "
            "run intacct-bridge config posting reset, then set it again"
        ) from error


def save_settings(session: Session, tenant_id: str, settings: PostingSettings) -> None:
    """Store ``settings`` as the tenant's posting configuration (flushes, never commits)."""
    _tenant(session, tenant_id)
    row = session.get(PostingConfigRow, tenant_id)
    if row is None:
        row = PostingConfigRow(tenant_id=tenant_id)
        session.add(row)
    row.settings = settings.model_dump_json()
    row.updated_at = now()
    session.flush()


def reset_settings(session: Session, tenant_id: str) -> bool:
    """Remove the tenant's stored posting configuration; whether there was one."""
    _tenant(session, tenant_id)
    row = session.get(PostingConfigRow, tenant_id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def master_records(session: Session, tenant_id: str) -> list[object]:
    """The tenant's accounts and journals."""
    return [*list_records(session, tenant_id, Account), *list_records(session, tenant_id, Journal)]


def effective_settings(
    session: Session, tenant_id: str, overrides: Mapping[str, Any] | None = None
) -> Effective:
    """The settings a run of ``tenant_id`` uses: the stored ones (a missing journal or
    inter-entity pair derived), else the derived ones; ``overrides`` applied for this run."""
    stored = get_settings(session, tenant_id)
    derived, notes = derive_settings(master_records(session, tenant_id))
    if stored is None:
        settings, source = derived, "derived"
    else:
        fill: dict[str, Any] = {}
        if stored.stock_journal is None:
            fill["stock_journal"] = derived.stock_journal
        if stored.interentity_accounts is None and derived.interentity_accounts is not None:
            fill["interentity_accounts"] = derived.interentity_accounts
        defaults = {**derived.default_accounts, **stored.default_accounts}
        fill["default_accounts"] = defaults
        settings, source, notes = stored.merged(fill), "stored", ()
    if overrides:
        settings = settings.merged(overrides)
    return Effective(settings, source, notes)


def to_posting_config(settings: PostingSettings) -> PostingConfig:
    """The export's configuration of ``settings``."""
    from intacct_bridge.export.service import PostingConfig

    return PostingConfig(
        default_accounts=dict(settings.default_accounts),
        stock_journal=settings.stock_journal or FALLBACK_JOURNAL,
        rates=ExchangeRates([(r.source, r.target, r.effective, r.rate) for r in settings.rates]),
        closed_through={(c.module, c.entity): c.through for c in settings.closed},
        closed_period_policy=settings.closed_period_policy,
        revenue_recognition=settings.revenue_recognition,
        multi_entity=settings.multi_entity,
        batch_size=settings.batch_size,
        lanes=settings.lanes,
        interentity_accounts=settings.interentity_accounts,
        left_off=frozenset(settings.leave_off),
    )


def effective_config(
    session: Session, tenant_id: str, overrides: Mapping[str, Any] | None = None
) -> tuple[PostingConfig, Effective]:
    """:func:`effective_settings` as the export's configuration."""
    effective = effective_settings(session, tenant_id, overrides)
    return to_posting_config(effective.settings), effective


__all__ = [
    "FALLBACK_JOURNAL",
    "ClosedSetting",
    "Effective",
    "PostingSettings",
    "RateSetting",
    "check_settings",
    "derive_settings",
    "effective_config",
    "effective_settings",
    "get_settings",
    "lock_settings",
    "master_records",
    "reset_settings",
    "save_settings",
    "to_posting_config",
]
