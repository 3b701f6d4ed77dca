"""The demo company's Intacct side: one chart for the demo data, the posting engine and Intacct.

``intacct-bridge demo`` provisions the sandbox company **from the demo's own master data**
(:func:`provision_company`): its entities with their currencies, the chart of accounts,
journals, AP and AR terms, departments, classes, locations, warehouses, employees, projects,
user-defined dimensions and their values, tax solutions and details, the month's exchange
rates and the inter-entity accounts. So the accounts, journals, taxes and dimension values
in Intacct are the ones the demo documents post to, and ``pull`` brings the same records
back::

    provision_company(sandbox.admin, "DEMO-MFG", generator.master_data())

The posting engine's company-wide settings that master data does not carry — goods in
transit and rounding accounts, the stock journal, exchange rates — are here too
(:data:`DEFAULT_ACCOUNTS`, :data:`STOCK_JOURNAL`, :data:`RATES`), and
:func:`posting_setup` builds the engine's setup from them. Rows are plain ``dict`` s in the
sandbox admin API's field names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from intacct_bridge.model import Record
from intacct_bridge.model.analytics import Attribute, AttributeTypeKind, Dimension, DimensionType
from intacct_bridge.model.finance import (
    Account,
    Entity,
    Journal,
    PaymentTerm,
    TaxDetail,
    TaxSolution,
    TaxType,
)
from intacct_bridge.model.sites import Company, Site, SiteRole
from intacct_bridge.posting.roles import AccountType
from intacct_bridge.sandbox import objects

if TYPE_CHECKING:
    from intacct_bridge.posting import ExchangeRates, PostingSetup
    from intacct_bridge.sandbox.admin import Admin

#: company-wide accounts of the demo chart that no posting class names
DEFAULT_ACCOUNTS = {AccountType.GOODS_IN_TRANSIT: "1330", AccountType.ROUNDING: "5900"}
#: inter-entity accounts (MEGA): due from, due to
INTERENTITY_ACCOUNTS = ("1500", "2500")
#: the journal of the stock journal entries (the demo chart's inventory journal)
STOCK_JOURNAL = "INV"
#: 1 FROM = RATE TO, from :data:`RATES_FROM` on: the rates of the demo month
RATES: tuple[tuple[str, str, str], ...] = (
    ("EUR", "USD", "1.087"),
    ("CAD", "USD", "0.735"),
    ("JPY", "USD", "0.0067"),
    ("USD", "CAD", "1.36"),
    ("EUR", "CAD", "1.478"),
)
RATES_FROM = dt.date(2000, 1, 1)

Row = dict[str, Any]

#: account numbers whose first digit marks an income-statement account
_INCOME_DIGITS = frozenset("456789")
#: first digits of accounts with a normal credit balance (liabilities, equity, revenue)
_CREDIT_DIGITS = frozenset("234")
#: the demo's dimension types that every Intacct company has, and their ID field
_STANDARD_DIMENSIONS = {"DEPARTMENT": ("DEPARTMENTID", "TITLE"), "CLASS": ("CLASSID", "NAME")}


def _account(account: Account) -> Row:
    first = account.id[:1]
    income = first in _INCOME_DIGITS
    row: Row = {
        "ACCOUNTNO": account.id,
        "TITLE": account.name,
        "ACCOUNTTYPE": "incomestatement" if income else "balancesheet",
        "NORMALBALANCE": "credit" if first in _CREDIT_DIGITS else "debit",
        "STATUS": "active" if account.is_active else "inactive",
    }
    return row


def intacct_rows(records: Iterable[Record]) -> list[tuple[str, list[Row]]]:
    """The Intacct records of the demo's financial setup, in creation order."""
    accounts: list[Row] = []
    journals: list[Row] = []
    ap_terms: list[Row] = []
    ar_terms: list[Row] = []
    dimension_objects: dict[str, str] = {}
    dimensions: dict[str, list[Row]] = {name: [] for name in _STANDARD_DIMENSIONS}
    for record in records:
        if isinstance(record, Account):
            accounts.append(_account(record))
        elif isinstance(record, Journal):
            journals.append(
                {
                    "SYMBOL": record.id,
                    "TITLE": record.name,
                    "STATUS": "active" if record.is_active else "inactive",
                }
            )
        elif isinstance(record, PaymentTerm):
            term: Row = {
                "NAME": record.id,
                "DESCRIPTION": record.description or record.id,
                "DUEDATE": record.due_days,
                "DUEFROM": "from invoice/bill date",
                "STATUS": "active" if record.is_active else "inactive",
            }
            (ap_terms if record.ledger.value == "ap" else ar_terms).append(term)
        elif isinstance(record, DimensionType):
            dimension_objects[record.id] = (record.intacct_object or "").upper()
        elif isinstance(record, Dimension):
            target = dimension_objects.get(record.type_id, "")
            if target in _STANDARD_DIMENSIONS:
                id_field, name_field = _STANDARD_DIMENSIONS[target]
                dimensions[target].append({id_field: record.id, name_field: record.name})
    return [
        ("GLACCOUNT", accounts),
        ("GLJOURNAL", journals),
        ("APTERM", ap_terms),
        ("ARTERM", ar_terms),
        *((name, rows) for name, rows in dimensions.items()),
    ]


