"""The demo company's master and financial data, built as model values.

A US parent (entity 100: head office, two distribution centres, a plant) and a Canadian
subsidiary (entity 200: head office with a warehouse, and a western warehouse); a chart of
accounts whose accounts name the dimensions and attributes their lines need; journals,
AP/AR terms, US state sales tax and Canadian GST/HST; posting classes; items in fourteen
product lines plus service items; customers and suppliers with contacts; employees,
customer projects and their tasks.

Besides the records, :class:`MasterData` keeps what the document generator needs to pick
plausible partners and items (weights, favourite product lines, prices, line attributes);
all of it is proportional to the master data, never to the documents.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import accumulate
from typing import TypeVar

from intacct_bridge.demo import catalog as cat
from intacct_bridge.demo.plan import Stream, apportion, mix
from intacct_bridge.model import (
    MASTER_KINDS,
    Account,
    Address,
    Attribute,
    AttributeRef,
    AttributeType,
    AttributeTypeKind,
    BankAccount,
    Company,
    Contact,
    Customer,
    Dimension,
    DimensionRef,
    DimensionType,
    Entity,
    Item,
    Journal,
    Ledger,
    PaymentTerm,
    PostingClass,
    PostingClassKind,
    PostingClassLine,
    Record,
    Site,
    SiteRole,
    Supplier,
    TaxDetail,
    TaxSolution,
    TaxType,
)

A = AttributeTypeKind

#: planning exchange rates: units of each currency per US dollar
FX = {"USD": Decimal(1), "CAD": Decimal("1.36"), "EUR": Decimal("0.92"), "JPY": Decimal(150)}
#: decimal places each currency's amounts are rounded to
CURRENCY_PLACES = {"JPY": Decimal(1)}

DEPT, CLASS, CHANNEL, REGION = "DEPT", "CLASS", "CHANNEL", "REGION"
DEPARTMENTS = (
    ("SALES", "Sales"),
    ("PURCH", "Purchasing"),
    ("WHSE", "Warehouse and Logistics"),
    ("PROD", "Production"),
    ("SVC", "Field Service"),
    ("QA", "Quality Assurance"),
    ("FIN", "Finance and Administration"),
)
CHANNELS = (
    ("DIRECT", "Direct industrial accounts", 55),
    ("OEM", "OEM accounts", 20),
    ("DIST", "Resellers", 15),
    ("ECOM", "Web store", 10),
)
#: price discount in percent by channel: (low, high)
CHANNEL_DISCOUNT = {"DIRECT": (0, 8), "OEM": (10, 15), "DIST": (15, 22), "ECOM": (0, 0)}

AR_TERMS = (("Net 30", 30, None, None, 50), ("Net 45", 45, None, None, 15),
            ("Net 60", 60, None, None, 8), ("2% 10 Net 30", 30, 10, "2", 17),
            ("Due on receipt", 0, None, None, 10))  # fmt: skip
AP_TERMS = (("Net 30", 30, None, None, 45), ("Net 45", 45, None, None, 20),
            ("Net 60", 60, None, None, 15), ("1% 10 Net 30", 30, 10, "1", 15),
            ("Net 90", 90, None, None, 5))  # fmt: skip

_SALE = (A.CUSTOMER, A.ITEM)
_TAX_WORD = {TaxType.SALES: "sales", TaxType.PURCHASE: "purchases"}
_ACCOUNTS: tuple[tuple[str, str, dict[str, object]], ...] = (
    ("1010", "Cash - Operating USD", {}),
    ("1020", "Cash - Operating CAD", {}),
    ("1200", "Accounts Receivable - Trade", {"control": True, "attrs": (A.CUSTOMER,)}),
    ("1300", "Inventory - Raw Materials", {"attrs": (A.ITEM, A.STOCK_SITE)}),
    ("1310", "Inventory - Finished Goods", {"attrs": (A.ITEM, A.STOCK_SITE)}),
    ("1320", "Inventory - Merchandise", {"attrs": (A.ITEM, A.STOCK_SITE)}),
    ("1400", "Work in Process", {"dims": (DEPT,), "attrs": (A.MANUFACTURING_SITE,)}),
    ("1330", "Goods in Transit", {}),
    ("1410", "GST/HST Recoverable", {}),
    ("1500", "Due from Related Entities", {}),
    ("2000", "Accounts Payable - Trade", {"control": True, "attrs": (A.SUPPLIER,)}),
    ("2050", "Goods Received Not Invoiced", {"attrs": (A.SUPPLIER,)}),
    ("2200", "Sales Tax Payable", {}),
    ("2210", "GST/HST Payable", {}),
    ("2500", "Due to Related Entities", {}),
    ("4000", "Sales - Industrial Products", {"dims": (CLASS, DEPT), "attrs": _SALE}),
    ("4010", "Sales - Engineered Equipment", {"dims": (CLASS, DEPT), "attrs": _SALE}),
    ("4100", "Service and Freight Revenue", {"dims": (DEPT,), "attrs": (A.CUSTOMER,)}),
    ("4900", "Sales Returns and Allowances", {"dims": (CLASS,), "attrs": _SALE}),
    ("4950", "Sales Discounts", {"attrs": (A.CUSTOMER,)}),
    ("5000", "Cost of Goods Sold", {"dims": (CLASS,), "attrs": (A.ITEM,)}),
    ("5100", "Purchase Price Variance", {"attrs": (A.SUPPLIER, A.ITEM)}),
    ("5150", "Purchase Discounts", {"attrs": (A.SUPPLIER,)}),
    ("5200", "Inventory Adjustments", {"dims": (DEPT,), "attrs": (A.STOCK_SITE,)}),
    ("5300", "Freight In", {"attrs": (A.SUPPLIER,)}),
    ("5400", "Service Labor Cost", {"dims": (DEPT,)}),
    ("5900", "Rounding Differences", {}),
)  # fmt: skip

_UNIT_TEXT = {"EA": "each", "BX": "by the box", "FT": "by the foot", "PR": "by the pair"}

_ITEM_CLASSES = (
    ("RESALE", "Merchandise for resale", "1320", "4000"),
    ("RAW", "Raw materials and components", "1300", "4000"),
    ("FG", "Manufactured finished goods", "1310", "4010"),
)
_ITEM_CLASS_COMMON = {
    "cost_of_goods_sold": "5000",
    "purchase_accrual": "2050",
    "purchase_price_variance": "5100",
    "stock_adjustment": "5200",
    "sales_returns": "4900",
    "work_in_process": "1400",
}


@dataclass(frozen=True, slots=True)
class Tax:
    """A tax detail a party's lines use."""

    id: str
    rate: Decimal
    solution_id: str


