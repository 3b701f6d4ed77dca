"""CONTACT, VENDOR and CUSTOMER."""

from __future__ import annotations

from dataclasses import replace

from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.objects.common import (
    RESTRICTION,
    STATUS,
    contact_fields,
    contact_ref,
)
from intacct_bridge.sandbox.schema import FieldSpec, object_type
from intacct_bridge.sandbox.store import Record
from intacct_bridge.sandbox.writes import insert_record

CONTACT = object_type(
    "CONTACT",
    "Contact",
    (
        *(
            replace(f, required=True) if f.path == "CONTACTNAME" else f
            for f in contact_fields("", printas_required=True)
        ),
        FieldSpec("TAXID", max_length=20, label="Tax ID"),
        STATUS,
    ),
    id_field="CONTACTNAME",
    update_keys=("CONTACTNAME",),
    plural="Contacts",
    url_path="/ia/acct/contact.phtml",
)


def _display_contact_default(letter: str, id_field: str):  # type: ignore[no-untyped-def]
    def derive(ctx: Context, record: Record) -> None:
        values = record.values
        if not values.get("DISPLAYCONTACT.CONTACTNAME") and values.get("NAME"):
            values["DISPLAYCONTACT.CONTACTNAME"] = (
                f"{values['NAME']}({letter}{values.get(id_field, '')})"
            )
        for group in ("CONTACTINFO", "PAYTO", "RETURNTO", "BILLTO", "SHIPTO"):
            key = f"{group}.CONTACTNAME"
            if key in _GROUPS_BY_LETTER[letter] and not values.get(key):
                values[key] = values.get("DISPLAYCONTACT.CONTACTNAME", "")

    return derive


_GROUPS_BY_LETTER = {
    "V": {"CONTACTINFO.CONTACTNAME", "PAYTO.CONTACTNAME", "RETURNTO.CONTACTNAME"},
    "C": {"CONTACTINFO.CONTACTNAME", "BILLTO.CONTACTNAME", "SHIPTO.CONTACTNAME"},
}


def _create_display_contact(ctx: Context, record: Record) -> None:
    """Creating a vendor or customer creates its display CONTACT (inferred)."""
    name = record.values.get("DISPLAYCONTACT.CONTACTNAME", "")
    if not name or name in ctx.company.data.table("CONTACT").by_id:
        return
    values = {
        key.removeprefix("DISPLAYCONTACT."): value
        for key, value in record.values.items()
        if key.startswith("DISPLAYCONTACT.")
    }
    values.setdefault("STATUS", "active")
    insert_record(ctx, CONTACT, values, {})


_PARTY_COMMON = (
    STATUS,
    FieldSpec("ONETIME", "boolean", default="false", label="One-time use"),
    FieldSpec("HIDEDISPLAYCONTACT", "boolean", default="false"),
    FieldSpec("GLGROUP", label="GL group"),
    FieldSpec("TAXID", max_length=20, label="Tax ID"),
    FieldSpec("CREDITLIMIT", "decimal", label="Credit limit"),
    FieldSpec("ONHOLD", "boolean", default="false", label="On hold"),
    FieldSpec("COMMENTS", max_length=200),
    FieldSpec("CURRENCY", max_length=3, label="Default currency"),
    FieldSpec("OFFSETGLACCOUNTNO", ref="GLACCOUNT", label="Offset GL account"),
    FieldSpec("SUPDOCID", label="Attachment"),
    RESTRICTION,
    FieldSpec("RESTRICTEDLOCATIONS", label="Restricted locations"),
    FieldSpec("RESTRICTEDDEPARTMENTS", label="Restricted departments"),
    FieldSpec("TOTALDUE", "decimal", readonly=True, label="Total due"),
)

#: Vendor payment settings the official SDKs write (PHP/.NET ``VendorCreate``); stored and
#: read back, not acted on (the sandbox prints no checks and sends no ACH files).
_VENDOR_PAYMENT = (
    FieldSpec(
        "DISPLAYTERMDISCOUNT", "boolean", default="false", label="Display term discount on check"
    ),
    FieldSpec(
        "DISPLAYACCTNOCHECK", "boolean", default="false", label="Display account number on check"
    ),
    FieldSpec("ACHENABLED", "boolean", default="false", label="ACH enabled"),
    FieldSpec("ACHBANKROUTINGNUMBER", max_length=9, label="ACH bank routing number"),
    FieldSpec("ACHACCOUNTNUMBER", max_length=30, label="ACH account number"),
    FieldSpec(
        "ACHACCOUNTTYPE",
        "enum",
        choices=(("Checking Account", "Checking Account"), ("Savings Account", "Savings Account")),
        label="ACH account type",
    ),
    FieldSpec(
        "ACHREMITTANCETYPE",
        "enum",
        choices=(("CCD", "CCD"), ("PPD", "PPD"), ("CTX", "CTX")),
        label="ACH remittance type",
    ),
)

#: Customer print templates (document template names), in the SDKs' order.
PRINT_TEMPLATES = (
    FieldSpec("ARINVOICEPRINTTEMPLATEID", label="AR invoice print template"),
    FieldSpec("OEQUOTEPRINTTEMPLATEID", label="Order Entry quote print template"),
    FieldSpec("OEORDERPRINTTEMPLATEID", label="Order Entry order print template"),
    FieldSpec("OELISTPRINTTEMPLATEID", label="Order Entry list print template"),
    FieldSpec("OEINVOICEPRINTTEMPLATEID", label="Order Entry invoice print template"),
    FieldSpec("OEADJPRINTTEMPLATEID", label="Order Entry adjustment print template"),
    FieldSpec("OEOTHERPRINTTEMPLATEID", label="Order Entry other print template"),
)

