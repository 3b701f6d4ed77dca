"""APADVANCE: an advance paid to a vendor, applied to its bills later.

An AP advance pays cash out of a bank account (``FINANCIALENTITY``) before the bill exists:
each ``APADVANCEITEMS/APADVANCEITEM`` line debits its account (a prepayment asset) and the
bank is credited. Its ``TOTALDUE`` is what is left to apply; an APPYMT detail applies it to
a bill with ``ADVANCEKEY`` (optionally ``ADVANCEENTRYKEY``) and ``TRX_POSTEDADVANCEAMOUNT``
— the field names the official SDKs' ``ApPaymentDetailAdvance`` writes — which debits the
bill's payables account and credits the advance line's account (:mod:`.payments`). The
rules are the AR advance's (:mod:`.advances`) *(inferred)*.

Layer: object catalogue.
"""

from __future__ import annotations

from dataclasses import replace

from intacct_bridge.sandbox.objects.advances import AdvanceKind, advance_lines, advance_type
from intacct_bridge.sandbox.objects.payables import AP_METHODS, AP_PAYMENT, BILL
from intacct_bridge.sandbox.schema import FieldSpec

KIND = AdvanceKind(
    payment=replace(AP_PAYMENT, name="APADVANCE", label="AP Advance", record_type="pr"),
    document=replace(BILL, name="APADVANCE", label="AP Advance", container="APADVANCEITEMS"),
    item="APADVANCEITEM",
)

APADVANCE = advance_type(
    KIND,
    (
        FieldSpec("VENDORID", required=True, ref="VENDOR", label="Vendor ID"),
        FieldSpec("VENDORNAME", readonly=True, via=("VENDORID", "VENDOR", "NAME")),
        FieldSpec(
            "PAYMENTMETHOD", "enum", required=True, choices=AP_METHODS, label="Payment method"
        ),
        FieldSpec("FINANCIALENTITY", required=True, ref="CHECKINGACCOUNT", label="Bank account"),
        FieldSpec("PAYMENTDATE", "date", required=True, label="Payment date"),
        FieldSpec("DOCNUMBER", max_length=45, label="Document number"),
        FieldSpec("DESCRIPTION", max_length=1000),
        FieldSpec("CURRENCY", max_length=3, label="Currency"),
        FieldSpec("BASECURR", max_length=3, label="Base currency"),
        FieldSpec("EXCH_RATE_DATE", "date", label="Exchange rate date"),
        FieldSpec("EXCH_RATE_TYPE_ID", label="Exchange rate type"),
        FieldSpec("EXCHANGE_RATE", "decimal", label="Exchange rate"),
    ),
    advance_lines(KIND),
    plural="AP Advances",
    url_path="/ia/acct/apadvance.phtml",
)

OBJECTS = (APADVANCE,)
