"""Contract: third-party clients post accounting documents to the sandbox and read them back.

* fylein's ``sageintacctsdk`` 1.28.1 — ``bills.post`` (APBILL) and ``journal_entries.post``
  (GLBATCH, with the lower-case ``ENTRIES/GLENTRY`` fields fyle sends), ``ar_invoices.post``
  (its legacy ``create_invoice``), ``ar_payments.post`` / ``ap_payments.post``, and the
  ``get`` / ``get_all`` reads (``get_all`` selects the SDK's own field lists for APBILL,
  GLBATCH, GLDETAIL, ARINVOICE and ARPYMT, so every one of those fields must exist);
* red-coracle's ``pyintacct`` 0.1.1 — its ``ARInvoice`` model (legacy ``create_invoice``),
  ``read_by_query``, and ``delete`` (legacy ``delete_invoice``).

Both talk HTTP to a uvicorn-served sandbox (``tests/contract/conftest.py``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sageintacctsdk import SageIntacctSDK
from sageintacctsdk.apis.constants import dimensions_fields_mapping
from sageintacctsdk.exceptions import WrongParamsError

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from tests.contract.conftest import Connect, Make, RunningServer, import_pyintacct
from tests.sandbox.books import seed_books

pytestmark = [pytest.mark.server, pytest.mark.timeout(60)]


@pytest.fixture
def seeded(sandbox: Sandbox, creds: QuickstartCredentials) -> QuickstartCredentials:
    seed_books(sandbox, creds.company_id)
    return creds


@pytest.fixture
def sdk(connect: Connect, server: RunningServer, seeded: QuickstartCredentials) -> SageIntacctSDK:
    """Recipe B (connector-landscape §6.2): every ApiBase starts on the sandbox URL."""
    return connect(server.url, seeded)


def _bill_payload() -> dict[str, Any]:
    """An AP bill as fyle's integration builds it for ``bills.post``."""
    return {
        "WHENCREATED": "2025-03-15",
        "VENDORID": "V100",
        "RECORDID": "E/2025/03/T/7",
        "DOCNUMBER": "Expense report 7",
        "WHENDUE": "04/14/2025",
        "CURRENCY": "USD",
        "SUPDOCID": None,
        "APBILLITEMS": {
            "APBILLITEM": [
                {
                    "ACCOUNTNO": "6300",
                    "TRX_AMOUNT": 812.4,
                    "ENTRYDESCRIPTION": "Steel plate freight",
                    "LOCATIONID": "HQ",
                    "DEPARTMENTID": "PUR",
                    "BILLABLE": False,
                },
                {"ACCOUNTNO": "6500", "TRX_AMOUNT": 10.005, "ENTRYDESCRIPTION": "Bank fee"},
            ]
        },
    }


def _journal_payload(credit: float = 1450.8) -> dict[str, Any]:
    """A journal entry as fyle sends it: lower-case entry fields, ``amount``, ``tr_type``."""
    return {
        "JOURNAL": "GJ",
        "BATCH_DATE": "03/31/2025",
        "REVERSEDATE": None,
        "BATCH_TITLE": "Fyle expenses March",
        "REFERENCENO": "JE-2025-03",
        "ENTRIES": {
            "GLENTRY": [
                {
                    "accountno": "6300",
                    "currency": "USD",
                    "amount": 1450.8,
                    "tr_type": 1,
                    "description": "Freight",
                    "department": "PUR",
                    "location": "HQ",
                    "vendorid": "V200",
                    "projectid": None,
                    "billable": None,
                },
                {
                    "accountno": "2100",
                    "currency": "USD",
                    "amount": credit,
                    "tr_type": -1,
                    "description": "Freight accrual",
                },
            ]
        },
    }


# --- sageintacctsdk ---------------------------------------------------------------------------


def test_sdk_posts_a_bill_and_reads_it_back(sdk: SageIntacctSDK) -> None:
    result = sdk.bills.post(_bill_payload())
    assert result["status"] == "success"
    recordno = result["data"]["apbill"]["RECORDNO"]  # what fyle reads
    row = sdk.bills.get(field="RECORDNO", value=recordno)["apbill"]
    assert (row["VENDORID"], row["RECORDID"], row["STATE"]) == ("V100", "E/2025/03/T/7", "Posted")
    assert (row["TOTALENTERED"], row["TOTALPAID"], row["TOTALDUE"]) == ("822.41", "0.00", "822.41")
    assert row["WHENCREATED"] == "03/15/2025"
    assert row["RECORD_URL"].endswith(f"?.r={recordno}&.company=DEMO-MFG")
    lines = row["APBILLITEMS"]["APBILLITEM"]
    assert [item["TRX_AMOUNT"] for item in lines] == ["812.40", "10.01"]

    listed = sdk.bills.get_all()  # selects the SDK's APBILL field list
    assert len(listed) == 1
    assert set(listed[0]) == set(dimensions_fields_mapping["APBILL"])
    assert listed[0]["VENDORNAME"] == "Steel Supply"
    assert listed[0]["TERMNAME"] == "N30"


