"""Contract: the fields Intacct's official SDKs write go through ``sageintacctsdk`` unchanged.

Each test creates (and where it applies updates) a record through fylein's
``sageintacctsdk`` 1.28.1 over HTTP with the fields the PHP / .NET / JavaScript SDKs write
(``CustomerCreate``, ``VendorCreate``, ``ApPaymentCreate`` and its detail builders,
``ProjectCreate``, ``InvoiceCreate``, the statistical account and journal entry functions),
then reads the record back through the SDK. What the sandbox does not emulate is refused
with its "not emulated" message, never as a field that does not exist.
"""

from __future__ import annotations

from typing import Any

import pytest
from sageintacctsdk import SageIntacctSDK
from sageintacctsdk.apis.api_base import ApiBase
from sageintacctsdk.exceptions import WrongParamsError

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from tests.contract.conftest import Connect, RunningServer
from tests.sandbox.books import seed_books

pytestmark = [pytest.mark.server, pytest.mark.timeout(60)]

PRINT_TEMPLATES = {
    "ARINVOICEPRINTTEMPLATEID": "AR Invoice Std",
    "OEQUOTEPRINTTEMPLATEID": "Quote Std",
    "OEORDERPRINTTEMPLATEID": "Order Std",
    "OELISTPRINTTEMPLATEID": "Pick List Std",
    "OEINVOICEPRINTTEMPLATEID": "OE Invoice Std",
    "OEADJPRINTTEMPLATEID": "OE Adjustment Std",
    "OEOTHERPRINTTEMPLATEID": "Other Std",
}


@pytest.fixture
def seeded(sandbox: Sandbox, creds: QuickstartCredentials) -> QuickstartCredentials:
    seed_books(sandbox, creds.company_id)
    return creds


@pytest.fixture
def sdk(connect: Connect, server: RunningServer, seeded: QuickstartCredentials) -> SageIntacctSDK:
    return connect(server.url, seeded)


def _api(sdk: SageIntacctSDK, server: RunningServer, dimension: str) -> ApiBase:
    """An SDK ``ApiBase`` for an object the SDK has no class for, on the SDK's session."""
    api = ApiBase(dimension=dimension)
    api._ApiBase__api_url = server.url  # type: ignore[attr-defined]
    api.set_sender_id(sdk.vendors._ApiBase__sender_id)  # type: ignore[attr-defined]
    api.set_sender_password(sdk.vendors._ApiBase__sender_password)  # type: ignore[attr-defined]
    api.set_session_id(sdk._SageIntacctSDK__session_id)  # type: ignore[attr-defined]
    api.set_show_private(False)
    return api


def _refusal(raised: pytest.ExceptionInfo[WrongParamsError]) -> str:
    return str(raised.value.response["error"][0]["description2"])


def test_customer_print_templates_are_written_updated_and_read_back(sdk: SageIntacctSDK) -> None:
    created = sdk.customers.post(
        {
            "CUSTOMERID": "C-TPL",
            "NAME": "Template Customer",
            "DISPLAYCONTACT": {"PRINTAS": "Template Customer Ltd"},
            **PRINT_TEMPLATES,
        }
    )
    assert created["data"]["customer"]["CUSTOMERID"] == "C-TPL"
    sdk.customers.update({"CUSTOMERID": "C-TPL", "OEQUOTEPRINTTEMPLATEID": "Quote Fancy"})
    row = sdk.customers.get(field="CUSTOMERID", value="C-TPL", fields=list(PRINT_TEMPLATES))
    assert row["customer"] == {**PRINT_TEMPLATES, "OEQUOTEPRINTTEMPLATEID": "Quote Fancy"}


def test_vendor_check_and_ach_fields_are_written_updated_and_read_back(
    sdk: SageIntacctSDK,
) -> None:
    written = {
        "DISPLAYTERMDISCOUNT": True,
        "DISPLAYACCTNOCHECK": True,
        "ACHENABLED": True,
        "ACHBANKROUTINGNUMBER": "123456789",
        "ACHACCOUNTNUMBER": "000123456789",
        "ACHACCOUNTTYPE": "Checking Account",
        "ACHREMITTANCETYPE": "CCD",
    }
    sdk.vendors.post(
        {
            "VENDORID": "V-ACH",
            "NAME": "ACH Vendor",
            "DISPLAYCONTACT": {"PRINTAS": "ACH Vendor Inc"},
            **written,
        }
    )
    sdk.vendors.update(
        {"VENDORID": "V-ACH", "ACHREMITTANCETYPE": "PPD", "ACHACCOUNTTYPE": "Savings Account"}
    )
    (row,) = sdk.vendors.get(field="VENDORID", value="V-ACH", fields=list(written))["VENDOR"]
    assert row == {
        "DISPLAYTERMDISCOUNT": "true",
        "DISPLAYACCTNOCHECK": "true",
        "ACHENABLED": "true",
        "ACHBANKROUTINGNUMBER": "123456789",
        "ACHACCOUNTNUMBER": "000123456789",
        "ACHACCOUNTTYPE": "Savings Account",
        "ACHREMITTANCETYPE": "PPD",
    }
    with pytest.raises(WrongParamsError) as raised:
        sdk.vendors.update({"VENDORID": "V-ACH", "ACHREMITTANCETYPE": "XYZ"})
    assert _refusal(raised) == (
        "'XYZ' is not a valid value for ACHREMITTANCETYPE. Valid values: CCD, PPD, CTX."
    )


