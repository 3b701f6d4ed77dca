"""Entry → Intacct function: the pure half of the export (no I/O).

:func:`to_outgoing` turns one balanced :class:`~intacct_bridge.posting.Entry` into the
:class:`~intacct_bridge.intacct.envelope.Function` that creates it in Intacct, with a
deterministic control ID (tenant, object, entry key, version), and says how the record can be
found again by the bridge's key (:class:`Lookup`) when the reply to the create was lost.

Where the bridge's key goes (a field Intacct lets us query back):

* GLBATCH — ``REFERENCENO`` = the entry key (``<document type>/<number>/GLBATCH``);
* APBILL — ``DOCNUMBER`` = the entry key; ``RECORDID`` is the supplier's invoice number;
* ARINVOICE, APADJUSTMENT, ARADJUSTMENT — ``RECORDID`` = the document number, found with
  the customer / vendor.

Tax: a tax line whose tax detail belongs to a tax solution (VAT/GST) becomes a
``TAXENTRY`` (``DETAILID``, ``TRX_TAX``) on the line of the same source line, so Intacct
computes its own tax posting; a tax detail without a solution (US sales tax) is sent as a
plain line to the tax account. The AP/AR control line is not sent: its account is every
line's ``OFFSETGLACCOUNTNO`` and Intacct posts the total there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from intacct_bridge.intacct import documents as docs
from intacct_bridge.intacct.envelope import Function
from intacct_bridge.model.finance import TaxDetail
from intacct_bridge.posting.entries import Entry, EntryLine, Target
from intacct_bridge.posting.roles import AccountType

_DIMENSION_ARGS: Mapping[str, str] = {
    "LOCATION": "location",
    "DEPARTMENT": "department",
    "PROJECTID": "project",
    "TASKID": "task",
    "CUSTOMERID": "customer",
    "VENDORID": "vendor",
    "EMPLOYEEID": "employee",
    "ITEMID": "item",
    "CLASSID": "klass",
    "WAREHOUSEID": "warehouse",
}

_CONTROL = (AccountType.PAYABLE, AccountType.RECEIVABLE)


class ExportError(ValueError):
    """An entry that cannot be sent as given; the message names document, line and fix."""


@dataclass(frozen=True, slots=True)
class Lookup:
    """How to find the Intacct record of an entry: object and field values to query by."""

    object_name: str
    fields: tuple[tuple[str, str], ...]

    def where(self) -> str:
        """The ``readByQuery`` filter (values quoted, quotes doubled)."""
        return " AND ".join(
            f"{name} = '{value.replace(chr(39), chr(39) * 2)}'" for name, value in self.fields
        )


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One entry ready to send."""

    key: str
    target: Target
    function: Function
    lookup: Lookup


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """How entries become Intacct records (the tenant's export configuration)."""

    #: a multi-entity company posted at top level: each line carries its entity as LOCATION
    top_level: bool = True
    #: tax details by ID (to tell VAT, sent as tax entries, from US sales tax, sent as lines)
    tax_details: Mapping[str, TaxDetail] = field(default_factory=dict)


def lookup_for(target: Target, key: str, number: str, party: str | None) -> Lookup:
    """How the record of an entry is found in Intacct: by the bridge key written into it
    (see the module docstring). ``key`` is the entry key, ``number`` the document number."""
    if target is Target.JOURNAL_ENTRY:
        return Lookup("GLBATCH", (("REFERENCENO", key),))
    if target is Target.AP_BILL:
        return Lookup("APBILL", (("DOCNUMBER", key),))
    party_field = "VENDORID" if target is Target.AP_ADJUSTMENT else "CUSTOMERID"
    return Lookup(target.value, ((party_field, party or ""), ("RECORDID", number)))


def _dimensions(line: EntryLine, where: str, options: ExportOptions) -> docs.Dimensions:
    values: dict[str, str] = {}
    user: dict[str, str] = {}
    for name, value in line.dimensions:
        if name in _DIMENSION_ARGS:
            values[_DIMENSION_ARGS[name]] = value
        elif name.startswith("GLDIM"):
            user[name.removeprefix("GLDIM")] = value
        else:
            raise ExportError(
                f"{where}: dimension field {name} cannot be sent yet; map the dimension type "
                "to another Intacct dimension."
            )
    if options.top_level and line.entity_id and "location" not in values:
        values["location"] = line.entity_id
    return docs.Dimensions(**values, user_defined=user)


def _currency(entry: Entry) -> docs.Currency | None:
    if entry.currency == entry.base_currency:
        return None
    return docs.Currency(
        currency=entry.currency,
        exchange_rate=entry.exchange_rate,
        rate_date=entry.date,
        base_currency=entry.base_currency,
    )


def _is_vat(detail_id: str | None, options: ExportOptions) -> bool:
    if detail_id is None:
        return False
    detail = options.tax_details.get(detail_id)
    return detail is not None and detail.tax_solution_id is not None