@dataclass(slots=True)
class CompanyInfo:
    """One legal company with its sites."""

    company: Company
    currency: str
    fx: Decimal
    tax_solution_id: str
    sites: list[SiteInfo] = field(default_factory=list)

    @property
    def stock_sites(self) -> list[SiteInfo]:
        """Sites that hold stock."""
        return [site for site in self.sites if site.stock]

    @property
    def plant(self) -> SiteInfo | None:
        """The manufacturing site, if the company has one."""
        return next((site for site in self.sites if site.manufacturing), None)


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """A site, its company's currency, and its attributes on a line."""

    site: Site
    company: CompanyInfo
    region: str
    stock: bool
    business: bool
    manufacturing: bool
    #: attributes of a priced line (financial and business site)
    priced_attrs: tuple[AttributeRef, ...]
    #: attributes of a stock line (adds the stock and manufacturing site)
    stock_attrs: tuple[AttributeRef, ...]

    @property
    def id(self) -> str:
        """The site ID."""
        return self.site.id

    @property
    def currency(self) -> str:
        """The currency of the site's company."""
        return self.company.currency


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """An item and how it is traded."""

    item: Item
    category: cat.Category | None
    cost: Decimal
    price: Decimal
    fractional: bool
    ref: AttributeRef
    class_ref: DimensionRef

    @property
    def id(self) -> str:
        """The item ID."""
        return self.item.id


@dataclass(frozen=True, slots=True)
class Pool:
    """Items to draw from, with cumulative popularity weights."""

    items: tuple[ItemInfo, ...]
    cumulative: tuple[float, ...]

    def draw(self, rng: random.Random) -> ItemInfo:
        """A popular item more often than a rare one."""
        point = rng.random() * self.cumulative[-1]
        return self.items[min(bisect_right(self.cumulative, point), len(self.items) - 1)]


@dataclass(frozen=True, slots=True)
class Project:
    """A project attribute with its tasks."""

    id: str
    tasks: tuple[str, ...]
    #: the installation or commissioning task, which field service hours are booked to
    service_task: str | None = None


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    """A customer and how it buys."""

    customer: Customer
    company: CompanyInfo
    #: main and second shipping site
    sites: tuple[SiteInfo, ...]
    favourites: tuple[str, ...]
    discount: Decimal
    tax: Tax
    term_days: int
    projects: tuple[Project, ...]
    po_prefix: str
    attrs: tuple[AttributeRef, ...]
    dims: tuple[DimensionRef, ...]

    @property
    def id(self) -> str:
        """The customer ID."""
        return self.customer.id


@dataclass(frozen=True, slots=True)
class SupplierInfo:
    """A supplier and what it sells."""

    supplier: Supplier
    company: CompanyInfo
    currency: str
    categories: tuple[str, ...]
    tax: Tax | None
    term_days: int
    invoice_prefix: str
    invoice_base: int
    attrs: tuple[AttributeRef, ...]

    @property
    def id(self) -> str:
        """The supplier ID."""
        return self.supplier.id


@dataclass(slots=True)
class MasterData:
    """Every master record in dependency order, and the lookups documents are drawn from."""

    name: str
    records: list[Record] = field(default_factory=list)
    companies: dict[str, CompanyInfo] = field(default_factory=dict)
    sites: dict[str, SiteInfo] = field(default_factory=dict)
    items: list[ItemInfo] = field(default_factory=list)
    #: stock items that are sold, by product line
    sellable: dict[str, Pool] = field(default_factory=dict)
    #: stock items that are bought, by product line
    purchasable: dict[str, Pool] = field(default_factory=dict)
    sellable_codes: tuple[str, ...] = ()
    sellable_cumulative: tuple[int, ...] = ()
    services: dict[str, ItemInfo] = field(default_factory=dict)
    customers: list[CustomerInfo] = field(default_factory=list)
    customer_weights: list[float] = field(default_factory=list)
    suppliers: list[SupplierInfo] = field(default_factory=list)
    supplier_weights: list[float] = field(default_factory=list)
    internal_projects: tuple[Project, ...] = ()
    refs: dict[tuple[str, str], AttributeRef] = field(default_factory=dict)
    dims: dict[tuple[str, str], DimensionRef] = field(default_factory=dict)

    def attr(self, kind: AttributeTypeKind, value: str) -> AttributeRef:
        """A shared attribute reference (built once per value)."""
        key = (kind.value, value)
        ref = self.refs.get(key)
        if ref is None:
            ref = self.refs[key] = AttributeRef(type=kind, id=value)
        return ref

    def dim(self, kind: str, value: str) -> DimensionRef:
        """A shared dimension reference (built once per value)."""
        key = (kind, value)
        ref = self.dims.get(key)
        if ref is None:
            ref = self.dims[key] = DimensionRef(type=kind, id=value)
        return ref

    def sellable_item(self, rng: random.Random, favourites: tuple[str, ...] = ()) -> ItemInfo:
        """A stock item that is sold: mostly from ``favourites``, else any product line."""
        if favourites and rng.random() < 0.7:
            code = favourites[rng.randrange(len(favourites))]
            if code in self.sellable:
                return self.sellable[code].draw(rng)
        point = rng.random() * self.sellable_cumulative[-1]
        index = min(bisect_right(self.sellable_cumulative, point), len(self.sellable_codes) - 1)
        return self.sellable[self.sellable_codes[index]].draw(rng)