def _bill(sdk: SageIntacctSDK, amount: str) -> str:
    result = sdk.bills.post(
        {
            "WHENCREATED": "03/15/2025",
            "VENDORID": "V100",
            "APBILLITEMS": {"APBILLITEM": [{"ACCOUNTNO": "6300", "TRX_AMOUNT": amount}]},
        }
    )
    return str(result["data"]["apbill"]["RECORDNO"])


def _positive_adjustment(sdk: SageIntacctSDK, server: RunningServer, amount: str) -> str:
    api = _api(sdk, server, "APADJUSTMENT")
    result = api.format_and_send_request(
        {
            "create_apadjustment": {
                "vendorid": "V100",
                "datecreated": {"year": 2025, "month": 3, "day": 16},
                "adjustmentno": "ADJ-1",
                "apadjustmentitems": {"lineitem": {"glaccountno": "6300", "amount": amount}},
            }
        }
    )
    return str(result["key"])


def test_ap_payment_request_fields_and_a_positive_adjustment_detail_read_back(
    sdk: SageIntacctSDK, server: RunningServer
) -> None:
    bill = _bill(sdk, "100")
    adjustment = _positive_adjustment(sdk, server, "30")
    result = sdk.ap_payments.post(
        {
            "PAYMENTMETHOD": "EFT",
            "FINANCIALENTITY": "OPERATING",
            "VENDORID": "V100",
            "PAYMENTREQUESTMETHOD": "vendorpref",
            "GROUPPAYMENTS": True,
            "EXCH_RATE_DATE": "04/10/2025",
            "EXCH_RATE_TYPE_ID": "Intacct Daily Rate",
            "DOCNUMBER": "EFT-77",
            "PAYMENTCONTACT": "Steel Supply(VV100)",
            "PAYMENTDATE": "04/10/2025",
            "CURRENCY": "USD",
            "APPYMTDETAILS": {
                "APPYMTDETAIL": [
                    {"RECORDKEY": bill, "TRX_PAYMENTAMOUNT": "100"},
                    {"POSADJKEY": adjustment, "TRX_PAYMENTAMOUNT": "30"},
                ]
            },
        }
    )
    recordno = result["data"]["appymt"]["RECORDNO"]
    row = sdk.ap_payments.get(field="RECORDNO", value=recordno)["appymt"]
    assert (row["PAYMENTREQUESTMETHOD"], row["GROUPPAYMENTS"], row["PAYMENTCONTACT"]) == (
        "vendorpref",
        "true",
        "Steel Supply(VV100)",
    )
    assert (row["EXCH_RATE_DATE"], row["EXCH_RATE_TYPE_ID"]) == ("04/10/2025", "Intacct Daily Rate")
    assert row["TOTALENTERED"] == "130.00"
    details = row["APPYMTDETAILS"]["APPYMTDETAIL"]
    assert [(d.get("RECORDKEY"), d.get("POSADJKEY"), d["PAYMENTAMOUNT"]) for d in details] == [
        (bill, None, "100.00"),
        (None, adjustment, "30.00"),
    ]
    assert sdk.bills.get(field="RECORDNO", value=bill)["apbill"]["STATE"] == "Paid"
    adjusted = _api(sdk, server, "APADJUSTMENT").get(field="RECORDNO", value=adjustment)
    assert (adjusted["apadjustment"]["TOTALDUE"], adjusted["apadjustment"]["STATE"]) == (
        "0.00",
        "Paid",
    )


