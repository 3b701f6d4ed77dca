"""Properties: whatever the amounts, every entry balances and points back to its source."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from intacct_bridge.model.documents import RULES, DocumentLine, DocumentType
from intacct_bridge.posting import Side, Target, post_document
from intacct_bridge.posting.problems import ProblemCode
from intacct_bridge.posting.roles import AccountType
from tests.posting.books import DEPT_SALES, document, setup

SETUP = setup()
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=3)
quantity = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("5000"), places=3)


@st.composite
def documents(draw: st.DrawFn) -> tuple[DocumentType, list[DocumentLine], str]:
    kind = draw(st.sampled_from(list(DocumentType)))
    rule = RULES[kind]
    currency = draw(st.sampled_from(["USD", "EUR"])) if rule.priced else "USD"
    lines = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        qty = draw(quantity)
        if rule.signed and draw(st.booleans()):
            qty = -qty
        values: dict[str, object] = {"dimensions": DEPT_SALES}
        item = draw(st.sampled_from(["WIDGET", "FREIGHT"])) if rule.priced else "WIDGET"
        if rule.costed:
            values["unit_cost"] = draw(money)
        if rule.priced:
            values["unit_price"] = draw(money)
            if draw(st.booleans()):
                sales = kind in (DocumentType.SALES_INVOICE, DocumentType.SALES_CREDIT_MEMO)
                values["tax_detail_id"] = (
                    "US-CA" if sales else draw(st.sampled_from(["UK-PURCH-20", "EU-RC-20"]))
                )
                values["tax_amount"] = draw(money)
        lines.append(DocumentLine(line_number=number, item_id=item, quantity=qty, **values))  # type: ignore[arg-type]
    return kind, lines, currency


@settings(max_examples=300, deadline=None)
@given(documents())
def test_every_entry_balances_in_both_currencies(
    case: tuple[DocumentType, list[DocumentLine], str],
) -> None:
    kind, lines, currency = case
    extra: dict[str, object] = {"to_site_id": "S2"} if kind is DocumentType.STOCK_TRANSFER else {}
    if RULES[kind].priced:
        extra["currency"] = currency
    result = post_document(document(kind, *lines, **extra), SETUP)
    if kind in (DocumentType.PURCHASE_CREDIT_MEMO, DocumentType.SALES_CREDIT_MEMO):
        # a tax amount larger than every line of the other sign cannot be folded: a problem
        assert {p.code for p in result.problems} <= {ProblemCode.MIXED_SIGNS}
        assert not (result.problems and result.entries)
    else:
        assert result.problems == ()
    for entry in result.entries:
        if entry.target in (Target.AP_ADJUSTMENT, Target.AR_ADJUSTMENT):
            control = {AccountType.PAYABLE, AccountType.RECEIVABLE}
            sides = {ln.side for ln in entry.lines if ln.account_type not in control}
            assert len(sides) == 1, entry  # Intacct's adjustments take one sign only
        assert entry.total(Side.DEBIT) == entry.total(Side.CREDIT)
        assert entry.total(Side.DEBIT, base=False) == entry.total(Side.CREDIT, base=False)
        for ln in entry.lines:
            assert ln.amount >= 0 and ln.trx_amount >= 0
            assert ln.amount == ln.amount.quantize(Decimal("0.01"))
            assert ln.source_line is None or 1 <= ln.source_line <= len(lines)
        sources = {ln.source_line for ln in entry.lines if ln.source_line is not None}
        assert sources <= {ln.line_number for ln in lines}
