"""Every reference in the demo data points at something that exists and makes sense.

These checks look at the generated values alone (no store), so they also cover rules the
store does not enforce yet: quantities credited never exceed what was invoiced, invoices
match their shipments, lines carry what their accounts require.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from intacct_bridge.model import (
    RULES,
    Account,
    Attribute,
    AttributeTypeKind,
    Company,
    Contact,
    Customer,
    Dimension,
    Document,
    DocumentStatus,
    DocumentType,
    Item,
    Ledger,
    Party,
    PaymentTerm,
    Record,
    Site,
    SiteRole,
    Supplier,
    TaxDetail,
    TaxSolution,
    TaxType,
)
from tests.demo.company import small_documents, small_records

T = DocumentType
A = AttributeTypeKind


class Master:
    """The master data of the small company, indexed."""

    def __init__(self, records: tuple[Record, ...]) -> None:
        self.sites = {r.id: r for r in records if isinstance(r, Site)}
        self.companies = {r.id: r for r in records if isinstance(r, Company)}
        self.customers = {r.id: r for r in records if isinstance(r, Customer)}
        self.suppliers = {r.id: r for r in records if isinstance(r, Supplier)}
        self.items = {r.id: r for r in records if isinstance(r, Item)}
        self.contacts = {r.name for r in records if isinstance(r, Contact)}
        self.attributes = {(r.type, r.id): r for r in records if isinstance(r, Attribute)}
        self.dimensions = {(r.type_id, r.id) for r in records if isinstance(r, Dimension)}
        self.taxes = {r.id: r for r in records if isinstance(r, TaxDetail)}
        self.solutions = {r.id for r in records if isinstance(r, TaxSolution)}
        self.terms = {(r.ledger, r.id): r for r in records if isinstance(r, PaymentTerm)}
        self.accounts = {r.id: r for r in records if isinstance(r, Account)}

    def currency(self, site_id: str) -> str:
        return self.companies[self.sites[site_id].company_id].currency


#: enough documents for dozens of returns and credit memos
DOCUMENTS = 2_000


@pytest.fixture(scope="module")
def master() -> Master:
    return Master(small_records(DOCUMENTS))


@pytest.fixture(scope="module")
def documents() -> tuple[Document, ...]:
    return small_documents(DOCUMENTS)


def _quantities(document: Document, stock_only: bool = False) -> dict[str, Decimal]:
    counts: dict[str, Decimal] = defaultdict(Decimal)
    for line in document.lines:
        if not line.item_id.startswith("SVC-") or not stock_only:
            counts[line.item_id] += line.quantity
    return dict(counts)


def test_parties_name_existing_contacts_terms_and_classes(master: Master) -> None:
    for customer in master.customers.values():
        assert set(customer.contact_names) <= master.contacts and customer.primary_contact
        assert (Ledger.AR, customer.payment_term_id) in master.terms
        assert customer.currency in {"USD", "CAD"}
    for supplier in master.suppliers.values():
        assert set(supplier.contact_names) <= master.contacts and supplier.primary_contact
        assert (Ledger.AP, supplier.payment_term_id) in master.terms
    for contact in master.contacts:
        owner = contact.rsplit("(", 1)[1].rstrip(")")
        assert owner in master.customers or owner in master.suppliers


def test_numbers_are_unique_and_references_point_back_in_time(
    master: Master, documents: tuple[Document, ...]
) -> None:
    seen: dict[tuple[DocumentType, str], Document] = {}
    reversed_by: Counter[tuple[DocumentType, str]] = Counter()
    for document in documents:
        key = (document.type, document.number)
        assert key not in seen, f"{key} appears twice"
        if document.reverses is not None:
            rule = RULES[document.type]
            assert rule.reverses is not None
            original = seen.get((rule.reverses, document.reverses))
            assert original is not None, f"{document.number} reverses an unknown document"
            assert original.status is DocumentStatus.POSTED
            assert original.date < document.date
            assert original.party_id == document.party_id
            assert original.site_id == document.site_id
            reversed_by[(rule.reverses, document.reverses)] += 1
        seen[key] = document
    # each shipment, receipt and invoice is reversed at most once
    assert reversed_by and max(reversed_by.values()) == 1


def test_every_credit_memo_reverses_a_posted_invoice_of_its_party(
    documents: tuple[Document, ...],
) -> None:
    kinds = (T.SALES_INVOICE, T.PURCHASE_INVOICE)
    invoices: dict[tuple[DocumentType, str], Document] = {
        (d.type, d.number): d for d in documents if d.type in kinds
    }
    memos = [d for d in documents if d.type in (T.SALES_CREDIT_MEMO, T.PURCHASE_CREDIT_MEMO)]
    assert len(memos) >= 10
    for memo in memos:
        invoice_type = T.SALES_INVOICE if memo.type is T.SALES_CREDIT_MEMO else T.PURCHASE_INVOICE
        assert memo.reverses is not None
        invoice = invoices[(invoice_type, memo.reverses)]
        assert invoice.is_posted and invoice.party_id == memo.party_id
        assert invoice.currency == memo.currency
        credited, billed = _quantities(memo), _quantities(invoice)
        for item_id, quantity in credited.items():
            assert 0 < quantity <= billed[item_id]
        # a credit never gives back more than was billed, line by line
        prices = {line.item_id: line.unit_price for line in invoice.lines}
        for line in memo.lines:
            billed_price = prices[line.item_id]
            assert line.unit_price is not None and billed_price is not None
            assert 0 < line.unit_price <= billed_price


def test_returns_match_their_shipments_and_credit_memos(documents: tuple[Document, ...]) -> None:
    by_key = {(d.type, d.number): d for d in documents}
    returns = [d for d in documents if d.type in (T.SALES_RETURN_RECEIPT, T.PURCHASE_RETURN)]
    assert returns
    for returned in returns:
        rule = RULES[returned.type]
        assert rule.reverses is not None and returned.reverses is not None
        original = by_key[(rule.reverses, returned.reverses)]
        assert original.party_id == returned.party_id
        shipped = _quantities(original)
        for item_id, quantity in _quantities(returned).items():
            assert 0 < quantity <= shipped[item_id]
        # the return's credit memo comes right after it and credits the same goods
        index = documents.index(returned)
        memo = documents[index + 1]
        assert memo.type in (T.SALES_CREDIT_MEMO, T.PURCHASE_CREDIT_MEMO)
        assert memo.date == returned.date and memo.party_id == returned.party_id
        assert _quantities(memo) == _quantities(returned)
        if returned.type is T.SALES_RETURN_RECEIPT:
            assert memo.reference == returned.reference


def test_invoices_bill_what_was_shipped_or_received(documents: tuple[Document, ...]) -> None:
    by_key = {(d.type, d.number): d for d in documents}
    pairs = 0
    for invoice in documents:
        if invoice.type not in (T.SALES_INVOICE, T.PURCHASE_INVOICE):
            continue
        assert invoice.description is not None
        number = invoice.description.split()[-1]
        source_type = T.SALES_SHIPMENT if invoice.type is T.SALES_INVOICE else T.PURCHASE_RECEIPT
        source = by_key[(source_type, number)]
        assert source.party_id == invoice.party_id and source.site_id == invoice.site_id
        assert source.date <= invoice.date
        assert _quantities(invoice, stock_only=True) == _quantities(source)
        pairs += 1
    assert pairs > 100


def test_headers_use_existing_sites_terms_taxes_and_currencies(
    master: Master, documents: tuple[Document, ...]
) -> None:
    for document in documents:
        rule = RULES[document.type]
        site = master.sites[document.site_id]
        if not rule.priced:
            assert site.has_role(SiteRole.STOCK), document.number
            assert document.currency == master.currency(site.id)
        if document.to_site_id is not None:
            target = master.sites[document.to_site_id]
            assert target.has_role(SiteRole.STOCK) and target.company_id == site.company_id
        if rule.party is Party.CUSTOMER:
            customer = master.customers[document.customer_id or ""]
            if rule.priced:
                assert document.currency == customer.currency == master.currency(site.id)
        if rule.party is Party.SUPPLIER:
            supplier = master.suppliers[document.supplier_id or ""]
            if rule.priced:
                assert document.currency == supplier.currency
        if rule.priced:
            ledger = Ledger.AR if rule.party is Party.CUSTOMER else Ledger.AP
            term = master.terms[(ledger, document.payment_term_id or "")]
            assert document.due_date == document.date + dt.timedelta(days=term.due_days)
            solution = document.tax_solution_id
            assert solution is None or solution in master.solutions
        if document.type is T.PURCHASE_INVOICE:
            assert document.supplier_invoice_number


def test_lines_carry_existing_items_taxes_attributes_and_dimensions(
    master: Master, documents: tuple[Document, ...]
) -> None:
    site_roles = {
        A.FINANCIAL_SITE: SiteRole.FINANCIAL,
        A.BUSINESS_SITE: SiteRole.BUSINESS,
        A.STOCK_SITE: SiteRole.STOCK,
        A.MANUFACTURING_SITE: SiteRole.MANUFACTURING,
    }
    seen_types: set[AttributeTypeKind] = set()
    for document in documents:
        rule = RULES[document.type]
        for line in document.lines:
            item = master.items[line.item_id]
            if rule.costed:
                assert item.is_stock_managed
            if rule.party is Party.CUSTOMER:
                assert item.is_sold
            if rule.party is Party.SUPPLIER and rule.priced:
                assert item.is_purchased
            if line.tax_detail_id is not None:
                tax = master.taxes[line.tax_detail_id]
                wanted = TaxType.SALES if rule.party is Party.CUSTOMER else TaxType.PURCHASE
                assert tax.tax_type is wanted
                assert line.unit_price is not None
                places = Decimal(1) if document.currency == "JPY" else Decimal("0.01")
                amount = line.quantity * line.unit_price * tax.rate / 100
                assert line.tax_amount == amount.quantize(places, rounding=ROUND_HALF_UP)
            if line.account_id is not None:
                assert line.account_id in master.accounts
            refs = {ref.type: ref.id for ref in line.attributes}
            seen_types.update(refs)
            assert refs[A.ITEM] == line.item_id
            assert refs[A.FINANCIAL_SITE] == (
                master.sites[document.site_id].financial_site_id or document.site_id
            )
            for kind, role in site_roles.items():
                if kind in refs:
                    assert master.sites[refs[kind]].has_role(role)
            if rule.party is Party.CUSTOMER:
                assert refs[A.CUSTOMER] == document.customer_id
            if rule.party is Party.SUPPLIER:
                assert refs[A.SUPPLIER] == document.supplier_id
            for kind in (A.PROJECT, A.TASK, A.EMPLOYEE):
                if kind in refs:
                    assert (kind, refs[kind]) in master.attributes
            if A.TASK in refs:
                task = master.attributes[(A.TASK, refs[A.TASK])]
                assert task.restricted_to == refs[A.PROJECT]
            dims = {ref.type: ref.id for ref in line.dimensions}
            assert set(dims.items()) <= master.dimensions
            assert {"DEPT", "CLASS"} <= set(dims)
            if rule.party is Party.CUSTOMER:
                assert {"CHANNEL", "REGION"} <= set(dims)
    # the month uses every attribute type
    assert seen_types == set(AttributeTypeKind)


def test_lines_carry_what_their_revenue_accounts_require(
    master: Master, documents: tuple[Document, ...]
) -> None:
    revenue = [master.accounts[number] for number in ("4000", "4010")]
    for document in documents:
        if document.type is not T.SALES_INVOICE:
            continue
        for line in document.lines:
            if line.item_id.startswith("SVC-"):
                continue
            carried_dims = {ref.type for ref in line.dimensions}
            carried_attrs = {ref.type for ref in line.attributes}
            for account in revenue:
                assert set(account.required_dimension_types) <= carried_dims
                assert set(account.required_attribute_types) <= carried_attrs


def test_stock_moves_by_site_and_purpose(master: Master, documents: tuple[Document, ...]) -> None:
    plants = {s.id for s in master.sites.values() if s.has_role(SiteRole.MANUFACTURING)}
    production = [d for d in documents if d.type is T.MISC_STOCK_RECEIPT]
    assert production and all(d.site_id in plants for d in production)
    assert all(line.item_id.startswith("ASM-") for d in production for line in d.lines)
    adjustments = [
        line.quantity for d in documents if d.type is T.STOCK_ADJUSTMENT for line in d.lines
    ]
    assert min(adjustments) < 0 < max(adjustments)
    transfers = [d for d in documents if d.type is T.STOCK_TRANSFER]
    assert transfers and all(d.to_site_id != d.site_id for d in transfers)
    per_company = defaultdict(set)
    for transfer in transfers:
        per_company[master.sites[transfer.site_id].company_id].add(transfer.to_site_id)
    assert set(per_company) == {"US", "CA"}
