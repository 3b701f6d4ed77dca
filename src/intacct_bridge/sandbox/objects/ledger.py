"""Financial setup objects the bridge reads: GLACCOUNT, STATACCOUNT (statistical accounts),
GLJOURNAL, APTERM, ARTERM, CHECKINGACCOUNT (bank accounts), TAXDETAIL, TAXSOLUTION."""

from __future__ import annotations

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.objects.common import STATUS
from intacct_bridge.sandbox.schema import FieldSpec, ObjectType, object_type
from intacct_bridge.sandbox.store import Record

#: GLACCOUNT flags requiring a standard dimension on transaction lines, with the
#: line field each one checks and the module it needs.
REQUIRE_FLAGS: tuple[tuple[str, str, str | None], ...] = (
    ("REQUIREDEPT", "Department", None),
    ("REQUIRELOC", "Location", None),
    ("REQUIREPROJECT", "Project", "projects"),
    ("REQUIRETASK", "Task", "projects"),
    ("REQUIRECUSTOMER", "Customer", None),
    ("REQUIREVENDOR", "Vendor", None),
    ("REQUIREEMPLOYEE", "Employee", None),
    ("REQUIREITEM", "Item", None),
    ("REQUIRECLASS", "Class", None),
    ("REQUIRECONTRACT", "Contract", None),
    ("REQUIREWAREHOUSE", "Warehouse", None),
)


def _duplicate_account(value: str) -> errors.FunctionError:
    return errors.FunctionError(
        errors.ErrorDetail(
            "BL01001973",
            "Duplicate account number",
            f"The account number '{value}' already exists",
            "Enter unique account number",
        ),
        errors.ErrorDetail("BL01001973", "", "Could not create GL Account record.", ""),
    )


def _closing_account(ctx: Context, otype: ObjectType, new: Record, old: Record | None) -> None:
    if new.values.get("CLOSINGTYPE") == "closing account" and not new.values.get(
        "CLOSINGACCOUNTNO"
    ):
        raise errors.business_error(
            f"Account {new.values.get('ACCOUNTNO')} is a closing account but has no "
            "CLOSINGACCOUNTNO.",
            "Provide the account that this account closes into.",
        )


GLACCOUNT = object_type(
    "GLACCOUNT",
    "GL Account",
    (
        FieldSpec("ACCOUNTNO", required=True, max_length=24, label="Account number"),
        FieldSpec("TITLE", required=True, max_length=80, label="Title"),
        FieldSpec(
            "ACCOUNTTYPE",
            "enum",
            choices=(("N", "balancesheet"), ("I", "incomestatement")),
            default="balancesheet",
            label="Account type",
        ),
        FieldSpec(
            "NORMALBALANCE",
            "enum",
            choices=(("1", "debit"), ("-1", "credit")),
            default="debit",
            label="Normal balance",
        ),
        FieldSpec(
            "CLOSINGTYPE",
            "enum",
            choices=(("N", "non-closing account"), ("C", "closing account")),
            default="non-closing account",
            label="Period end closing type",
        ),
        FieldSpec("CLOSINGACCOUNTNO", ref="GLACCOUNT", label="Close into account"),
        FieldSpec("CATEGORY", label="Category"),
        FieldSpec(
            "ALTERNATIVEACCOUNT",
            "enum",
            choices=(("N", "None"), ("P", "Payables account"), ("R", "Receivables account")),
            default="None",
            label="Disallow direct posting",
        ),
        FieldSpec("TAXCODE", label="Tax return code"),
        FieldSpec("MRCCODE", label="M-3 return code"),
        FieldSpec("TAXABLE", "boolean", default="false"),
        STATUS,
        *(
            FieldSpec(flag, "boolean", default="false", module=module, label=f"Require {label}")
            for flag, label, module in REQUIRE_FLAGS
        ),
    ),
    id_field="ACCOUNTNO",
    update_keys=("ACCOUNTNO",),
    plural="GL Accounts",
    duplicate_error=_duplicate_account,
    validators=(_closing_account,),
    url_path="/ia/acct/glaccount.phtml",
)

