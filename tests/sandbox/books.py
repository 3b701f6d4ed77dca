"""Test helpers for the accounting objects: a seeded company and transaction XML.

The company is the demo setup (``seeds.seed_demo``: chart of accounts with its required
dimensions, journals, terms, bank accounts, dimensions) plus a few vendors and customers.
Requests are written as XML by hand, as a third-party client would send them.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from intacct_bridge.sandbox import Sandbox
from intacct_bridge.sandbox.seeds import seed_demo
from tests.sandbox.envelope import Caller, Reply

COMPANY = "DEMO-MFG"

VENDORS = (
    {"VENDORID": "V100", "NAME": "Steel Supply", "DISPLAYCONTACT.PRINTAS": "Steel Supply",
     "TERMNAME": "N30"},
    {"VENDORID": "V200", "NAME": "Freight Co", "DISPLAYCONTACT.PRINTAS": "Freight Co"},
    {"VENDORID": "VM", "NAME": "Mothballed", "DISPLAYCONTACT.PRINTAS": "Mothballed",
     "STATUS": "inactive"},
)  # fmt: skip
CUSTOMERS = (
    {"CUSTOMERID": "C100", "NAME": "Acme Retail", "DISPLAYCONTACT.PRINTAS": "Acme Retail",
     "DISPLAYCONTACT.EMAIL1": "ap@acme.example", "TERMNAME": "N30"},
    {"CUSTOMERID": "C200", "NAME": "Beta Stores", "DISPLAYCONTACT.PRINTAS": "Beta Stores"},
    {"CUSTOMERID": "CX", "NAME": "Closed Account", "DISPLAYCONTACT.PRINTAS": "Closed",
     "STATUS": "inactive"},
)  # fmt: skip
ITEMS = ({"ITEMID": "PUMP-1", "NAME": "Pump", "ITEMTYPE": "Non-Inventory"},)


def seed_books(sandbox: Sandbox, company_id: str = COMPANY) -> None:
    admin = sandbox.admin
    seed_demo(admin, company_id)
    admin.seed(company_id, "VENDOR", VENDORS)
    admin.seed(company_id, "CUSTOMER", CUSTOMERS)
    admin.seed(company_id, "ITEM", ITEMS)
    admin.seed(company_id, "GLACCOUNT", [{"ACCOUNTNO": "6910", "TITLE": "Old expense",
                                          "ACCOUNTTYPE": "incomestatement",
                                          "STATUS": "inactive"}])  # fmt: skip


def _fields(fields: dict[str, Any]) -> str:
    parts = []
    for key, value in fields.items():
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            inner = _fields(item) if isinstance(item, dict) else escape(str(item))
            parts.append(f"<{key}>{inner}</{key}>")
    return "".join(parts)


def entry(account: str, tr_type: int, amount: str, **fields: Any) -> str:
    return (
        f"<GLENTRY><ACCOUNTNO>{account}</ACCOUNTNO><TR_TYPE>{tr_type}</TR_TYPE>"
        f"<TRX_AMOUNT>{amount}</TRX_AMOUNT>{_fields(fields)}</GLENTRY>"
    )


def batch(
    *entries: str,
    journal: str = "GJ",
    date: str = "03/31/2025",
    title: str = "Freight accrual",
    **header: Any,
) -> str:
    return (
        f"<GLBATCH><JOURNAL>{journal}</JOURNAL><BATCH_DATE>{date}</BATCH_DATE>"
        f"<BATCH_TITLE>{escape(title)}</BATCH_TITLE>{_fields(header)}"
        f"<ENTRIES>{''.join(entries)}</ENTRIES></GLBATCH>"
    )


def line(account: str, amount: str, **fields: Any) -> dict[str, Any]:
    return {"ACCOUNTNO": account, "TRX_AMOUNT": amount, **fields}


def document(
    name: str, container: str, item: str, header: dict[str, Any], lines: list[dict[str, Any]]
) -> str:
    body = "".join(f"<{item}>{_fields(values)}</{item}>" for values in lines)
    return f"<{name}>{_fields(header)}<{container}>{body}</{container}></{name}>"


def bill(vendor: str, *lines: dict[str, Any], **header: Any) -> str:
    fields = {"VENDORID": vendor, "WHENCREATED": "03/15/2025", "WHENDUE": "04/14/2025", **header}
    return document("APBILL", "APBILLITEMS", "APBILLITEM", fields, list(lines))


def invoice(customer: str, *lines: dict[str, Any], **header: Any) -> str:
    fields = {"CUSTOMERID": customer, "WHENCREATED": "03/15/2025", "WHENDUE": "04/14/2025",
              **header}  # fmt: skip
    return document("ARINVOICE", "ARINVOICEITEMS", "ARINVOICEITEM", fields, list(lines))


def create(*objects: str) -> str:
    return f"<create>{''.join(objects)}</create>"


def legacy_date(tag: str, text: str) -> str:
    month, day, year = text.split("/")
    return f"<{tag}><year>{year}</year><month>{month}</month><day>{day}</day></{tag}>"


def recordno(reply: Reply, index: int = 0) -> int:
    data = reply.data()
    return int(data[index].findtext("RECORDNO") or 0)


def created(caller: Caller, body: str) -> int:
    """Create one object and return its RECORDNO (the call must succeed)."""
    return recordno(caller.ok(create(body)))


def key_of(reply: Reply) -> str:
    return reply.result().findtext("key") or ""


def read(caller: Caller, object_name: str, number: int | str) -> etree._Element:
    data = caller.ok(
        f"<read><object>{object_name}</object><keys>{number}</keys><fields>*</fields></read>"
    ).data()
    assert len(data) == 1, etree.tostring(data).decode()
    return data[0]


def totals(record: etree._Element) -> tuple[str, str, str, str]:
    return (
        record.findtext("TOTALENTERED") or "",
        record.findtext("TOTALPAID") or "",
        record.findtext("TOTALDUE") or "",
        record.findtext("STATE") or "",
    )


def snapshot(sandbox: Sandbox, company_id: str = COMPANY) -> dict[str, Any]:
    """Everything a write can change (records, lines, ledger, sequences, controlids)."""
    company = sandbox.backend.companies[company_id]
    tables = {
        name: {
            number: (record.entity, dict(record.values), copy.deepcopy(record.lines))
            for number, record in table.records.items()
        }
        for name, table in company.data.tables.items()
        if table.records  # an empty table (made by a lookup) holds nothing
    }
    return {
        "tables": tables,
        "ids": {name: dict(t.by_id) for name, t in company.data.tables.items() if t.records},
        "books": (company.books.closed_through, dict(company.books.sequences)),
        "controlids": set(company.data.executed_controlids),
    }


def ledger_rows(sandbox: Sandbox, source: int, company_id: str = COMPANY) -> list[dict[str, str]]:
    table = sandbox.backend.companies[company_id].data.tables.get("GLDETAIL")
    if table is None:
        return []
    return [dict(r.values) for r in table.records.values() if r.values["BATCHKEY"] == str(source)]


def net(rows: list[dict[str, str]], account: str) -> Decimal:
    """Debits minus credits of ``account`` in ``rows``."""
    return sum(
        (
            Decimal(row["DEBITAMOUNT"]) - Decimal(row["CREDITAMOUNT"])
            for row in rows
            if row["ACCOUNTNO"] == account
        ),
        Decimal("0"),
    )


def entries(sandbox: Sandbox, source: int, company_id: str = COMPANY) -> list[tuple[str, str, str]]:
    """The ledger lines of ``source`` as sorted ``(account, debit, credit)`` (base currency)."""
    return sorted(
        (row["ACCOUNTNO"], row["DEBITAMOUNT"], row["CREDITAMOUNT"])
        for row in ledger_rows(sandbox, source, company_id)
    )


def taxes(*pairs: tuple[str, str | None]) -> dict[str, Any]:
    """``TAXENTRIES`` with one ``TAXENTRY`` per ``(DETAILID, TRX_TAX)`` (``None``: computed)."""
    return {"TAXENTRY": [{"DETAILID": detail, "TRX_TAX": tax} for detail, tax in pairs]}


def companion(object_name: str, action: str = "create") -> tuple[str, str, str, str]:
    return ("BL01001973", "", f"Could not {action} {object_name} record!", "")