def _document_lines(entry: Entry, options: ExportOptions, sign: int) -> list[docs.Line]:
    """The lines of an AP/AR document: every line but the control line, amounts signed for
    the document (AP: debit positive; AR: credit positive), VAT as tax entries."""
    control = [line for line in entry.lines if line.account_type in _CONTROL]
    if len(control) != 1:
        raise ExportError(f"{entry.key}: expected one AP/AR control line, found {len(control)}.")
    offset = control[0].account_id
    plain: list[EntryLine] = []
    taxes: list[EntryLine] = []
    for line in entry.lines:
        if line.account_type in _CONTROL:
            continue
        if line.tax_detail_id is not None and _is_vat(line.tax_detail_id, options):
            taxes.append(line)
        else:
            plain.append(line)
    attached: dict[int, list[docs.TaxEntry]] = {}
    for tax in taxes:
        owner = next(
            (
                index
                for index, line in enumerate(plain)
                if line.source_line == tax.source_line and line.tax_detail_id is None
            ),
            None,
        )
        if owner is None:
            raise ExportError(
                f"{entry.key} line {tax.source_line}: the tax of tax detail {tax.tax_detail_id} "
                "has no line to belong to; give the document line an amount."
            )
        if tax.side is not plain[owner].side:
            continue  # reverse charge: Intacct books the other side from the detail itself
        entries = attached.setdefault(owner, [])
        if any(e.detail_id == tax.tax_detail_id for e in entries):
            continue
        entries.append(
            docs.TaxEntry(detail_id=str(tax.tax_detail_id), trx_tax=sign * tax.signed_trx_amount)
        )
    out = []
    for index, line in enumerate(plain):
        amount = sign * line.signed_trx_amount
        if amount == 0 and index not in attached:
            continue
        where = f"{entry.key} line {line.source_line or index + 1}"
        out.append(
            docs.Line(
                account=line.account_id,
                amount=amount,
                memo=line.memo,
                dimensions=_dimensions(line, where, options),
                tax_entries=tuple(attached.get(index, ())),
                offset_account=offset,
            )
        )
    return out


def _lookup(entry: Entry) -> Lookup:
    return lookup_for(entry.target, entry.key, entry.document_number, entry.party_id)


def to_outgoing(
    entry: Entry, *, tenant: str, version: int = 1, options: ExportOptions | None = None
) -> Outgoing:
    """The create function of ``entry`` (raises :class:`ExportError` or
    :class:`~intacct_bridge.intacct.documents.DocumentError` with a message naming the fix)."""
    options = options or ExportOptions()
    currency = _currency(entry)
    description = entry.description or f"{entry.document_type.value} {entry.document_number}"
    try:
        return _build(entry, tenant, version, options, currency, description)
    except docs.DocumentError as error:
        raise ExportError(f"{entry.key}: {error}") from None


def _build(
    entry: Entry,
    tenant: str,
    version: int,
    options: ExportOptions,
    currency: docs.Currency | None,
    description: str,
) -> Outgoing:
    target = entry.target
    if target is Target.JOURNAL_ENTRY:
        lines = [
            docs.Line(
                account=line.account_id,
                amount=line.signed_trx_amount,
                memo=line.memo,
                dimensions=_dimensions(line, f"{entry.key} line {index}", options),
            )
            for index, line in enumerate(entry.lines, start=1)
            if line.trx_amount != 0
        ]
        entities = sorted({line.entity_id for line in entry.lines if line.entity_id})
        base = ""
        if len(entities) > 1:
            base = entry.entity_id if entry.entity_id in entities else entities[0]
        function = docs.journal_entry(
            tenant=tenant,
            key=entry.key,
            version=version,
            journal=entry.journal_id or "",
            posting_date=entry.gl_date,
            title=description,
            lines=lines,
            reference=entry.key,
            base_location=base,
            currency=currency,
        )
        return Outgoing(entry.key, target, function, _lookup(entry))
    party = entry.party_id or ""
    if not party:
        raise ExportError(f"{entry.key}: an AP/AR document needs its supplier or customer.")
    if target is Target.AP_BILL:
        if not entry.reference:
            raise ExportError(
                f"{entry.key}: the supplier's invoice number is required for an AP bill; "
                "set supplier_invoice_number on the purchase invoice."
            )
        function = docs.ap_bill(
            tenant=tenant,
            version=version,
            vendor_id=party,
            bill_number=entry.reference,
            bill_date=entry.date,
            lines=_document_lines(entry, options, 1),
            due_date=entry.due_date or (None if entry.payment_term_id else entry.date),
            term=entry.payment_term_id or "",
            reference=entry.key,
            description=description,
            currency=currency,
            tax_solution=entry.tax_solution_id or "",
            posting_date=entry.posting_date,
        )
        return Outgoing(entry.key, target, function, _lookup(entry))
    if target is Target.AR_INVOICE:
        function = docs.ar_invoice(
            tenant=tenant,
            version=version,
            customer_id=party,
            invoice_number=entry.document_number,
            invoice_date=entry.date,
            lines=_document_lines(entry, options, -1),
            due_date=entry.due_date or (None if entry.payment_term_id else entry.date),
            term=entry.payment_term_id or "",
            description=description,
            currency=currency,
            tax_solution=entry.tax_solution_id or "",
            posting_date=entry.posting_date,
        )
        return Outgoing(entry.key, target, function, _lookup(entry))
    if target is Target.AP_ADJUSTMENT:
        function = docs.ap_adjustment(
            tenant=tenant,
            version=version,
            vendor_id=party,
            adjustment_number=entry.document_number,
            adjustment_date=entry.date,
            lines=_document_lines(entry, options, 1),
            description=description,
            currency=currency,
            tax_solution=entry.tax_solution_id or "",
            posting_date=entry.posting_date,
        )
        return Outgoing(entry.key, target, function, _lookup(entry))
    function = docs.ar_adjustment(
        tenant=tenant,
        version=version,
        customer_id=party,
        adjustment_number=entry.document_number,
        adjustment_date=entry.date,
        lines=_document_lines(entry, options, -1),
        description=description,
        currency=currency,
        tax_solution=entry.tax_solution_id or "",
        posting_date=entry.posting_date,
    )
    return Outgoing(entry.key, target, function, _lookup(entry))