def _pay(sdk: SageIntacctSDK, detail: dict[str, Any]) -> Any:
    return sdk.ap_payments.post(
        {
            "PAYMENTMETHOD": "EFT",
            "FINANCIALENTITY": "OPERATING",
            "VENDORID": "V100",
            "PAYMENTDATE": "04/10/2025",
            "APPYMTDETAILS": {"APPYMTDETAIL": detail},
        }
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"DISCOUNTDATE": "04/01/2025"},
            "Discounts on line 1 of APPYMTDETAILS are not emulated by the sandbox.",
        ),
        (
            {"DISCOUNTTOAPPLY": "2"},
            "Discounts on line 1 of APPYMTDETAILS are not emulated by the sandbox.",
        ),
        (
            {"CREDITTOAPPLY": "3"},
            "CREDITTOAPPLY on line 1 of APPYMTDETAILS: applying credits by amount is not "
            "emulated by the sandbox.",
        ),
    ],
)
def test_what_is_not_emulated_says_so(
    sdk: SageIntacctSDK, extra: dict[str, str], message: str
) -> None:
    bill = _bill(sdk, "40")
    with pytest.raises(WrongParamsError) as raised:
        _pay(sdk, {"RECORDKEY": bill, "TRX_PAYMENTAMOUNT": "10", **extra})
    assert _refusal(raised) == message
    assert sdk.ap_payments.count(None) == 0
    assert sdk.bills.get(field="RECORDNO", value=bill)["apbill"]["TOTALDUE"] == "40.00"


def test_an_ap_advance_is_applied_to_a_bill_with_the_sdk_advance_fields(
    sandbox: Sandbox, seeded: QuickstartCredentials, sdk: SageIntacctSDK, server: RunningServer
) -> None:
    advances = _api(sdk, server, "APADVANCE")
    created = advances.post(
        {
            "VENDORID": "V100",
            "PAYMENTMETHOD": "EFT",
            "FINANCIALENTITY": "OPERATING",
            "PAYMENTDATE": "03/01/2025",
            "APADVANCEITEMS": {"APADVANCEITEM": {"ACCOUNTNO": "1300", "TRX_AMOUNT": "60"}},
        }
    )
    advance = str(created["data"]["apadvance"]["RECORDNO"])
    line = advances.get(field="RECORDNO", value=advance)["apadvance"]["APADVANCEITEMS"]
    entry = str(line["APADVANCEITEM"]["RECORDNO"])
    bill = _bill(sdk, "100")
    result = _pay(
        sdk,
        {
            "RECORDKEY": bill,
            "ADVANCEKEY": advance,
            "ADVANCEENTRYKEY": entry,
            "TRX_POSTEDADVANCEAMOUNT": "60",
            "TRX_PAYMENTAMOUNT": "40",
        },
    )
    payment = result["data"]["appymt"]["RECORDNO"]
    row = sdk.ap_payments.get(field="RECORDNO", value=payment)["appymt"]
    read = row["APPYMTDETAILS"]["APPYMTDETAIL"]
    assert (read["ADVANCEKEY"], read["ADVANCEENTRYKEY"], read["TRX_POSTEDADVANCEAMOUNT"]) == (
        advance,
        entry,
        "60",
    )
    assert sdk.bills.get(field="RECORDNO", value=bill)["apbill"]["STATE"] == "Paid"
    left = advances.get(field="RECORDNO", value=advance)["apadvance"]
    assert (left["TOTALENTERED"], left["TOTALDUE"], left["STATE"]) == ("60.00", "0.00", "Paid")
    # The advance moved 60 from the bank to prepaid; the bill's 100 of payables is settled by
    # 60 of prepaid and 40 of cash.
    lines = {b["ACCOUNTNO"]: (b["debit"], b["credit"]) for b in
             sandbox.admin.balances(seeded.company_id)}  # fmt: skip
    assert lines["1300"] == ("60.00", "60.00")
    assert lines["1000"] == ("0.00", "100.00")
    assert sandbox.admin.records(seeded.company_id, "VENDOR")[0]["TOTALDUE"] == "0.00"
    with pytest.raises(WrongParamsError) as raised:
        advances.delete(advance)
    assert "cannot be deleted" in _refusal(raised)


def test_a_positive_adjustment_key_and_a_record_key_on_one_line_are_refused(
    sdk: SageIntacctSDK, server: RunningServer
) -> None:
    bill = _bill(sdk, "40")
    adjustment = _positive_adjustment(sdk, server, "10")
    with pytest.raises(WrongParamsError) as raised:
        _pay(sdk, {"RECORDKEY": bill, "POSADJKEY": adjustment, "TRX_PAYMENTAMOUNT": "10"})
    assert _refusal(raised) == "Line 1 of APPYMTDETAILS names both RECORDKEY and POSADJKEY."
    with pytest.raises(WrongParamsError) as raised:
        _pay(sdk, {"POSADJKEY": bill, "TRX_PAYMENTAMOUNT": "10"})  # a bill is no adjustment
    assert _refusal(raised) == f"Invalid bill '{bill}' specified."