VENDOR = object_type(
    "VENDOR",
    "Vendor",
    (
        FieldSpec("VENDORID", required=True, max_length=20, label="Vendor ID"),
        FieldSpec("NAME", required=True, max_length=100, label="Vendor name"),
        FieldSpec("VENDTYPE", label="Vendor type"),
        FieldSpec(
            "PARENTKEY",
            "integer",
            readonly=True,
            via=("PARENTID", "VENDOR", "RECORDNO"),
            label="Parent key",
        ),
        FieldSpec("PARENTID", ref="VENDOR", label="Parent"),
        FieldSpec(
            "PARENTNAME", readonly=True, via=("PARENTID", "VENDOR", "NAME"), label="Parent name"
        ),
        FieldSpec("NAME1099", label="Form 1099 name"),
        FieldSpec("FORM1099TYPE"),
        FieldSpec("FORM1099BOX"),
        FieldSpec("DEFAULT_LEAD_TIME", "integer"),
        FieldSpec("ACCOUNTLABEL", label="Default expense account label"),
        FieldSpec("APACCOUNT", ref="GLACCOUNT", label="Default expense account"),
        FieldSpec(
            "APACCOUNTTITLE",
            readonly=True,
            via=("APACCOUNT", "GLACCOUNT", "TITLE"),
            label="Default expense account title",
        ),
        FieldSpec("DONOTCUTCHECK", "boolean", default="false"),
        FieldSpec("TERMNAME", ref="APTERM", label="Term"),
        FieldSpec("PAYMETHODKEY", label="Preferred payment method"),
        FieldSpec("BILLINGTYPE", label="Billing type"),
        FieldSpec(
            "PAYMENTPRIORITY",
            "enum",
            default="Normal",
            choices=(("U", "Urgent"), ("H", "High"), ("N", "Normal"), ("L", "Low")),
        ),
        FieldSpec("VENDORACCOUNTNO", label="Vendor account number"),
        FieldSpec("MERGEPAYMENTREQ", "boolean", default="true"),
        FieldSpec("PAYMENTNOTIFY", "boolean", default="false"),
        *_VENDOR_PAYMENT,
        *_PARTY_COMMON,
        *contact_fields("DISPLAYCONTACT", printas_required=True),
        contact_ref("CONTACTINFO", "Primary contact"),
        contact_ref("PAYTO", "Pay-to contact"),
        contact_ref("RETURNTO", "Return-to contact"),
    ),
    id_field="VENDORID",
    update_keys=("VENDORID",),
    plural="Vendors",
    derive=_display_contact_default("V", "VENDORID"),
    before_insert=_create_display_contact,
    url_path="/ia/acct/vendor.phtml",
)

CUSTOMER = object_type(
    "CUSTOMER",
    "Customer",
    (
        FieldSpec("CUSTOMERID", required=True, max_length=20, label="Customer ID"),
        FieldSpec("NAME", required=True, max_length=100, label="Customer name"),
        FieldSpec("CUSTTYPE", label="Customer type"),
        FieldSpec("ENTITY", readonly=True, label="Entity"),
        FieldSpec("CUSTREPID", ref="EMPLOYEE", label="Sales rep"),
        FieldSpec(
            "CUSTREPNAME",
            readonly=True,
            via=("CUSTREPID", "EMPLOYEE", "PERSONALINFO.CONTACTNAME"),
            label="Sales rep name",
        ),
        FieldSpec(
            "PARENTKEY",
            "integer",
            readonly=True,
            via=("PARENTID", "CUSTOMER", "RECORDNO"),
            label="Parent key",
        ),
        FieldSpec("PARENTID", ref="CUSTOMER", label="Parent"),
        FieldSpec(
            "PARENTNAME", readonly=True, via=("PARENTID", "CUSTOMER", "NAME"), label="Parent name"
        ),
        FieldSpec("GLGRPKEY", "integer", readonly=True, label="GL group key"),
        FieldSpec("TERRITORYID", label="Territory"),
        FieldSpec("TERMNAME", ref="ARTERM", label="Term"),
        FieldSpec("ARACCOUNT", ref="GLACCOUNT", label="Default revenue account"),
        FieldSpec("SHIPPINGMETHOD", label="Shipping method"),
        FieldSpec("RESALENO", label="Resale number"),
        FieldSpec("DELIVERYOPTIONS", label="Delivery method"),
        FieldSpec("CUSTMESSAGEID", label="Default invoice message"),
        *PRINT_TEMPLATES,
        *_PARTY_COMMON,
        *contact_fields("DISPLAYCONTACT", printas_required=True),
        contact_ref("CONTACTINFO", "Primary contact"),
        contact_ref("BILLTO", "Bill-to contact"),
        contact_ref("SHIPTO", "Ship-to contact"),
    ),
    id_field="CUSTOMERID",
    update_keys=("CUSTOMERID",),
    plural="Customers",
    derive=_display_contact_default("C", "CUSTOMERID"),
    before_insert=_create_display_contact,
    url_path="/ia/acct/customer.phtml",
)

OBJECTS = (CONTACT, VENDOR, CUSTOMER)
