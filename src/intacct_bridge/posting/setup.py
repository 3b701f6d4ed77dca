"""Everything the posting engine reads besides the document: one immutable value.

:class:`PostingSetup` holds the tenant's accounts, posting classes, items, parties, sites and
companies, tax details, the analytical mapping to Intacct's dimension fields, company-wide
default accounts, journals, exchange rates and closed periods. Building it (from the store, or
by hand in a test) is the caller's business; the engine only reads it, so posting is a pure
function of (document, setup).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from intacct_bridge.model.analytics import AttributeType, AttributeTypeKind, DimensionType
from intacct_bridge.model.finance import Account, PostingClass, PostingClassKind, TaxDetail
from intacct_bridge.model.items import Item
from intacct_bridge.model.parties import Customer, Supplier
from intacct_bridge.model.sites import Company, Site
from intacct_bridge.posting.roles import AccountType

#: Intacct line field of each dimension object; user-defined dimensions are ``GLDIM<OBJECT>``
DIMENSION_FIELDS: Mapping[str, str] = {
    "LOCATION": "LOCATION",
    "DEPARTMENT": "DEPARTMENT",
    "PROJECT": "PROJECTID",
    "TASK": "TASKID",
    "CUSTOMER": "CUSTOMERID",
    "VENDOR": "VENDORID",
    "EMPLOYEE": "EMPLOYEEID",
    "ITEM": "ITEMID",
    "CLASS": "CLASSID",
    "WAREHOUSE": "WAREHOUSEID",
    "CONTRACT": "CONTRACTID",
    "COSTTYPE": "COSTTYPEID",
}

#: Intacct object of each attribute type unless the tenant's attribute types say otherwise;
#: the financial site is the entity, carried by the line's entity, not by a dimension field
DEFAULT_ATTRIBUTE_OBJECTS: Mapping[AttributeTypeKind, str | None] = {
    AttributeTypeKind.BUSINESS_SITE: "LOCATION",
    AttributeTypeKind.CUSTOMER: "CUSTOMER",
    AttributeTypeKind.EMPLOYEE: "EMPLOYEE",
    AttributeTypeKind.FINANCIAL_SITE: None,
    AttributeTypeKind.ITEM: "ITEM",
    AttributeTypeKind.MANUFACTURING_SITE: "WAREHOUSE",
    AttributeTypeKind.PROJECT: "PROJECT",
    AttributeTypeKind.STOCK_SITE: "WAREHOUSE",
    AttributeTypeKind.SUPPLIER: "VENDOR",
    AttributeTypeKind.TASK: "TASK",
}


def dimension_field(intacct_object: str) -> str:
    """The Intacct line field for a dimension object (``PROJECT`` → ``PROJECTID``)."""
    name = intacct_object.upper()
    return DIMENSION_FIELDS.get(name, f"GLDIM{name}")


class RevenueRecognition(StrEnum):
    """When sales revenue is recognised."""

    ON_INVOICE = "on_invoice"
    #: the shipment books Dr shipped-not-invoiced / Cr revenue at the item's price; the
    #: invoice clears shipped-not-invoiced and books the price difference to revenue
    ON_SHIPMENT = "on_shipment"


class ExchangeRates:
    """Rates to a base currency by date; the rate of a day is the latest on or before it."""

    def __init__(self, rates: Iterable[tuple[str, str, dt.date, Decimal]] = ()) -> None:
        table: dict[tuple[str, str], list[tuple[dt.date, Decimal]]] = {}
        for source, base, day, rate in rates:
            if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
                raise ValueError(f"rate {source}->{base} on {day} must be a positive Decimal")
            table.setdefault((source, base), []).append((day, rate))
        self._days: dict[tuple[str, str], list[dt.date]] = {}
        self._rates: dict[tuple[str, str], list[Decimal]] = {}
        for pair, values in table.items():
            values.sort()
            self._days[pair] = [day for day, _ in values]
            self._rates[pair] = [rate for _, rate in values]

    def rate(self, source: str, base: str, day: dt.date) -> Decimal | None:
        """Units of ``base`` per unit of ``source`` on ``day``; ``None`` if none is known."""
        if source == base:
            return Decimal(1)
        days = self._days.get((source, base))
        if not days:
            return None
        index = bisect.bisect_right(days, day)
        return None if index == 0 else self._rates[(source, base)][index - 1]


class ClosedPeriodPolicy(StrEnum):
    """What a subledger document dated in a period closed in its subledger does."""

    #: a ``closed_period`` problem naming the document, its date and the fix (default)
    REFUSE = "refuse"
    #: posted with the subledger's first open day as GL posting date (the GL must be open)
    FIRST_OPEN_DATE = "first_open_date"


@dataclass(frozen=True, slots=True)
class PostingSetup:
    """The tenant's posting configuration and the reference data documents point at."""

    accounts: Mapping[str, Account]
    posting_classes: Mapping[tuple[PostingClassKind, str], PostingClass]
    items: Mapping[str, Item]
    sites: Mapping[str, Site]
    companies: Mapping[str, Company]
    customers: Mapping[str, Customer] = field(default_factory=dict)
    suppliers: Mapping[str, Supplier] = field(default_factory=dict)
    tax_details: Mapping[str, TaxDetail] = field(default_factory=dict)
    dimension_types: Mapping[str, DimensionType] = field(default_factory=dict)
    attribute_objects: Mapping[AttributeTypeKind, str | None] = field(
        default_factory=lambda: dict(DEFAULT_ATTRIBUTE_OBJECTS)
    )
    #: company-wide accounts: non-detailed account types, and the fallback of detailed ones
    default_accounts: Mapping[AccountType, str] = field(default_factory=dict)
    #: receipt unit cost per (company ID, item ID) in the company's currency; the item's
    #: standard cost otherwise. A purchase invoice clears GRNI at this value.
    receipt_costs: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    #: journal of the stock journal entries
    stock_journal: str = "INVJ"
    revenue_recognition: RevenueRecognition = RevenueRecognition.ON_INVOICE
    rates: ExchangeRates = field(default_factory=ExchangeRates)
    #: the last closed day per (module ``GL``/``AP``/``AR``, entity or ``None`` for all)
    closed_through: Mapping[tuple[str, str | None], dt.date] = field(default_factory=dict)
    #: whether the Intacct company is multi-entity (lines carry their entity)
    multi_entity: bool = False
    #: what an AP/AR document dated in a period closed in its subledger (but open in the
    #: GL) does: ``refuse`` (a ``closed_period`` problem) or ``first_open_date`` (posted
    #: with the first open day of the subledger as its GL posting date)
    closed_period_policy: ClosedPeriodPolicy = field(
        default_factory=lambda: ClosedPeriodPolicy.REFUSE
    )

    def site_entity(self, site_id: str) -> str | None:
        """The Intacct entity of a site's financial site (``None`` when it has none)."""
        site = self.sites.get(site_id)
        if site is None:
            return None
        ledger = self.sites.get(site.ledger_site_id, site)
        if ledger.intacct_entity_id is not None:
            return ledger.intacct_entity_id
        company = self.companies.get(ledger.company_id)
        return None if company is None else company.intacct_entity_id

    def site_currency(self, site_id: str) -> str | None:
        """The base currency of the company a site belongs to."""
        site = self.sites.get(site_id)
        company = None if site is None else self.companies.get(site.company_id)
        return None if company is None else company.currency

    def closed(self, module: str, entity_id: str | None, day: dt.date) -> dt.date | None:
        """The closing date that makes ``day`` closed for ``module`` in ``entity_id``.

        Closing the GL closes every subledger too (Intacct closes the subledgers first).
        """
        modules = (module,) if module == "GL" else (module, "GL")
        keys = [(m, e) for m in modules for e in (entity_id, None)]
        for key in keys:
            through = self.closed_through.get(key)
            if through is not None and day <= through:
                return through
        return None


