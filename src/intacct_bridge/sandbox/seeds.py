"""A realistic default setup for a manufacturing & distribution company.

What an Intacct implementation partner sets up before the DMO integration is switched on
(seed guide, "Financial data" and "Attributes and dimensions"): the chart of accounts,
journals, AP and AR terms, VAT tax solution and tax details, the standard dimensions the
business reports on (departments, classes, locations, warehouses) and a bank account.
Items, customers and vendors are *not* seeded: in the integration they originate in the
operations system and are sent to Intacct.

:func:`seed_demo` creates all of it in one company, all or nothing::

    sandbox = Sandbox()
    creds = sandbox.quickstart()
    seed_demo(sandbox.admin, creds.company_id)

The rows are plain data (``DEMO_ACCOUNTS`` …) so tests and scripts can pick from them.
Fields the company cannot have (``REQUIREPROJECT`` without the Projects module) are left
out for that company, exactly as the seed guide tells DMO users to do by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from intacct_bridge.sandbox import objects
from intacct_bridge.sandbox.admin import Admin, AdminConflict

Row = Mapping[str, Any]

RETAINED_EARNINGS = "3100"


def _account(
    number: str,
    title: str,
    category: str,
    *,
    income: bool = False,
    credit: bool = False,
    alternative: str = "None",
    **flags: bool,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ACCOUNTNO": number,
        "TITLE": title,
        "ACCOUNTTYPE": "incomestatement" if income else "balancesheet",
        "NORMALBALANCE": "credit" if credit else "debit",
        "CATEGORY": category,
        "ALTERNATIVEACCOUNT": alternative,
        "STATUS": "active",
    }
    if income:
        row["CLOSINGTYPE"] = "closing account"
        row["CLOSINGACCOUNTNO"] = RETAINED_EARNINGS
    row.update({flag.upper(): value for flag, value in flags.items()})
    return row


#: Chart of accounts of a small manufacturer and distributor. Retained earnings comes
#: before the income-statement accounts that close into it.
DEMO_ACCOUNTS: tuple[dict[str, Any], ...] = (
    # --- assets
    _account("1000", "Cash - Operating account", "Cash and Cash Equivalents"),
    _account("1010", "Cash - Payroll account", "Cash and Cash Equivalents"),
    _account("1050", "Petty cash", "Cash and Cash Equivalents"),
    _account(
        "1100",
        "Accounts receivable - Trade",
        "Accounts Receivable",
        alternative="Receivables account",
        requirecustomer=True,
    ),
    _account("1150", "Allowance for doubtful accounts", "Accounts Receivable", credit=True),
    _account(
        "1200", "Inventory - Raw materials", "Inventory", requireitem=True, requirewarehouse=True
    ),
    _account(
        "1210", "Inventory - Work in process", "Inventory", requireitem=True, requirewarehouse=True
    ),
    _account(
        "1220", "Inventory - Finished goods", "Inventory", requireitem=True, requirewarehouse=True
    ),
    _account("1230", "Inventory - Goods in transit", "Inventory", requireitem=True),
    _account("1250", "Inventory valuation reserve", "Inventory", credit=True),
    _account("1300", "Prepaid expenses", "Prepaid Expenses"),
    _account("1400", "VAT recoverable (input tax)", "Other Current Assets"),
    _account("1500", "Machinery and equipment", "Fixed Assets", requiredept=True),
    _account("1510", "Accumulated depreciation - Machinery", "Fixed Assets", credit=True),
    # --- liabilities
    _account(
        "2000",
        "Accounts payable - Trade",
        "Accounts Payable",
        credit=True,
        alternative="Payables account",
        requirevendor=True,
    ),
    _account("2050", "Goods received not invoiced", "Accrued Liabilities", credit=True),
    _account("2100", "Accrued liabilities", "Accrued Liabilities", credit=True),
    _account("2200", "Sales tax payable", "Other Current Liabilities", credit=True),
    _account("2210", "VAT payable (output tax)", "Other Current Liabilities", credit=True),
    _account("2300", "Payroll liabilities", "Other Current Liabilities", credit=True),
    _account(
        "2400",
        "Customer deposits and prepayments",
        "Other Current Liabilities",
        credit=True,
        requirecustomer=True,
    ),
    # --- equity
    _account("3000", "Common stock", "Equity", credit=True),
    _account(RETAINED_EARNINGS, "Retained earnings", "Retained Earnings", credit=True),
    # --- revenue
    _account(
        "4000",
        "Sales - Manufactured goods",
        "Revenue",
        income=True,
        credit=True,
        requireloc=True,
        requirecustomer=True,
        requireitem=True,
    ),
    _account(
        "4050",
        "Sales - Distribution (resale)",
        "Revenue",
        income=True,
        credit=True,
        requireloc=True,
        requirecustomer=True,
        requireitem=True,
    ),
    _account(
        "4100",
        "Service and repair revenue",
        "Revenue",
        income=True,
        credit=True,
        requirecustomer=True,
        requireproject=True,
    ),
    _account("4200", "Freight billed to customers", "Revenue", income=True, credit=True),
    _account("4500", "Sales discounts", "Revenue", income=True, requirecustomer=True),
    _account("4600", "Sales returns and allowances", "Revenue", income=True, requirecustomer=True),
    # --- cost of sales
    _account(
        "5000",
        "Cost of goods sold - Materials",
        "Cost of Sales (COGS)",
        income=True,
        requireloc=True,
        requireitem=True,
    ),
    _account(
        "5100",
        "Cost of goods sold - Direct labor",
        "Cost of Sales (COGS)",
        income=True,
        requiredept=True,
    ),
    _account(
        "5200",
        "Cost of goods sold - Overhead",
        "Cost of Sales (COGS)",
        income=True,
        requiredept=True,
    ),
    _account("5300", "Purchase price variance", "Cost of Sales (COGS)", income=True),
    _account(
        "5400",
        "Inventory adjustments and shrinkage",
        "Cost of Sales (COGS)",
        income=True,
        requireitem=True,
        requirewarehouse=True,
    ),
    _account("5500", "Freight-in", "Cost of Sales (COGS)", income=True, requirevendor=True),
    # --- operating expenses
    _account("6000", "Salaries and wages", "Payroll Expense", income=True, requiredept=True),
    _account("6100", "Rent and occupancy", "Other Operating Expense", income=True, requireloc=True),
    _account("6200", "Utilities", "Other Operating Expense", income=True, requireloc=True),
    _account("6300", "Freight-out and shipping", "Other Operating Expense", income=True),
    _account("6400", "Depreciation expense", "Depreciation Expense", income=True),
    _account("6500", "Bank fees", "Other Operating Expense", income=True),
    # --- other income and expense
    _account("7000", "Purchase discounts taken", "Other Income", income=True, credit=True),
    _account("7100", "Rounding differences", "Other Expense", income=True),
    _account("7200", "Realized exchange gain/loss", "Other Expense", income=True),
    _account("8000", "Income tax expense", "Income Tax Expense", income=True),
)

DEMO_JOURNALS: tuple[dict[str, Any], ...] = (
    {"SYMBOL": "GJ", "TITLE": "General journal"},
    {"SYMBOL": "ADJ", "TITLE": "Adjustments journal", "ADJ": True},
    {"SYMBOL": "APJ", "TITLE": "Accounts payable journal"},
    {"SYMBOL": "ARJ", "TITLE": "Accounts receivable journal"},
    {"SYMBOL": "CDJ", "TITLE": "Cash disbursements journal"},
    {"SYMBOL": "CRJ", "TITLE": "Cash receipts journal"},
    {"SYMBOL": "INVJ", "TITLE": "Inventory (stock) journal"},
    {"SYMBOL": "POJ", "TITLE": "Purchasing journal"},
    {"SYMBOL": "SOJ", "TITLE": "Sales order journal"},
)

_FROM_DATE = "from invoice/bill date"


def _term(
    name: str,
    description: str,
    due_days: int,
    *,
    discount_days: int | None = None,
    discount_percent: int | None = None,
    due_from: str = _FROM_DATE,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "NAME": name,
        "DESCRIPTION": description,
        "DUEDATE": due_days,
        "DUEFROM": due_from,
        "STATUS": "active",
    }
    if discount_days is not None:
        row.update(
            {
                "DISCDATE": discount_days,
                "DISCFROM": _FROM_DATE,
                "DISCAMOUNT": discount_percent,
                "DISCPERCAMN": "%",
                "DISCCALCON": "Bill total",
            }
        )
    return row


DEMO_AP_TERMS: tuple[dict[str, Any], ...] = (
    _term("Due on receipt", "Due on receipt", 0),
    _term("N15", "Net 15 days", 15),
    _term("N30", "Net 30 days", 30),
    _term("N45", "Net 45 days", 45),
    _term("N60", "Net 60 days", 60),
    _term("2-10 N30", "2%/10 net 30", 30, discount_days=10, discount_percent=2),
    _term("EOM30", "30 days end of month", 30, due_from="of the month of invoice/bill date"),
)

DEMO_AR_TERMS: tuple[dict[str, Any], ...] = (
    _term("Due on receipt", "Due on receipt", 0),
    _term("N30", "Net 30 days", 30),
    _term("N60", "Net 60 days", 60),
    _term("1-10 N30", "1%/10 net 30", 30, discount_days=10, discount_percent=1),
    _term("2-10 N30", "2%/10 net 30", 30, discount_days=10, discount_percent=2),
)

UK_VAT = "United Kingdom - VAT"

DEMO_TAX_SOLUTIONS: tuple[dict[str, Any], ...] = (
    {
        "TAXSOLUTIONID": UK_VAT,
        "DESCRIPTION": "UK VAT (standard, reduced, zero and exempt rates; reverse charge)",
        "TAXMETHOD": "VAT",
        "TYPE": "System",
        "STARTDATE": "01/01/2021",
        "SHOWMULTILINETAX": False,
        "GLACCOUNTPURCHASE": "1400",
        "GLACCOUNTSALE": "2210",
        "STATUS": "active",
    },
)


def _tax(
    detail_id: str, kind: str, percent: str, rate: str, account: str, **extra: Any
) -> dict[str, Any]:
    return {
        "DETAILID": detail_id,
        "TAXUID": detail_id.upper().replace(" ", "_"),
        "DESCRIPTION": detail_id,
        "TAXTYPE": kind,
        "VALUE": percent,
        "TAXRATE": rate,
        "GLACCOUNT": account,
        "TAXAUTHORITY": "HMRC",
        "TAXSOLUTIONID": UK_VAT,
        "STATUS": "active",
        **extra,
    }


DEMO_TAX_DETAILS: tuple[dict[str, Any], ...] = (
    _tax("UK Sale Goods Standard Rate", "Sale", "20", "Standard", "2210"),
    _tax("UK Sale Goods Reduced Rate", "Sale", "5", "Reduced", "2210"),
    _tax("UK Sale Goods Zero Rate", "Sale", "0", "Zero", "2210"),
    _tax("UK Sale Goods Exempt Rate", "Sale", "0", "Exempt", "2210"),
    _tax("UK Sale Services Standard Rate", "Sale", "20", "Standard", "2210"),
    _tax("UK Purchase Goods Standard Rate", "Purchase", "20", "Standard", "1400"),
    _tax("UK Purchase Goods Reduced Rate", "Purchase", "5", "Reduced", "1400"),
    _tax("UK Purchase Goods Zero Rate", "Purchase", "0", "Zero", "1400"),
    _tax("UK Purchase Goods Exempt Rate", "Purchase", "0", "Exempt", "1400"),
    _tax(
        "UK Purchase Services Reverse Charge",
        "Purchase",
        "20",
        "Standard",
        "1400",
        REVERSECHARGE=True,
    ),
    _tax(
        "UK Import Goods Postponed VAT",
        "Purchase",
        "20",
        "Standard",
        "1400",
        REVERSECHARGE=True,
    ),
)

#: A US distributor's sales tax: details without a tax solution — sales tax collected,
#: posting to the sales tax payable account, and sales tax charged by vendors, expensed with
#: the freight it is paid on (``seed_us_sales_tax``).
US_SALES_TAX_DETAILS: tuple[dict[str, Any], ...] = (
    {"DETAILID": "CA State Sales Tax", "DESCRIPTION": "California state sales tax",
     "TAXTYPE": "Sale", "VALUE": "7.25", "GLACCOUNT": "2200", "TAXAUTHORITY": "CDTFA",
     "STATUS": "active"},
    {"DETAILID": "TX State Sales Tax", "DESCRIPTION": "Texas state sales tax",
     "TAXTYPE": "Sale", "VALUE": "6.25", "GLACCOUNT": "2200",
     "TAXAUTHORITY": "Texas Comptroller", "STATUS": "active"},
    {"DETAILID": "Travis County Sales Tax", "DESCRIPTION": "Travis County local sales tax",
     "TAXTYPE": "Sale", "VALUE": "2", "GLACCOUNT": "2200",
     "TAXAUTHORITY": "Texas Comptroller", "STATUS": "active"},
    {"DETAILID": "Sales Tax Paid", "DESCRIPTION": "Sales tax charged by vendors (expensed)",
     "TAXTYPE": "Purchase", "VALUE": "7.25", "GLACCOUNT": "6300", "STATUS": "active"},
)  # fmt: skip


def seed_us_sales_tax(admin: Admin, company_id: str) -> int:
    """Add the US sales tax details (``US_SALES_TAX_DETAILS``) to a company that has the
    demo chart of accounts (account 2200); returns how many were created."""
    return len(admin.seed(company_id, "TAXDETAIL", US_SALES_TAX_DETAILS))


DEMO_DEPARTMENTS: tuple[dict[str, Any], ...] = (
    {"DEPARTMENTID": "ADM", "TITLE": "Administration"},
    {"DEPARTMENTID": "FIN", "TITLE": "Finance", "PARENTID": "ADM"},
    {"DEPARTMENTID": "SLS", "TITLE": "Sales"},
    {"DEPARTMENTID": "PUR", "TITLE": "Purchasing"},
    {"DEPARTMENTID": "PRD", "TITLE": "Production"},
    {"DEPARTMENTID": "ENG", "TITLE": "Engineering", "PARENTID": "PRD"},
    {"DEPARTMENTID": "QA", "TITLE": "Quality assurance", "PARENTID": "PRD"},
    {"DEPARTMENTID": "WHS", "TITLE": "Warehouse and logistics"},
)

DEMO_CLASSES: tuple[dict[str, Any], ...] = (
    {"CLASSID": "PRODUCTS", "NAME": "Products"},
    {"CLASSID": "MFG", "NAME": "Manufactured goods", "PARENTID": "PRODUCTS"},
    {"CLASSID": "DIST", "NAME": "Distribution (resale)", "PARENTID": "PRODUCTS"},
    {"CLASSID": "SVC", "NAME": "Service and repair"},
)

DEMO_LOCATIONS: tuple[dict[str, Any], ...] = (
    {"LOCATIONID": "HQ", "NAME": "Headquarters"},
    {"LOCATIONID": "PLANT1", "NAME": "Main plant", "PARENTID": "HQ"},
    {"LOCATIONID": "DC-EAST", "NAME": "Distribution center East", "PARENTID": "HQ"},
    {"LOCATIONID": "DC-WEST", "NAME": "Distribution center West", "PARENTID": "HQ"},
)

DEMO_WAREHOUSES: tuple[dict[str, Any], ...] = (
    {"WAREHOUSEID": "WH-PLANT", "NAME": "Plant stores", "LOC": {"LOCATIONID": "PLANT1"}},
    {"WAREHOUSEID": "WH-EAST", "NAME": "East DC warehouse", "LOC": {"LOCATIONID": "DC-EAST"}},
    {"WAREHOUSEID": "WH-WEST", "NAME": "West DC warehouse", "LOC": {"LOCATIONID": "DC-WEST"}},
)

DEMO_CHECKING_ACCOUNTS: tuple[dict[str, Any], ...] = (
    {
        "BANKACCOUNTID": "OPERATING",
        "BANKACCOUNTNO": "000123456789",
        "GLACCOUNTNO": "1000",
        "BANKNAME": "First Sandbox Bank",
        "ROUTINGNO": "000000000",
        "BANKACCOUNTTYPE": "checking",
        "CURRENCY": "USD",
        "STATUS": "active",
    },
    {
        "BANKACCOUNTID": "PAYROLL",
        "BANKACCOUNTNO": "000987654321",
        "GLACCOUNTNO": "1010",
        "BANKNAME": "First Sandbox Bank",
        "ROUTINGNO": "000000000",
        "BANKACCOUNTTYPE": "checking",
        "CURRENCY": "USD",
        "STATUS": "active",
    },
)

#: The demo, in creation order (references point backwards).
DEMO: tuple[tuple[str, Sequence[Row]], ...] = (
    ("GLACCOUNT", DEMO_ACCOUNTS),
    ("GLJOURNAL", DEMO_JOURNALS),
    ("APTERM", DEMO_AP_TERMS),
    ("ARTERM", DEMO_AR_TERMS),
    ("TAXSOLUTION", DEMO_TAX_SOLUTIONS),
    ("TAXDETAIL", DEMO_TAX_DETAILS),
    ("DEPARTMENT", DEMO_DEPARTMENTS),
    ("CLASS", DEMO_CLASSES),
    ("LOCATION", DEMO_LOCATIONS),
    ("WAREHOUSE", DEMO_WAREHOUSES),
    ("CHECKINGACCOUNT", DEMO_CHECKING_ACCOUNTS),
)


def _fitted(admin: Admin, company_id: str, object_name: str, rows: Sequence[Row]) -> list[Row]:
    """Drop the fields this company does not have (module switched off)."""
    company = admin.company(company_id)
    otype = objects.resolve(company, object_name)
    if otype is None:
        return []
    visible = {spec.path for spec in otype.visible_fields(company.modules)}

    def keep(key: str, value: Any) -> bool:
        return isinstance(value, Mapping) or key.upper() in visible

    return [{key: value for key, value in row.items() if keep(key, value)} for row in rows]


def seed_demo(admin: Admin, company_id: str) -> dict[str, int]:
    """Create the demo setup in ``company_id``; returns the number of records per object.

    All of it is created, or none. Objects of modules the company does not subscribe to
    are skipped.

    Raises:
        AdminConflict: the company already has some of the demo records.
        AdminError: the company does not exist, or a row was refused.
    """
    company = admin.company(company_id)
    for object_name, rows in DEMO:
        otype = objects.resolve(company, object_name)
        if otype is None or otype.id_field is None:
            continue
        existing = company.data.tables.get(otype.name)
        if existing is None:
            continue
        clash = [str(row[otype.id_field]) for row in rows if row[otype.id_field] in existing.by_id]
        if clash:
            raise AdminConflict(
                f"Company '{company_id}' already has {object_name} {', '.join(clash[:3])}"
                f"{' …' if len(clash) > 3 else ''}; the demo setup can only be seeded once. "
                "Reset the sandbox or use a fresh company."
            )
    batches = [
        (object_name, _fitted(admin, company_id, object_name, rows))
        for object_name, rows in DEMO
        if objects.resolve(company, object_name) is not None
    ]
    done = admin.seed_many(company_id, batches)
    return {object_name: len(records) for object_name, records in done.items()}