def test_project_rules_are_written_and_read_back(
    sandbox: Sandbox, seeded: QuickstartCredentials, sdk: SageIntacctSDK
) -> None:
    admin = sandbox.admin
    admin.set_modules(seeded.company_id, [*admin.company(seeded.company_id).modules, "projects"])
    sdk.projects.post(
        {
            "PROJECTID": "P-RULES",
            "NAME": "Rules project",
            "PROJECTCATEGORY": "Contract",
            "PROJECT_RULES": "Overhead 10%,Billable travel",
        }
    )
    sdk.projects.update({"PROJECTID": "P-RULES", "PROJECT_RULES": "Overhead 12%"})
    row = sdk.projects.get(field="PROJECTID", value="P-RULES", fields=["PROJECT_RULES"])
    assert row["project"] == {"PROJECT_RULES": "Overhead 12%"}


def test_create_invoice_accepts_onhold(sdk: SageIntacctSDK) -> None:
    key = sdk.ar_invoices.post(
        {
            "customerid": "C100",
            "datecreated": {"year": 2025, "month": 3, "day": 15},
            "termname": "N30",
            "invoiceno": "INV-HOLD",
            "onhold": True,
            "invoiceitems": {"lineitem": [{"glaccountno": "4200", "amount": 10}]},
        }
    )["key"]
    row = sdk.ar_invoices.get(field="RECORDNO", value=key, fields=["RECORDID", "ONHOLD"])
    assert row["arinvoice"] == {"RECORDID": "INV-HOLD", "ONHOLD": "true"}


def test_automatic_numbering_gives_ids_to_creates_without_one(
    sandbox: Sandbox, seeded: QuickstartCredentials, sdk: SageIntacctSDK
) -> None:
    admin, company = sandbox.admin, seeded.company_id
    admin.set_modules(company, [*admin.company(company).modules, "projects"])
    admin.set_id_numbering(company, "VENDOR", prefix="V-", width=4)
    admin.set_id_numbering(company, "CUSTOMER", prefix="C", next_number=500)
    admin.set_id_numbering(company, "EMPLOYEE", prefix="E", width=2)
    admin.set_id_numbering(company, "PROJECT", width=3, next_number=7)
    admin.seed(company, "VENDOR", [{"VENDORID": "V-0002", "NAME": "Taken", "DISPLAYCONTACT":
                                    {"PRINTAS": "Taken"}}])  # fmt: skip

    def vendor(name: str) -> str:
        created = sdk.vendors.post({"NAME": name, "DISPLAYCONTACT": {"PRINTAS": name}})
        return str(created["data"]["vendor"]["VENDORID"])

    assert [vendor("First"), vendor("Second")] == ["V-0001", "V-0003"]  # V-0002 was taken
    page = sdk.vendors.get(field="VENDORID", value="V-0003", fields=["NAME"])
    assert page["VENDOR"] == [{"NAME": "Second"}]
    customer = sdk.customers.post({"NAME": "Numbered", "DISPLAYCONTACT": {"PRINTAS": "N"}})
    assert customer["data"]["customer"]["CUSTOMERID"] == "C500"
    employee = sdk.employees.post({"PERSONALINFO": {"CONTACTNAME": "Steel Supply(VV100)"}})
    assert employee["data"]["employee"]["EMPLOYEEID"] == "E01"
    project = sdk.projects.post({"NAME": "Numbered", "PROJECTCATEGORY": "Contract"})
    assert project["data"]["project"]["PROJECTID"] == "007"
    # A given ID is still accepted, and a refused create gives its number back.
    assert vendor_given(sdk, "MANUAL") == "MANUAL"
    with pytest.raises(WrongParamsError):
        sdk.vendors.post({"NAME": "No print-as"})
    assert vendor("Third") == "V-0004"
    admin.set_id_numbering(company, "VENDOR", enabled=False)
    with pytest.raises(WrongParamsError) as raised:
        sdk.vendors.post({"NAME": "Unnumbered", "DISPLAYCONTACT": {"PRINTAS": "U"}})
    assert "VENDORID" in _refusal(raised)


def vendor_given(sdk: SageIntacctSDK, vendor_id: str) -> str:
    created = sdk.vendors.post(
        {"VENDORID": vendor_id, "NAME": vendor_id, "DISPLAYCONTACT": {"PRINTAS": vendor_id}}
    )
    return str(created["data"]["vendor"]["VENDORID"])