def first_open_day(through: dt.date) -> dt.date:
    """The first day after a close."""
    return through + dt.timedelta(days=1)


def setup_from_records(records: Iterable[object], **settings: Any) -> PostingSetup:
    """A setup from model records (accounts, posting classes, items, sites, parties …).

    Records of other kinds are ignored, so a whole import stream can be passed. ``settings``
    are the remaining :class:`PostingSetup` fields (default accounts, journal, rates …).
    Attribute types with an Intacct object override :data:`DEFAULT_ATTRIBUTE_OBJECTS`.
    """
    accounts: dict[str, Account] = {}
    classes: dict[tuple[PostingClassKind, str], PostingClass] = {}
    items: dict[str, Item] = {}
    sites: dict[str, Site] = {}
    companies: dict[str, Company] = {}
    customers: dict[str, Customer] = {}
    suppliers: dict[str, Supplier] = {}
    taxes: dict[str, TaxDetail] = {}
    dimension_types: dict[str, DimensionType] = {}
    attribute_objects: dict[AttributeTypeKind, str | None] = dict(DEFAULT_ATTRIBUTE_OBJECTS)
    for record in records:
        match record:
            case Account():
                accounts[record.id] = record
            case PostingClass():
                classes[(record.type, record.id)] = record
            case Item():
                items[record.id] = record
            case Site():
                sites[record.id] = record
            case Company():
                companies[record.id] = record
            case Customer():
                customers[record.id] = record
            case Supplier():
                suppliers[record.id] = record
            case TaxDetail():
                taxes[record.id] = record
            case DimensionType():
                dimension_types[record.id] = record
            case AttributeType() if record.id is not AttributeTypeKind.FINANCIAL_SITE:
                if record.intacct_object:
                    attribute_objects[record.id] = record.intacct_object
    return PostingSetup(
        accounts=accounts,
        posting_classes=classes,
        items=items,
        sites=sites,
        companies=companies,
        customers=customers,
        suppliers=suppliers,
        tax_details=taxes,
        dimension_types=dimension_types,
        attribute_objects=attribute_objects,
        **settings,
    )