def user_dimensions(records: Iterable[Record]) -> list[tuple[str, str]]:
    """(Intacct object, label) of the demo's dimension types that are not standard Intacct
    dimensions: created as user-defined dimensions."""
    return [
        (r.intacct_object.upper(), r.name)
        for r in records
        if isinstance(r, DimensionType)
        and r.intacct_object
        and objects.get(r.intacct_object.upper()) is None
    ]


def _operations_rows(records: Iterable[Record]) -> list[tuple[str, list[Row]]]:
    """Intacct records the documents' lines refer to by attribute or dimension: a LOCATION
    per site (under its company's entity), a WAREHOUSE per stock or manufacturing site,
    employees and projects, and the values of user-defined dimensions."""
    master = list(records)
    entity_of = {r.id: r.intacct_entity_id for r in master if isinstance(r, Company)}
    udd_objects = {
        r.id: r.intacct_object.upper()
        for r in master
        if isinstance(r, DimensionType) and r.intacct_object
    }
    udds = {name for name, _label in user_dimensions(master)}
    #: the first site with an entity: where a project without a site belongs
    home = next((r.id for r in master if isinstance(r, Site) and r.intacct_entity_id), "")
    locations: list[Row] = []
    warehouses: list[Row] = []
    contacts: list[Row] = []
    employees: list[Row] = []
    projects: list[Row] = []
    udd_rows: dict[str, list[Row]] = {name: [] for name in sorted(udds)}
    for record in master:
        if isinstance(record, Site):
            location: Row = {"LOCATIONID": record.id, "NAME": record.name}
            parent = entity_of.get(record.company_id)
            if parent:
                location["PARENTID"] = parent
            locations.append(location)
            if {SiteRole.STOCK, SiteRole.MANUFACTURING} & set(record.roles):
                warehouses.append(
                    {
                        "WAREHOUSEID": record.id,
                        "NAME": record.name,
                        "LOC": {"LOCATIONID": record.id},
                    }
                )
        elif isinstance(record, Attribute):
            if record.type is AttributeTypeKind.EMPLOYEE:
                contact = f"{record.name} ({record.id})"  # never a synchronised contact's name
                contacts.append({"CONTACTNAME": contact, "PRINTAS": record.name})
                employees.append(
                    {"EMPLOYEEID": record.id, "PERSONALINFO": {"CONTACTNAME": contact}}
                )
            elif record.type is AttributeTypeKind.PROJECT:
                projects.append(
                    {
                        "PROJECTID": record.id,
                        "NAME": record.name,
                        "PROJECTCATEGORY": "Contract",
                        "LOCATIONID": record.site_id or home,
                    }
                )
        elif isinstance(record, Dimension):
            target = udd_objects.get(record.type_id, "")
            if target in udds:
                udd_rows[target].append({"ID": record.id, "NAME": record.name})
    return [
        ("LOCATION", locations),
        ("WAREHOUSE", warehouses),
        ("CONTACT", contacts),
        ("EMPLOYEE", employees),
        ("PROJECT", projects),
        *udd_rows.items(),
    ]