def test_sdk_posts_a_journal_entry_and_reads_it_and_its_gl_detail(sdk: SageIntacctSDK) -> None:
    result = sdk.journal_entries.post(_journal_payload())
    recordno = result["data"]["glbatch"]["RECORDNO"]
    batches = sdk.journal_entries.get_all()
    assert len(batches) == 1
    assert set(batches[0]) == set(dimensions_fields_mapping["GLBATCH"])
    assert (batches[0]["JOURNAL"], batches[0]["STATE"]) == ("GJ", "Posted")
    assert batches[0]["REFERENCENO"] == "JE-2025-03"

    detail = sdk.gl_detail.get_all()
    assert {row["BATCHKEY"] for row in detail} == {recordno}
    assert all(set(row) == set(dimensions_fields_mapping["GLDETAIL"]) for row in detail)
    assert sorted((r["ACCOUNTNO"], r["DEBITAMOUNT"], r["CREDITAMOUNT"]) for r in detail) == [
        ("2100", "0.00", "1450.80"),
        ("6300", "1450.80", "0.00"),
    ]
    assert {(r["SYMBOL"], r["BATCH_NO"]) for r in detail} == {("GJ", "1")}


def test_sdk_sees_an_unbalanced_journal_entry_fail(sdk: SageIntacctSDK) -> None:
    with pytest.raises(WrongParamsError) as raised:
        sdk.journal_entries.post(_journal_payload(credit=1400))
    errors = raised.value.response["error"]
    assert errors[0]["description2"] == (
        "The journal entry is not balanced: debits total 1450.80 and credits total 1400.00."
    )
    assert errors[1]["description2"] == "Could not create glbatch record!"
    assert sdk.journal_entries.count(None) == 0


def test_sdk_posts_an_invoice_with_create_invoice_and_a_payment(sdk: SageIntacctSDK) -> None:
    result = sdk.ar_invoices.post(
        {
            "customerid": "C100",
            "datecreated": {"year": 2025, "month": 3, "day": 15},
            "termname": "N30",
            "invoiceno": "INV-77",
            "invoiceitems": {
                "lineitem": [
                    {"glaccountno": "4200", "amount": 100, "memo": "Freight"},
                    {"glaccountno": "4200", "amount": 20.01},
                ]
            },
        }
    )
    key = result["key"]
    invoices = sdk.ar_invoices.get_all()  # the SDK's long ARINVOICE field list
    assert len(invoices) == 1
    assert invoices[0]["RECORDNO"] == key
    assert invoices[0]["CONTACT.EMAIL1"] == "ap@acme.example"
    assert (invoices[0]["TOTALDUE"], invoices[0]["STATE"]) == ("120.01", "Posted")

    sdk.ar_payments.post(
        {
            "PAYMENTMETHOD": "Printed Check",
            "CUSTOMERID": "C100",
            "RECEIPTDATE": "04/02/2025",
            "CURRENCY": "USD",
            "FINANCIALENTITY": "OPERATING",
            "ARPYMTDETAILS": {"ARPYMTDETAIL": {"RECORDKEY": key, "TRX_PAYMENTAMOUNT": 20}},
        }
    )
    row = sdk.ar_invoices.get(field="RECORDNO", value=key)["arinvoice"]
    assert (row["TOTALPAID"], row["TOTALDUE"], row["STATE"]) == (
        "20.00",
        "100.01",
        "Partially Paid",
    )
    payments = sdk.ar_payments.get_all()
    assert set(payments[0]) == set(dimensions_fields_mapping["ARPYMT"])
    assert (payments[0]["TOTALENTERED"], payments[0]["RECORDTYPE"]) == ("20.00", "rp")