class MasterBuilder:
    """Builds :class:`MasterData` for a seed; each part draws from its own random stream."""

    def __init__(self, key: int, *, items: int, customers: int, suppliers: int) -> None:
        self.key = key
        self.item_count, self.customer_count, self.supplier_count = items, customers, suppliers
        self.used_names: set[str] = set()

    def rng(self, part: int) -> random.Random:
        """The random stream of one part of the master data."""
        return random.Random(mix(self.key, Stream.MASTER, part))

    def build(self) -> MasterData:
        """Everything, in an order where each record only refers to earlier ones."""
        rng = self.rng(0)
        stem, trade = rng.choice(cat.COMPANY_STEMS), rng.choice(cat.COMPANY_TRADES)
        data = MasterData(name=f"{stem} {trade}")
        self.data = data
        out = data.records
        self._structure(rng)
        out.extend(self._analytics_types())
        out.extend(self._finance())
        employees = self._employees()
        contacts, customers, suppliers = self._parties()
        items = self._items()
        out.extend(contacts)
        out.extend(items)
        out.extend(customers)
        out.extend(suppliers)
        out.extend(employees)
        out.extend(self._projects())
        # group by kind in the model's dependency order; the sort is stable, so financial
        # sites stay before the sites posting through them and projects before their tasks
        rank = {kind: index for index, kind in enumerate(MASTER_KINDS)}
        out.sort(key=lambda record: rank[type(record)])
        return data

    # -- company and sites ---------------------------------------------------------------

    def _structure(self, rng: random.Random) -> None:
        data, out = self.data, self.data.records
        cities = {city.name: city for city in cat.US_CITIES + cat.CA_CITIES}
        hq, plant = rng.choice(cat.HQ_CITIES), rng.choice(cat.PLANT_CITIES)
        dc2 = rng.choice(cat.SECOND_DC_CITIES)
        ca_hq, ca_dc = rng.choice(cat.CA_HQ_CITIES), rng.choice(cat.CA_DC_CITIES)
        us_sites = (
            ("US-HQ", f"{hq} Head Office", (SiteRole.FINANCIAL, SiteRole.BUSINESS), hq),
            ("US-DC1", f"{hq} Distribution Center", (SiteRole.BUSINESS, SiteRole.STOCK), hq),
            ("US-DC2", f"{dc2} Distribution Center", (SiteRole.BUSINESS, SiteRole.STOCK), dc2),
            ("US-PLT1", f"{plant} Plant", (SiteRole.MANUFACTURING, SiteRole.STOCK), plant),
        )
        ca_sites = (
            (
                "CA-HQ",
                f"{ca_hq} Head Office and Warehouse",
                (SiteRole.FINANCIAL, SiteRole.BUSINESS, SiteRole.STOCK),
                ca_hq,
            ),
            ("CA-DC1", f"{ca_dc} Warehouse", (SiteRole.BUSINESS, SiteRole.STOCK), ca_dc),
        )
        name = data.name
        layout = (
            ("US", "100", "USD", "US", f"{name} Inc.", f"{name} US", "US-SALES-TAX", us_sites),
            ("CA", "200", "CAD", "CA", f"{name} Canada Ltd.", f"{name} Canada", "CA-GST-HST",
             ca_sites),
        )  # fmt: skip
        for company_id, entity_id, currency, country, legal, short, solution, sites in layout:
            out.append(Entity(id=entity_id, name=short[:40].strip(), currency=currency))
            company = Company(
                id=company_id,
                name=legal,
                currency=currency,
                country=country,
                intacct_entity_id=entity_id,
            )
            out.append(company)
            info = CompanyInfo(company, currency, FX[currency], solution)
            data.companies[company_id] = info
            financial_id = sites[0][0]
            for site_id, name, roles, city in sites:
                financial = SiteRole.FINANCIAL in roles
                site = Site(
                    id=site_id,
                    name=name,
                    company_id=company_id,
                    roles=roles,
                    financial_site_id=None if financial else financial_id,
                    intacct_entity_id=entity_id if financial else None,
                )
                out.append(site)
                info.sites.append(self._site_info(site, info, cities[city].region))

    def _site_info(self, site: Site, company: CompanyInfo, state: str) -> SiteInfo:
        data = self.data
        stock = site.has_role(SiteRole.STOCK)
        business = site.has_role(SiteRole.BUSINESS)
        manufacturing = site.has_role(SiteRole.MANUFACTURING)
        priced = [data.attr(A.FINANCIAL_SITE, site.ledger_site_id)]
        if business:
            priced.append(data.attr(A.BUSINESS_SITE, site.id))
        stocked = list(priced)
        if stock:
            stocked.append(data.attr(A.STOCK_SITE, site.id))
        if manufacturing:
            stocked.append(data.attr(A.MANUFACTURING_SITE, site.id))
        info = SiteInfo(
            site=site,
            company=company,
            region=cat.REGION_OF[state],
            stock=stock,
            business=business,
            manufacturing=manufacturing,
            priced_attrs=tuple(priced),
            stock_attrs=tuple(stocked),
        )
        data.sites[site.id] = info
        return info

    # -- analytics and finance -----------------------------------------------------------

    def _analytics_types(self) -> list[Record]:
        objects = {
            A.BUSINESS_SITE: ("Business site", "LOCATION"),
            A.CUSTOMER: ("Customer", "CUSTOMER"),
            A.EMPLOYEE: ("Employee", "EMPLOYEE"),
            A.FINANCIAL_SITE: ("Financial site", "LOCATIONENTITY"),
            A.ITEM: ("Item", "ITEM"),
            A.MANUFACTURING_SITE: ("Manufacturing site", "WAREHOUSE"),
            A.PROJECT: ("Project", "PROJECT"),
            A.STOCK_SITE: ("Stock site", "WAREHOUSE"),
            A.SUPPLIER: ("Supplier", "VENDOR"),
            A.TASK: ("Task", "TASK"),
        }
        records: list[Record] = [
            AttributeType(id=kind, name=name, intacct_object=obj)
            for kind, (name, obj) in objects.items()
        ]
        types = (
            (DEPT, "Department", "DEPARTMENT", DEPARTMENTS),
            (CLASS, "Product line", "CLASS", self._product_lines()),
            (CHANNEL, "Sales channel", "CHANNEL", tuple(c[:2] for c in CHANNELS)),
            (REGION, "Sales region", "TERRITORY", tuple((k, v[0]) for k, v in cat.REGIONS.items())),
        )
        for slot, (type_id, name, obj, values) in enumerate(types, start=1):
            records.append(DimensionType(id=type_id, name=name, slot=slot, intacct_object=obj))
            records.extend(Dimension(type_id=type_id, id=v, name=n) for v, n in values)
        return records

    @staticmethod
    def _product_lines() -> tuple[tuple[str, str], ...]:
        return (*tuple((c.code, c.name) for c in cat.CATEGORIES), cat.SERVICE_CLASS)

    def _finance(self) -> list[Record]:
        records: list[Record] = []
        for account_id, name, spec in _ACCOUNTS:
            control = bool(spec.get("control"))
            dims = spec.get("dims", ())
            attrs = spec.get("attrs", ())
            assert isinstance(dims, tuple) and isinstance(attrs, tuple)
            records.append(
                Account(
                    id=account_id,
                    name=name,
                    is_control=control,
                    is_direct_entry_forbidden=control,
                    required_dimension_types=dims,
                    required_attribute_types=attrs,
                )
            )
        records.extend(
            Journal(id=journal_id, name=name)
            for journal_id, name in (
                ("SJ", "Sales Journal"),
                ("PJ", "Purchases Journal"),
                ("INV", "Inventory Journal"),
                ("GJ", "General Journal"),
            )
        )
        for ledger, terms in ((Ledger.AR, AR_TERMS), (Ledger.AP, AP_TERMS)):
            for term_id, days, discount_days, percent, _ in terms:
                records.append(
                    PaymentTerm(
                        ledger=ledger,
                        id=term_id,
                        description=f"{term_id} ({ledger.value.upper()})",
                        due_days=days,
                        discount_days=discount_days,
                        discount_percent=None if percent is None else Decimal(percent),
                    )
                )
        records.append(
            TaxSolution(id="US-SALES-TAX", description="US state sales tax", countries=("US",))
        )
        records.append(
            TaxSolution(id="CA-GST-HST", description="Canadian GST/HST", countries=("CA",))
        )
        records.extend(self._posting_classes())
        records.extend(self._tax_details())
        records.append(
            BankAccount(
                id="US-OPERATING",
                name="Operating account (USD)",
                account_id="1010",
                currency="USD",
                financial_site_id="US-HQ",
            )
        )
        records.append(
            BankAccount(
                id="CA-OPERATING",
                name="Operating account (CAD)",
                account_id="1020",
                currency="CAD",
                financial_site_id="CA-HQ",
            )
        )
        return records

    @staticmethod
    def _posting_classes() -> list[Record]:
        def lines(mapping: dict[str, str]) -> tuple[PostingClassLine, ...]:
            return tuple(
                PostingClassLine(account_type=kind, account_id=account)
                for kind, account in mapping.items()
            )

        records: list[Record] = []
        for class_id, name, stock, revenue in _ITEM_CLASSES:
            mapping = {"stock": stock, "revenue": revenue, **_ITEM_CLASS_COMMON}
            records.append(
                PostingClass(
                    type=PostingClassKind.ITEM, id=class_id, name=name, lines=lines(mapping)
                )
            )
        records.append(
            PostingClass(
                type=PostingClassKind.ITEM,
                id="SERVICE",
                name="Services and charges",
                lines=lines({"revenue": "4100", "expense": "5400", "freight_in": "5300"}),
            )
        )
        for class_id, name in (
            ("DOMESTIC", "Domestic trade customers"),
            ("CANADA", "Canadian trade customers"),
            ("KEY", "Key accounts"),
        ):
            mapping = {"receivable": "1200", "sales_discount": "4950"}
            records.append(
                PostingClass(
                    type=PostingClassKind.CUSTOMER, id=class_id, name=name, lines=lines(mapping)
                )
            )
        for class_id, name in (
            ("DOMESTIC", "Domestic suppliers"),
            ("CANADA", "Canadian suppliers"),
            ("IMPORT", "Overseas suppliers"),
        ):
            mapping = {"payable": "2000", "purchase_discount": "5150"}
            records.append(
                PostingClass(
                    type=PostingClassKind.SUPPLIER, id=class_id, name=name, lines=lines(mapping)
                )
            )
        records.append(
            PostingClass(
                type=PostingClassKind.TAX,
                id="US-SALES-TAX",
                name="US sales tax",
                lines=lines({"tax_payable": "2200"}),
            )
        )
        records.append(
            PostingClass(
                type=PostingClassKind.TAX,
                id="CA-GST-HST",
                name="Canadian GST/HST",
                lines=lines({"tax_payable": "2210", "tax_recoverable": "1410"}),
            )
        )
        return records

    @staticmethod
    def _tax_details() -> list[Record]:
        records: list[Record] = [
            TaxDetail(
                id="US-EXEMPT",
                tax_type=TaxType.SALES,
                rate=Decimal(0),
                description="Exempt: resale or manufacturing certificate on file",
                tax_solution_id="US-SALES-TAX",
                account_id="2200",
                posting_class_id="US-SALES-TAX",
            )
        ]
        for state, rate in cat.US_STATE_TAX.items():
            records.append(
                TaxDetail(
                    id=f"US-{state}",
                    tax_type=TaxType.SALES,
                    rate=Decimal(rate),
                    description=f"{state} state sales tax {rate}%",
                    tax_solution_id="US-SALES-TAX",
                    account_id="2200",
                    posting_class_id="US-SALES-TAX",
                )
            )
        for rate in sorted(set(cat.CA_PROVINCE_TAX.values()), key=Decimal):
            name = "GST" if rate == "5" else "HST"
            for tax_type, suffix, account in (
                (TaxType.SALES, "", "2210"),
                (TaxType.PURCHASE, "-ITC", "1410"),
            ):
                records.append(
                    TaxDetail(
                        id=f"CA-{name}-{rate}{suffix}",
                        tax_type=tax_type,
                        rate=Decimal(rate),
                        description=f"{name} {rate}% on {_TAX_WORD[tax_type]}",
                        tax_solution_id="CA-GST-HST",
                        account_id=account,
                        posting_class_id="CA-GST-HST",
                    )
                )
        return records

    @staticmethod
    def sales_tax(city: cat.City, exempt: bool) -> Tax:
        """The sales tax detail for a customer in ``city``."""
        if city.country == "CA":
            rate = cat.CA_PROVINCE_TAX[city.region]
            name = "GST" if rate == "5" else "HST"
            return Tax(f"CA-{name}-{rate}", Decimal(rate), "CA-GST-HST")
        if exempt:
            return Tax("US-EXEMPT", Decimal(0), "US-SALES-TAX")
        return Tax(f"US-{city.region}", Decimal(cat.US_STATE_TAX[city.region]), "US-SALES-TAX")

    # -- people ---------------------------------------------------------------------------

    def _employees(self) -> list[Record]:
        rng = self.rng(1)
        reps = max(2, self.customer_count // 25)
        buyers = max(1, self.supplier_count // 30)
        planners = 2
        self.reps: list[str] = []
        self.buyers: list[str] = []
        records: list[Record] = []
        names: set[str] = set()
        for index in range(reps + buyers + planners):
            name = _distinct_name(rng, names, _person)
            employee_id = f"E{1001 + index}"
            records.append(Attribute(type=A.EMPLOYEE, id=employee_id, name=name))
            if index < reps:
                self.reps.append(employee_id)
            elif index < reps + buyers:
                self.buyers.append(employee_id)
        return records

    def _address(self, rng: random.Random, city: cat.City) -> Address:
        number = rng.randrange(10, 9900)
        if city.country == "DE":
            line1 = f"{rng.choice(cat.DE_STREETS)} {rng.randrange(1, 120)}"
            postal = f"{city.postal}{rng.randrange(10, 100)}"
        elif city.country == "IT":
            line1 = f"{rng.choice(cat.IT_STREETS)}, {rng.randrange(1, 200)}"
            postal = f"{city.postal}{rng.randrange(10, 100)}"
        elif city.country == "JP":
            line1 = f"{rng.randrange(1, 30)}-{rng.randrange(1, 20)} {rng.choice(cat.JP_STREETS)}"
            postal = f"{city.postal}-{rng.randrange(0, 10000):04d}"
        elif city.country == "CA":
            line1 = f"{number} {rng.choice(cat.STREET_NAMES)} {rng.choice(cat.STREET_SUFFIXES)}"
            letters = "ABCEGHJKLMNPRSTVWXYZ"
            postal = (
                f"{city.postal}{rng.choice(letters)} "
                f"{rng.randrange(10)}{rng.choice(letters)}{rng.randrange(10)}"
            )
        else:
            line1 = f"{number} {rng.choice(cat.STREET_NAMES)} {rng.choice(cat.STREET_SUFFIXES)}"
            postal = f"{city.postal}{rng.randrange(0, 100):02d}"
        line2 = rng.choice(cat.SECOND_LINES) if rng.random() < 0.2 else None
        return Address(
            line1=line1,
            line2=line2,
            city=city.name,
            region=city.region,
            postal_code=postal,
            country_code=city.country,
        )

    def _contacts(
        self, rng: random.Random, party_id: str, company: str, city: cat.City, count: int
    ) -> list[Contact]:
        domain = _slug(company) + ".example"
        taken: set[str] = set()
        contacts = []
        for _ in range(count):
            first, _, last = _distinct_name(rng, taken, _person).partition(" ")
            if city.country in ("US", "CA"):
                phone = f"+1 {city.area} 555 01{rng.randrange(100):02d}"
            else:
                code = {"DE": "49", "IT": "39", "JP": "81"}[city.country]
                phone = f"+{code} {city.area} {rng.randrange(100000, 1000000)}"
            contacts.append(
                Contact(
                    name=f"{first} {last} ({party_id})",
                    print_as=f"{first} {last}",
                    first_name=first,
                    last_name=last,
                    company_name=company,
                    email=f"{_ascii(first)}.{_ascii(last)}@{domain}",
                    phone=phone,
                )
            )
        return contacts

    def _company_name(self, rng: random.Random, city: cat.City, trades: tuple[str, ...]) -> str:
        def draw(r: random.Random) -> str:
            trade = r.choice(trades)
            pattern = r.randrange(6)
            if city.country not in ("US", "CA"):
                stem = city.name if pattern < 2 else r.choice(cat.OVERSEAS_STEMS[city.country])
                return f"{stem} {trade} {r.choice(cat.OVERSEAS_SUFFIXES[city.country])}"
            if pattern == 0:
                stem = r.choice(cat.LAST_NAMES)
            elif pattern == 1:
                stem = f"{r.choice(cat.LAST_NAMES)} & {r.choice(cat.LAST_NAMES)}"
            elif pattern == 2:
                stem = city.name
            elif pattern == 3:
                stem = f"{r.choice(cat.LAST_NAMES)} Brothers"
            else:
                stem = r.choice(cat.PLACE_WORDS)
            suffixes: tuple[str, ...]
            if city.country == "CA":
                suffixes = cat.QC_SUFFIXES if city.region == "QC" else cat.CA_SUFFIXES
            else:
                suffixes = cat.US_SUFFIXES
            if trade.split()[-1] in ("Company", "Co", "Corp", "Cooperative"):
                suffixes = tuple(s for s in suffixes if s not in ("Co.", "Corp.", "Company"))
            return f"{stem} {trade} {r.choice(suffixes)}"

        return _distinct_name(rng, self.used_names, draw)

    def _parties(self) -> tuple[list[Record], list[Record], list[Record]]:
        contacts: list[Record] = []
        customers = self._customers(contacts)
        suppliers = self._suppliers(contacts)
        return contacts, customers, suppliers

    def _customers(self, contacts: list[Record]) -> list[Record]:
        rng = self.rng(2)
        data = self.data
        records: list[Record] = []
        ranks = list(range(self.customer_count))
        rng.shuffle(ranks)
        weights = [cat.CATEGORIES[i].weight for i in range(len(cat.CATEGORIES))]
        channel_weights = [weight for *_, weight in CHANNELS]
        term_weights = [weight for *_, weight in AR_TERMS]
        for index in range(self.customer_count):
            customer_id = f"C{10001 + index}"
            canadian = rng.random() < 0.15
            city = rng.choice(cat.CA_CITIES if canadian else cat.US_CITIES)
            company = data.companies["CA" if canadian else "US"]
            name = self._company_name(rng, city, cat.CUSTOMER_TRADES)
            bill_to = self._address(rng, city)
            ship_to = None
            if rng.random() < 0.3:
                ship_to = self._address(rng, rng.choice(_near(city)))
            people = self._contacts(rng, customer_id, name, city, 1 + rng.randrange(3))
            contacts.extend(people)
            channel = rng.choices(CHANNELS, weights=channel_weights)[0][0]
            low, high = CHANNEL_DISCOUNT[channel]
            term = rng.choices(AR_TERMS, weights=term_weights)[0]
            key_account = ranks[index] < max(1, self.customer_count // 20)
            region = cat.REGION_OF[(ship_to.region if ship_to else None) or city.region]
            tax = self.sales_tax(city, exempt=rng.random() < 0.45)
            customer = Customer(
                id=customer_id,
                name=name,
                bill_to=bill_to,
                ship_to=ship_to,
                primary_contact=people[0].name,
                other_contacts=tuple(person.name for person in people[1:]),
                payment_term_id=term[0],
                currency=company.currency,
                tax_id=_tax_id(rng, city.country),
                posting_class_id="KEY" if key_account else "CANADA" if canadian else "DOMESTIC",
            )
            records.append(customer)
            sites = _shipping_sites(company, region)
            favourites = tuple(
                dict.fromkeys(
                    cat.CATEGORIES[i].code
                    for i in rng.choices(range(len(weights)), weights=weights, k=3)
                )
            )
            rep = self.reps[index % len(self.reps)]
            data.customers.append(
                CustomerInfo(
                    customer=customer,
                    company=company,
                    sites=sites,
                    favourites=favourites,
                    discount=Decimal(rng.randint(low, high)),
                    tax=tax,
                    term_days=term[1],
                    projects=(),
                    po_prefix=rng.choice(("PO-", "PO ", "4500", "", "P", "REQ-")),
                    attrs=(data.attr(A.CUSTOMER, customer_id), data.attr(A.EMPLOYEE, rep)),
                    dims=(data.dim(CHANNEL, channel), data.dim(REGION, region)),
                )
            )
            data.customer_weights.append(1 / (ranks[index] + 1) ** 0.85)
        return records

    def _suppliers(self, contacts: list[Record]) -> list[Record]:
        rng = self.rng(3)
        data = self.data
        records: list[Record] = []
        bought = [c for c in cat.CATEGORIES if c.is_purchased]
        weights = [c.weight for c in bought]
        term_weights = [weight for *_, weight in AP_TERMS]
        ranks = list(range(self.supplier_count))
        rng.shuffle(ranks)
        for index in range(self.supplier_count):
            supplier_id = f"V{20001 + index}"
            draw = rng.random()
            if draw < 0.08:
                city, currency = rng.choice(cat.OVERSEAS_CITIES)
                codes = cat.OVERSEAS_CATEGORIES[city.country]
                primary = codes[index % len(codes)]
                trades = cat.OVERSEAS_TRADES[city.country]
                company = data.companies["US"]
                posting = "IMPORT"
            else:
                canadian = draw < 0.2
                city = rng.choice(cat.CA_CITIES if canadian else cat.US_CITIES)
                currency = "CAD" if canadian else "USD"
                # the first suppliers cover every product line, the rest follow the volume
                if index < len(bought):
                    primary = bought[index].code
                else:
                    primary = rng.choices(bought, weights=weights)[0].code
                trades = cat.SUPPLIER_TRADES[primary]
                company = data.companies["CA" if canadian else "US"]
                posting = "CANADA" if canadian else "DOMESTIC"
            extra = rng.choices(bought, weights=weights, k=rng.randrange(3))
            categories = tuple(dict.fromkeys([primary, *(c.code for c in extra)]))
            name = self._company_name(rng, city, trades)
            people = self._contacts(rng, supplier_id, name, city, 1 + rng.randrange(2))
            contacts.extend(people)
            term = rng.choices(AP_TERMS, weights=term_weights)[0]
            tax = None
            if city.country == "CA":
                rate = cat.CA_PROVINCE_TAX[city.region]
                label = "GST" if rate == "5" else "HST"
                tax = Tax(f"CA-{label}-{rate}-ITC", Decimal(rate), "CA-GST-HST")
            supplier = Supplier(
                id=supplier_id,
                name=name,
                pay_to=self._address(rng, city),
                primary_contact=people[0].name,
                other_contacts=tuple(person.name for person in people[1:]),
                payment_term_id=term[0],
                currency=currency,
                tax_id=_tax_id(rng, city.country),
                posting_class_id=posting,
            )
            records.append(supplier)
            buyer = self.buyers[index % len(self.buyers)]
            data.suppliers.append(
                SupplierInfo(
                    supplier=supplier,
                    company=company,
                    currency=currency,
                    categories=categories,
                    tax=tax,
                    term_days=term[1],
                    invoice_prefix=rng.choice(("INV", "IN-", "", "SI", "F", "R")),
                    invoice_base=rng.randrange(10_000, 900_000),
                    attrs=(data.attr(A.SUPPLIER, supplier_id), data.attr(A.EMPLOYEE, buyer)),
                )
            )
            data.supplier_weights.append(1 / (ranks[index] + 1) ** 0.7)
        return records

    # -- items ----------------------------------------------------------------------------

    def _items(self) -> list[Record]:
        rng = self.rng(4)
        data = self.data
        records: list[Record] = []
        services = cat.SERVICE_ITEMS[: max(0, min(len(cat.SERVICE_ITEMS), self.item_count - 1))]
        counts = apportion(self.item_count - len(services), [c.weight for c in cat.CATEGORIES])
        names: set[str] = set()
        sellable: dict[str, list[tuple[ItemInfo, float]]] = {}
        purchasable: dict[str, list[tuple[ItemInfo, float]]] = {}
        for category, count in zip(cat.CATEGORIES, counts, strict=True):
            for number in range(count):
                spec = _distinct_item(rng, names, category.build)
                markup = Decimal(rng.randint(*category.markup))
                price = cat.round_price(spec.cost * (100 + markup) / 100)
                item = Item(
                    id=f"{category.code}-{10001 + number}",
                    name=spec.name,
                    description=f"{category.name}, sold {_UNIT_TEXT.get(spec.unit, spec.unit)}",
                    stock_unit=spec.unit,
                    is_sold=category.is_sold,
                    is_purchased=category.is_purchased,
                    standard_cost=spec.cost,
                    base_price=price if category.is_sold else None,
                    posting_class_id=category.posting_class,
                )
                records.append(item)
                info = ItemInfo(
                    item=item,
                    category=category,
                    cost=spec.cost,
                    price=price,
                    fractional=spec.unit == "FT",
                    ref=data.attr(A.ITEM, item.id),
                    class_ref=data.dim(CLASS, category.code),
                )
                data.items.append(info)
                popularity = 1 / (rng.random() * 8 + 1) ** 1.5
                if category.is_sold:
                    sellable.setdefault(category.code, []).append((info, popularity))
                if category.is_purchased:
                    purchasable.setdefault(category.code, []).append((info, popularity))
        for item_id, name, unit, cost_text, price_text, purchased in services:
            item = Item(
                id=item_id,
                name=name,
                stock_unit=unit,
                is_stock_managed=False,
                is_purchased=purchased,
                standard_cost=Decimal(cost_text) if cost_text != "0" else None,
                base_price=Decimal(price_text) if price_text != "0" else None,
                posting_class_id="SERVICE",
            )
            records.append(item)
            info = ItemInfo(
                item=item,
                category=None,
                cost=Decimal(cost_text),
                price=Decimal(price_text),
                fractional=False,
                ref=data.attr(A.ITEM, item_id),
                class_ref=data.dim(CLASS, cat.SERVICE_CLASS[0]),
            )
            data.items.append(info)
            data.services[item_id] = info
        data.sellable = {code: _pool(entries) for code, entries in sellable.items()}
        data.purchasable = {code: _pool(entries) for code, entries in purchasable.items()}
        codes = [c.code for c in cat.CATEGORIES if c.code in data.sellable]
        data.sellable_codes = tuple(codes)
        data.sellable_cumulative = tuple(
            accumulate(cat.CATEGORY_BY_CODE[code].weight for code in codes)
        )
        return records

    # -- projects -------------------------------------------------------------------------

    def _projects(self) -> list[Record]:
        rng = self.rng(5)
        data = self.data
        records: list[Record] = []
        count = max(1, self.customer_count // 12)
        biggest = sorted(range(len(data.customers)), key=lambda i: -data.customer_weights[i])
        assemblies = [
            info.id
            for info in data.items
            if info.category is not None and info.category.code == "ASM"
        ]
        for number, position in enumerate(sorted(biggest[:count]), start=1001):
            info = data.customers[position]
            project_id = f"PRJ-{number}"
            short = info.customer.name.split(" ")[0]
            records.append(
                Attribute(
                    type=A.PROJECT,
                    id=project_id,
                    name=f"{short} {rng.choice(cat.PROJECT_KINDS)}",
                    site_id=info.sites[0].id,
                )
            )
            project = self._tasks(rng, project_id, assemblies, records)
            data.customers[position] = replace(info, projects=(project,))
        plant = data.companies["US"].plant
        internal = []
        for number, name in enumerate(rng.sample(cat.INTERNAL_PROJECTS, 2), start=101):
            project_id = f"CI-{number}"
            records.append(
                Attribute(
                    type=A.PROJECT,
                    id=project_id,
                    name=f"Plant 1 {name}",
                    site_id=plant.id if plant else None,
                )
            )
            internal.append(self._tasks(rng, project_id, [], records))
        data.internal_projects = tuple(internal)
        return records

    @staticmethod
    def _tasks(rng: random.Random, project_id: str, items: list[str], out: list[Record]) -> Project:
        kinds = sorted(rng.sample(cat.TASK_KINDS, rng.randint(2, 4)), key=cat.TASK_KINDS.index)
        tasks = []
        service_task = None
        for index, kind in enumerate(kinds, start=1):
            task_id = f"{project_id}-{index:02d}"
            out.append(
                Attribute(
                    type=A.TASK,
                    id=task_id,
                    name=kind,
                    restricted_to=project_id,
                    item_id=rng.choice(items) if items and kind == "Fabrication" else None,
                )
            )
            tasks.append(task_id)
            if kind in ("Installation", "Commissioning") and service_task is None:
                service_task = task_id
        return Project(project_id, tuple(tasks), service_task)


# -- helpers ------------------------------------------------------------------------------


def _person(rng: random.Random) -> str:
    return f"{rng.choice(cat.FIRST_NAMES)} {rng.choice(cat.LAST_NAMES)}"


T = TypeVar("T")
_ATTEMPTS = 40


def _distinct(
    rng: random.Random, taken: set[str], draw: Callable[[random.Random], T], key: Callable[[T], str]
) -> T | None:
    """A drawn value whose key is not taken yet (then taken), or ``None`` after many tries."""
    for _ in range(_ATTEMPTS):
        value = draw(rng)
        if key(value) not in taken:
            taken.add(key(value))
            return value
    return None


def _distinct_name(
    rng: random.Random, taken: set[str], draw: Callable[[random.Random], str]
) -> str:
    found = _distinct(rng, taken, draw, str)
    if found is not None:
        return found
    base = draw(rng)
    number = 2
    while f"{base} No. {number}" in taken:
        number += 1
    taken.add(f"{base} No. {number}")
    return f"{base} No. {number}"


def _distinct_item(
    rng: random.Random, taken: set[str], build: Callable[[random.Random], cat.ItemSpec]
) -> cat.ItemSpec:
    found = _distinct(rng, taken, build, lambda spec: spec.name)
    if found is not None:
        return found
    spec = build(rng)
    number = 2
    while f"{spec.name}, Variant {number}" in taken:
        number += 1
    name = f"{spec.name}, Variant {number}"
    taken.add(name)
    return cat.ItemSpec(name, spec.unit, spec.cost)


def _pool(entries: list[tuple[ItemInfo, float]]) -> Pool:
    return Pool(
        items=tuple(info for info, _ in entries),
        cumulative=tuple(accumulate(weight for _, weight in entries)),
    )


def _near(city: cat.City) -> list[cat.City]:
    """Cities in the same state or province (a customer's plant near its office)."""
    pool = cat.CA_CITIES if city.country == "CA" else cat.US_CITIES
    return [other for other in pool if other.region == city.region]


def _shipping_sites(company: CompanyInfo, region: str) -> tuple[SiteInfo, ...]:
    """The company's shipping sites, the one in the customer's region first."""
    sites = [site for site in company.sites if site.stock and site.business]
    sites.sort(key=lambda site: (site.region != region, company.sites.index(site)))
    return tuple(sites)


def _slug(name: str) -> str:
    words = [
        word
        for word in _ascii(name.replace("&", " ").replace(".", " "), keep=" ").split()
        if word not in {"inc", "llc", "co", "corp", "company", "ltd", "limited", "ltee", "gmbh"}
    ]
    return "-".join(words[:3])[:40].strip("-") or "partner"


def _ascii(text: str, keep: str = "") -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in plain.lower() if char.isalnum() or char in keep)


def _tax_id(rng: random.Random, country: str) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(13))
    if country == "US":
        return f"{digits[:2]}-{digits[2:9]}"
    if country == "CA":
        return f"{digits[:9]}RT0001"
    if country == "JP":
        return f"T{digits}"
    return f"{country}{digits[:9] if country == 'DE' else digits[:11]}"