def provision_company(
    admin: Admin, company_id: str, records: Iterable[Record], *, name: str = ""
) -> dict[str, int]:
    """Create ``company_id`` as the demo company's Intacct company (multi-entity, one entity
    per demo entity with its currency) and seed its financial setup; returns the number of
    records per object. Raises the sandbox's ``AdminError`` if any of it is refused."""
    master = list(records)
    entities = [
        {"location_id": r.id, "name": r.name, **({"CURRENCY": r.currency} if r.currency else {})}
        for r in master
        if isinstance(r, Entity)
    ]
    from intacct_bridge.sandbox.tenancy import DEFAULT_MODULES

    # the demo's lines carry projects: the company subscribes to the Projects module
    modules = sorted(DEFAULT_MODULES | {"projects"})
    admin.create_company(
        company_id,
        name=name or company_id,
        mega=bool(entities),
        modules=modules,
        entities=entities,
    )
    return seed_financial_setup(admin, company_id, master)


def seed_financial_setup(
    admin: Admin, company_id: str, records: Iterable[Record]
) -> dict[str, int]:
    """Seed an existing company with the financial setup ``records`` describe (GL accounts,
    journals, terms, dimensions and the records the documents' lines refer to, tax,
    exchange rates, inter-entity accounts); returns the number of records per object. Objects
    whose module the company lacks are left out. Raises the sandbox's ``AdminError`` if any
    of it is refused."""
    master = list(records)
    entities = [r for r in master if isinstance(r, Entity)]
    for udd, label in user_dimensions(master):
        admin.add_dimension(company_id, udd, label)
    batches = [*intacct_rows(master), *_operations_rows(master)]
    company = admin.company(company_id)
    batches = [(name, rows) for name, rows in batches if objects.resolve(company, name) is not None]
    done = {key: len(rows) for key, rows in admin.seed_many(company_id, batches).items()}
    details = [r for r in master if isinstance(r, TaxDetail)]
    for solution in (r for r in master if isinstance(r, TaxSolution)):
        mine = [d for d in details if d.tax_solution_id == solution.id]
        sale = next((d.account_id for d in mine if d.tax_type is TaxType.SALES), None)
        purchase = next((d.account_id for d in mine if d.tax_type is TaxType.PURCHASE), sale)
        if sale is None or purchase is None:
            continue
        admin.add_tax_solution(
            company_id,
            solution.id,
            purchase_account=purchase,
            sale_account=sale,
            description=solution.description or solution.id,
        )
        done["TAXSOLUTION"] = done.get("TAXSOLUTION", 0) + 1
    for detail in details:
        admin.add_tax_detail(
            company_id,
            detail.id,
            tax_type="S" if detail.tax_type is TaxType.SALES else "P",
            percent=detail.rate,
            account=detail.account_id or "",
            solution=detail.tax_solution_id,
            reverse_charge=detail.is_reverse_charge,
            description=detail.description or detail.id,
        )
        done["TAXDETAIL"] = done.get("TAXDETAIL", 0) + 1
    for source, target, rate in RATES:
        admin.add_exchange_rate(
            company_id, from_currency=source, to_currency=target, rate=rate, effective=RATES_FROM
        )
    if len(entities) > 1:
        due_from, due_to = INTERENTITY_ACCOUNTS
        admin.set_interentity_accounts(company_id, due_from=due_from, due_to=due_to)
    return done


def exchange_rates() -> ExchangeRates:
    """:data:`RATES` as the posting engine's rates."""
    from intacct_bridge.posting import ExchangeRates

    return ExchangeRates(
        [(source, target, RATES_FROM, Decimal(rate)) for source, target, rate in RATES]
    )


def posting_setup(records: Iterable[Record]) -> PostingSetup:
    """The posting engine's setup of the demo company: its master data plus the company-wide
    accounts, stock journal and exchange rates above."""
    from intacct_bridge.posting import setup_from_records

    master = list(records)
    return setup_from_records(
        master,
        default_accounts=dict(DEFAULT_ACCOUNTS),
        rates=exchange_rates(),
        stock_journal=STOCK_JOURNAL,
        multi_entity=any(isinstance(r, Entity) for r in master),
    )


__all__ = [
    "DEFAULT_ACCOUNTS",
    "INTERENTITY_ACCOUNTS",
    "RATES",
    "STOCK_JOURNAL",
    "exchange_rates",
    "intacct_rows",
    "posting_setup",
    "provision_company",
]