GLJOURNAL = object_type(
    "GLJOURNAL",
    "Journal",
    (
        FieldSpec("SYMBOL", required=True, max_length=12, label="Journal symbol"),
        FieldSpec("TITLE", required=True, max_length=80, label="Journal title"),
        FieldSpec("ADJ", "boolean", default="false", label="Adjustment journal"),
        FieldSpec("BOOKID", default="ACCRUAL", label="Book"),
        # A statistical journal: its entries count STATACCOUNT units, one line each if need
        # be, and post nothing to the GL (``objects/journal.py``; inferred flag name).
        FieldSpec("STATISTICAL", "boolean", default="false", label="Statistical journal"),
        STATUS,
    ),
    id_field="SYMBOL",
    update_keys=("SYMBOL",),
    plural="Journals",
    url_path="/ia/acct/journal.phtml",
)


def _term(name: str, label: str, url: str) -> ObjectType:
    return object_type(
        name,
        label,
        (
            FieldSpec("NAME", required=True, max_length=40, label="Term"),
            FieldSpec("DESCRIPTION", max_length=80),
            STATUS,
            FieldSpec("DUEDATE", "integer", label="Due days"),
            FieldSpec("DUEFROM", label="Due from"),
            FieldSpec("DISCDATE", "integer", label="Discount days"),
            FieldSpec("DISCFROM", label="Discount from"),
            FieldSpec("DISCAMOUNT", "decimal", label="Discount amount"),
            FieldSpec("DISCPERCAMN", label="Discount unit"),
            FieldSpec("DISCCALCON", label="Discount calculated on"),
            FieldSpec("DISCFUDGEDAYS", "integer", label="Discount grace days"),
            FieldSpec("PEN_TYPES", label="Penalty cycle"),
            FieldSpec("PENAMOUNT", "decimal", label="Penalty amount"),
            FieldSpec("PENPERCAMN", label="Penalty unit"),
            FieldSpec("PENFUDGEDAYS", "integer", label="Penalty grace days"),
        ),
        id_field="NAME",
        generic_create=False,
        generic_update=False,
        plural=f"{label}s",
        url_path=url,
    )


APTERM = _term("APTERM", "AP Term", "/ia/acct/apterm.phtml")
ARTERM = _term("ARTERM", "AR Term", "/ia/acct/arterm.phtml")

CHECKINGACCOUNT = object_type(
    "CHECKINGACCOUNT",
    "Checking account",
    (
        FieldSpec("BANKACCOUNTID", required=True, max_length=20, label="Bank account ID"),
        FieldSpec("BANKACCOUNTNO", required=True, max_length=30, label="Bank account number"),
        FieldSpec("GLACCOUNTNO", required=True, ref="GLACCOUNT", label="GL account"),
        FieldSpec("BANKNAME", max_length=40, label="Bank name"),
        FieldSpec("ROUTINGNO", max_length=20, label="Routing number"),
        FieldSpec("BRANCHID", max_length=20),
        FieldSpec("ACHBANKID", label="ACH bank"),
        FieldSpec("COMPANYNAME", max_length=40, label="Company name on checks"),
        FieldSpec("DEPARTMENTID", ref="DEPARTMENT", label="Department"),
        FieldSpec("BANKACCOUNTTYPE", default="checking", label="Account type"),
        FieldSpec("CURRENCY", max_length=3),
        FieldSpec("LOCATIONID", ref="LOCATION", label="Location"),
        STATUS,
    ),
    id_field="BANKACCOUNTID",
    update_keys=("BANKACCOUNTID",),
    plural="Checking accounts",
    url_path="/ia/acct/checkingaccount.phtml",
)