def test_an_ar_payment_without_a_bank_goes_to_the_default_undeposited_account(
    sandbox: Sandbox, seeded: QuickstartCredentials, sdk: SageIntacctSDK
) -> None:
    admin, company = sandbox.admin, seeded.company_id
    admin.seed(company, "GLACCOUNT", [{"ACCOUNTNO": "1040", "TITLE": "Undeposited funds"}])
    admin.set_undeposited_account(company, "1040")
    key = sdk.ar_invoices.post(
        {
            "customerid": "C100",
            "datecreated": {"year": 2025, "month": 3, "day": 15},
            "invoiceitems": {"lineitem": [{"glaccountno": "4200", "amount": 75}]},
        }
    )["key"]
    payment = {
        "PAYMENTMETHOD": "Cash",
        "CUSTOMERID": "C100",
        "RECEIPTDATE": "04/02/2025",
        "CURRENCY": "USD",
        "ARPYMTDETAILS": {"ARPYMTDETAIL": {"RECORDKEY": key, "TRX_PAYMENTAMOUNT": 75}},
    }
    sdk.ar_payments.post(payment)
    (row,) = sdk.ar_payments.get_all(fields=["UNDEPOSITEDACCOUNTNO", "FINANCIALENTITY"])
    assert row == {"UNDEPOSITEDACCOUNTNO": "1040", "FINANCIALENTITY": None}
    balances = {b["ACCOUNTNO"]: b for b in admin.balances(company, "04/2025")}
    assert balances["1040"]["debit"] == "75.00"


def test_statistical_accounts_and_one_line_statistical_entries(
    sandbox: Sandbox, seeded: QuickstartCredentials, sdk: SageIntacctSDK, server: RunningServer
) -> None:
    admin, company = sandbox.admin, seeded.company_id
    admin.seed(company, "GLJOURNAL", [{"SYMBOL": "STAT", "TITLE": "Headcount",
                                       "STATISTICAL": True}])  # fmt: skip
    accounts = _api(sdk, server, "STATACCOUNT")
    accounts.post({"ACCOUNTNO": "9000", "TITLE": "Headcount", "ACCOUNTTYPE": "forperiod",
                   "REQUIREDEPT": True})  # fmt: skip
    read = accounts.get(field="ACCOUNTNO", value="9000", fields=["TITLE", "ACCOUNTTYPE"])
    assert read["stataccount"] == {"TITLE": "Headcount", "ACCOUNTTYPE": "forperiod"}
    entry = {
        "JOURNAL": "STAT",
        "BATCH_DATE": "03/31/2025",
        "BATCH_TITLE": "March headcount",
        "ENTRIES": {"GLENTRY": [{"ACCOUNTNO": "9000", "TR_TYPE": 1, "TRX_AMOUNT": 42,
                                 "DEPARTMENT": "PUR"}]},
    }  # fmt: skip
    recordno = sdk.journal_entries.post(entry)["data"]["glbatch"]["RECORDNO"]
    row = sdk.journal_entries.get(field="RECORDNO", value=recordno)["glbatch"]
    assert (row["JOURNAL"], row["BATCHNO"], row["STATE"]) == ("STAT", "1", "Posted")
    line = row["ENTRIES"]["GLENTRY"]
    assert (line["ACCOUNTNO"], line["TR_TYPE"], line["TRX_AMOUNT"]) == ("9000", "1", "42.00")
    assert sdk.gl_detail.get_all() == []  # statistical entries post nothing to the GL
    # The account's required department, and a GL account, are refused.
    del entry["ENTRIES"]["GLENTRY"][0]["DEPARTMENT"]  # type: ignore[index]
    with pytest.raises(WrongParamsError) as raised:
        sdk.journal_entries.post(entry)
    assert _refusal(raised) == (
        "This transaction is missing the Department dimension for the Account 9000"
    )
    entry["ENTRIES"]["GLENTRY"][0]["ACCOUNTNO"] = "6300"  # type: ignore[index]
    with pytest.raises(WrongParamsError) as raised:
        sdk.journal_entries.post(entry)
    assert _refusal(raised) == "Invalid Statistical Account '6300' specified."
    with pytest.raises(WrongParamsError) as raised:
        accounts.delete(admin.records(company, "STATACCOUNT")[0]["RECORDNO"])
    assert _refusal(raised) == (
        f"Statistical Account '9000' cannot be deleted because Journal Entry {recordno} "
        "refers to it."
    )