def test_sdk_pays_a_bill(sdk: SageIntacctSDK) -> None:
    recordno = sdk.bills.post(_bill_payload())["data"]["apbill"]["RECORDNO"]
    sdk.ap_payments.post(
        {
            "FINANCIALENTITY": "OPERATING",
            "PAYMENTMETHOD": "EFT",
            "VENDORID": "V100",
            "PAYMENTDATE": "04/10/2025",
            "APPYMTDETAILS": {
                "APPYMTDETAIL": {"RECORDKEY": recordno, "TRX_PAYMENTAMOUNT": "822.41"}
            },
        }
    )
    row = sdk.bills.get(field="RECORDNO", value=recordno)["apbill"]
    assert (row["TOTALPAID"], row["TOTALDUE"], row["STATE"]) == ("822.41", "0.00", "Paid")
    assert row["WHENPAID"] == "04/10/2025"
    with pytest.raises(WrongParamsError) as raised:
        sdk.ap_payments.post(
            {
                "FINANCIALENTITY": "OPERATING",
                "PAYMENTMETHOD": "EFT",
                "VENDORID": "V100",
                "PAYMENTDATE": "04/10/2025",
                "APPYMTDETAILS": {"APPYMTDETAIL": {"RECORDKEY": recordno,
                                                   "TRX_PAYMENTAMOUNT": "1"}},
            }
        )  # fmt: skip
    assert raised.value.response["error"][0]["description2"] == (
        "Payment cannot be processed because one or more bills are already paid"
    )


# --- pyintacct --------------------------------------------------------------------------------


pyintacct = import_pyintacct()


@pytest.fixture
def api(
    make_client: Make, utc_machine: None, server: RunningServer, seeded: QuickstartCredentials
) -> Any:
    """An IntacctAPI on the sandbox, run as on a UTC machine (pyintacct reads the UTC
    ``sessiontimeout`` with ``time.mktime``)."""
    client, _wire = make_client(server.url, seeded)
    return client


def _invoice_model() -> Any:
    models = pyintacct.models
    return models.accounts_receivable.ARInvoice(
        customerid="C100",
        datecreated=models.base.Date(year="2025", month="03", day="15"),
        termname="N30",
        action="Submit",
        invoiceno="PY-1",
        description="Pumps",
        invoiceitems=models.accounts_receivable.LineItem(
            lineitem=[
                models.accounts_receivable.LineItemDetail(
                    glaccountno="4000",
                    amount=Decimal("250.125"),
                    memo="Pump",
                    locationid="HQ",
                    itemid="PUMP-1",
                ),
                models.accounts_receivable.LineItemDetail(glaccountno="4200", amount=Decimal("15")),
            ]
        ),
    )


def test_pyintacct_creates_an_ar_invoice_and_reads_it_back(
    sandbox: Sandbox, api: Any, seeded: QuickstartCredentials
) -> None:
    response = api.create(_invoice_model())
    key = str(next(response.find_nodes_with_tag("key")))
    rows = api.read_by_query("ARINVOICE", f"RECORDNO = {key}")
    assert len(rows) == 1
    row = rows[0]
    assert str(row["CUSTOMERID"]) == "C100"
    assert str(row["RECORDID"]) == "PY-1"
    assert (str(row["TOTALENTERED"]), str(row["TOTALDUE"]), str(row["STATE"])) == (
        "265.13",
        "265.13",
        "Posted",
    )
    assert str(row["WHENDUE"]) == "04/14/2025"
    balances = sandbox.admin.balances(seeded.company_id, "03/2025")
    assert {(b["ACCOUNTNO"], b["net"]) for b in balances} == {
        ("1100", "265.13"),
        ("4000", "-250.13"),
        ("4200", "-15.00"),
    }
    api.delete(pyintacct.models.accounts_receivable.ARInvoice, [key])
    assert api.read_by_query("ARINVOICE", f"RECORDNO = {key}") == []
    assert sandbox.admin.balances(seeded.company_id) == []


def test_pyintacct_sees_the_refusal_of_an_over_applied_payment(api: Any) -> None:
    key = str(next(api.create(_invoice_model()).find_nodes_with_tag("key")))
    payment = {
        "ARPYMT": {
            "PAYMENTMETHOD": "Cash",
            "CUSTOMERID": "C100",
            "RECEIPTDATE": "04/02/2025",
            "CURRENCY": "USD",
            "FINANCIALENTITY": "OPERATING",
            "ARPYMTDETAILS": {"ARPYMTDETAIL": {"RECORDKEY": key, "TRX_PAYMENTAMOUNT": "300"}},
        }
    }
    with pytest.raises(pyintacct.IntacctException) as raised:
        api.create(payment)
    assert (
        f"The amount to apply to invoice {key} (300.00) exceeds total amount due (265.13)."
        in str(raised.value)
    )