TAXSOLUTION = object_type(
    "TAXSOLUTION",
    "Tax solution",
    (
        FieldSpec("TAXSOLUTIONID", required=True, max_length=40, label="Tax solution ID"),
        FieldSpec("DESCRIPTION", max_length=200),
        FieldSpec("TAXMETHOD", label="Tax method"),
        FieldSpec("TYPE", label="Type"),
        FieldSpec("STARTDATE", "date", label="Start date"),
        FieldSpec("SHOWMULTILINETAX", "boolean", default="false"),
        FieldSpec("GLACCOUNTPURCHASE", label="Purchase GL account"),
        FieldSpec("GLACCOUNTSALE", label="Sales GL account"),
        STATUS,
    ),
    id_field="TAXSOLUTIONID",
    generic_create=False,
    generic_update=False,
    generic_delete=False,
    plural="Tax solutions",
    url_path="/ia/acct/taxsolution.phtml",
)

TAXDETAIL = object_type(
    "TAXDETAIL",
    "Tax detail",
    (
        FieldSpec("DETAILID", required=True, max_length=100, label="Tax detail ID"),
        FieldSpec("TAXUID", label="Tax unique ID"),
        FieldSpec("DESCRIPTION", max_length=200),
        FieldSpec(
            "TAXTYPE",
            "enum",
            required=True,
            choices=(("S", "Sale"), ("P", "Purchase")),
            label="Tax type",
        ),
        FieldSpec("VALUE", "decimal", label="Percent"),
        FieldSpec("MINTAXABLE", "decimal"),
        FieldSpec("MAXTAXABLE", "decimal"),
        FieldSpec("INCLUDE", "boolean", default="false"),
        FieldSpec("MINTAX", "decimal"),
        FieldSpec("MAXTAX", "decimal"),
        FieldSpec("GLACCOUNT", ref="GLACCOUNT", label="GL account"),
        FieldSpec("TAXAUTHORITY", label="Tax authority"),
        FieldSpec("REVERSECHARGE", "boolean", default="false"),
        FieldSpec("TAXRATE", label="Tax rate"),
        FieldSpec("TAXSOLUTIONID", ref="TAXSOLUTION", label="Tax solution"),
        STATUS,
    ),
    id_field="DETAILID",
    generic_create=False,
    generic_update=False,
    generic_delete=False,
    plural="Tax details",
    url_path="/ia/acct/taxdetail.phtml",
)


def _statistical_account_in_use(ctx: Context, otype: ObjectType, record: Record) -> None:
    """A statistical account that a journal entry line counts cannot be deleted."""
    number = record.values.get("ACCOUNTNO", "")
    table = ctx.company.data.tables.get("GLBATCH")
    for batch in table.records.values() if table is not None else ():
        if any(line.get("ACCOUNTNO") == number for line in batch.lines.get("ENTRIES", [])):
            raise errors.business_error(
                f"Statistical Account '{number}' cannot be deleted because Journal Entry "
                f"{batch.recordno} refers to it.",
                "Delete the entry first, or make the account inactive instead.",
            )


STATACCOUNT = object_type(
    "STATACCOUNT",
    "Statistical Account",
    (
        FieldSpec("ACCOUNTNO", required=True, max_length=24, label="Account number"),
        FieldSpec("TITLE", required=True, max_length=80, label="Title"),
        # The values the official SDKs write (StatisticalAccountCreate: ``forperiod``).
        FieldSpec(
            "ACCOUNTTYPE",
            "enum",
            choices=(("F", "forperiod"), ("C", "cumulative")),
            default="forperiod",
            label="Report type",
        ),
        FieldSpec("CATEGORY", label="System category"),
        STATUS,
        *(
            FieldSpec(flag, "boolean", default="false", module=module, label=f"Require {label}")
            for flag, label, module in REQUIRE_FLAGS
        ),
    ),
    id_field="ACCOUNTNO",
    update_keys=("ACCOUNTNO",),
    module="gl",
    plural="Statistical Accounts",
    before_delete=_statistical_account_in_use,
    url_path="/ia/acct/stataccount.phtml",
)

OBJECTS = (
    GLACCOUNT,
    STATACCOUNT,
    GLJOURNAL,
    APTERM,
    ARTERM,
    CHECKINGACCOUNT,
    TAXSOLUTION,
    TAXDETAIL,
)
