"""The posting engine: one operations document in, balanced entries (or problems) out.

:func:`post_document` is a pure function of the document and the :class:`PostingSetup`: no
I/O, no clock, no database. For each source line it applies the document type's
:class:`~intacct_bridge.posting.recipes.Recipe`, resolves each account type to a GL account
through posting classes (item, customer, supplier, tax) and the setup's defaults, copies the
line's attributes and dimensions to Intacct's dimension fields, converts to the ledger's base
currency, adds the AP/AR control line, and checks every rule Intacct would refuse the entry
for (unknown or inactive account, required dimensions, direct entry, closed period, unknown
entity, missing exchange rate). Expected problems come back as data; an entry that does not
balance is a defect and raises.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from intacct_bridge.model.analytics import AttributeTypeKind
from intacct_bridge.model.documents import Document, DocumentLine, DocumentType
from intacct_bridge.model.finance import Account, TaxDetail, TaxType
from intacct_bridge.model.items import Item
from intacct_bridge.model.money import ZERO, Money
from intacct_bridge.posting.conversion import to_base, trx_for_base
from intacct_bridge.posting.entries import Entry, EntryLine, Side, Target, UnbalancedEntryError
from intacct_bridge.posting.problems import PostingProblem, ProblemCode
from intacct_bridge.posting.recipes import (
    ON_SHIPMENT_RECIPES,
    RECIPES,
    Amount,
    Items,
    Recipe,
)
from intacct_bridge.posting.roles import AccountType, Resolver
from intacct_bridge.posting.setup import (
    ClosedPeriodPolicy,
    PostingSetup,
    RevenueRecognition,
    dimension_field,
    first_open_day,
)

CENT = Decimal("0.01")
#: targets whose Intacct function takes lines of one sign only (legacy adjustments)
_ONE_SIGN = (Target.AP_ADJUSTMENT, Target.AR_ADJUSTMENT, Target.AR_INVOICE)
_CONTROL_TYPES = (AccountType.PAYABLE, AccountType.RECEIVABLE)
ONE = Decimal(1)

_P = ProblemCode


def cents(value: Decimal) -> Decimal:
    """``value`` rounded half up to two decimals (Intacct keeps two on amounts)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class PostingResult:
    """The entries of one document, or the problems that stop it from posting."""

    document_type: DocumentType
    document_number: str
    entries: tuple[Entry, ...]
    problems: tuple[PostingProblem, ...]

    @property
    def ok(self) -> bool:
        """Whether the document can be posted as it stands."""
        return not self.problems


def post_document(document: Document, setup: PostingSetup) -> PostingResult:
    """Turn one document into its balanced entries, or say why it cannot be posted."""
    return _Posting(document, setup).run()


@dataclass(slots=True)
class _Ledger:
    site_id: str
    entity_id: str | None
    base_currency: str


class _Posting:
    """The work of posting one document; collects problems instead of raising."""

    def __init__(self, document: Document, setup: PostingSetup) -> None:
        self.doc = document
        self.setup = setup
        self.name = f"{document.type.value.replace('_', ' ')} {document.number}"
        self.problems: list[PostingProblem] = []
        self._seen: set[tuple[ProblemCode, int | None, str, str]] = set()
        self.recipe: Recipe = RECIPES[document.type]
        if setup.revenue_recognition is RevenueRecognition.ON_SHIPMENT:
            self.recipe = ON_SHIPMENT_RECIPES.get(document.type, self.recipe)
        self._needs_shipment_value = any(
            line.amount in (Amount.SHIPMENT_VALUE, Amount.PRICE_DIFFERENCE)
            for line in self.recipe.lines
        )

    # -- problems ------------------------------------------------------------------------

    def problem(
        self, code: ProblemCode, line: int | None, field: str, message: str, fix: str
    ) -> None:
        key = (code, line, field, message)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(PostingProblem(code, self.name, line, field, message, fix))

    # -- the whole document --------------------------------------------------------------

    def run(self) -> PostingResult:
        doc = self.doc
        ledger = self._ledger(doc.site_id, "site_id")
        destination = None
        if doc.to_site_id is not None:
            destination = self._ledger(doc.to_site_id, "to_site_id")
        rate = ONE
        currency = doc.currency
        if ledger is not None:
            currency = currency or ledger.base_currency
            if destination is not None and destination.base_currency != ledger.base_currency:
                self.problem(
                    _P.MIXED_ENTITY_DOCUMENT,
                    None,
                    "to_site_id",
                    f"the sites keep books in {ledger.base_currency} and "
                    f"{destination.base_currency}",
                    "transfer between companies with different currencies through a sales "
                    "and a purchase document instead",
                )
            found = self.setup.rates.rate(currency, ledger.base_currency, doc.date)
            if found is None:
                self.problem(
                    _P.NO_EXCHANGE_RATE,
                    None,
                    "currency",
                    f"no {currency}→{ledger.base_currency} exchange rate on or before {doc.date}",
                    f"add the {currency} rate for {doc.date} to the posting setup's rates",
                )
            else:
                rate = found
        party = self._party()
        lines: list[EntryLine] = []
        posting_date: dt.date | None = None
        if ledger is not None:
            for line in doc.lines:
                lines.extend(self._line(line, ledger, destination, rate))
            posting_date = self._check_periods(ledger, destination)
        if self.problems or ledger is None or currency is None:
            return self._result(())
        if not lines:
            return self._result(())
        if self.recipe.control is not None:
            control = self._control(lines, ledger, party)
            if control is not None:
                lines.append(control)
        lines = self._settle(lines, ledger, rate)
        if self.problems:
            return self._result(())
        entry = Entry(
            target=self.recipe.target,
            document_type=doc.type,
            document_number=doc.number,
            date=doc.date,
            currency=currency,
            base_currency=ledger.base_currency,
            exchange_rate=rate,
            lines=tuple(lines),
            journal_id=self.setup.stock_journal
            if self.recipe.target is Target.JOURNAL_ENTRY
            else None,
            party_id=doc.party_id,
            reference=doc.supplier_invoice_number or doc.reference or doc.number,
            description=doc.description or self.name,
            entity_id=ledger.entity_id,
            tax_solution_id=doc.tax_solution_id,
            payment_term_id=doc.payment_term_id,
            due_date=doc.due_date,
            reverses=doc.reverses,
            posting_date=posting_date,
        )
        entry = entry.check_balanced()
        if self.recipe.target in _ONE_SIGN:
            return self._result(self._one_sign(entry, ledger))
        return self._result((entry,))

    def _one_sign(self, entry: Entry, ledger: _Ledger) -> tuple[Entry, ...]:
        """An AP/AR adjustment whose lines carry both sides, made sendable.

        Intacct's adjustment functions take lines of one sign only, and an AR invoice no
        negative line (revenue on shipment: an invoice below the shipment value). A line on
        the minority side (a purchase credit memo's price variance when the credit is below
        the receipt value) is folded into the largest majority-side line of the same source
        line, so
        the adjustment carries that source line's net on one account; a journal entry in
        the stock journal then moves the folded amount back to where it belongs (e.g. Dr
        PPV / Cr GRNI). Both entries balance; together they post exactly the original lines.
        """
        lines = [line for line in entry.lines if line.account_type not in _CONTROL_TYPES]
        control = [line for line in entry.lines if line.account_type in _CONTROL_TYPES]
        sides = {line.side for line in lines if line.trx_amount}
        if len(sides) < 2:
            return (entry,)
        if len(control) != 1:
            self.problem(
                _P.MIXED_SIGNS,
                None,
                "lines",
                f"the lines net to zero, and Intacct takes no {self.recipe.target.value} "
                "of zero with lines of both signs",
                "post the movement between the accounts as a journal entry in Intacct instead",
            )
            return ()
        majority = control[0].side.opposite
        kept = list(lines)
        moves: list[EntryLine] = []
        for index, line in enumerate(lines):
            if line.side is majority or not line.trx_amount or self._booked_by_intacct(line):
                continue
            candidates = sorted(
                (
                    i
                    for i, other in enumerate(kept)
                    if other.side is majority
                    and other.tax_detail_id is None
                    and other.trx_amount >= line.trx_amount
                    and other.amount >= line.amount
                ),
                # the same source line first, then the largest
                key=lambda i: (kept[i].source_line != line.source_line, -kept[i].trx_amount),
            )
            if not candidates:
                self.problem(
                    _P.MIXED_SIGNS,
                    line.source_line,
                    "lines",
                    f"the {line.account_type.value} amount {line.trx_amount} has the other "
                    f"sign than the rest of the {self.recipe.target.value}, which Intacct "
                    "refuses, and no line of the document is large enough to carry it",
                    "split the document: one document for the lines that increase the "
                    "balance, one for those that reduce it",
                )
                continue
            owner = candidates[0]
            target = kept[owner]
            left = target.trx_amount - line.trx_amount
            # Intacct books the folded line's base from its transaction amount
            kept[owner] = replace(
                target, amount=to_base(left, entry.exchange_rate), trx_amount=left
            )
            kept[index] = replace(line, amount=ZERO, trx_amount=ZERO)
            moves.append(replace(line, memo=f"{line.memo} (reclassified)".strip()))
            moves.append(
                replace(
                    target,
                    amount=line.amount,
                    trx_amount=line.trx_amount,
                    memo=f"{target.memo} (reclassified)".strip(),
                )
            )
            self._check_direct_entry(line)
            self._check_direct_entry(target)
        if self.problems:
            return ()
        # a line too small to be a cent in base currency moves nothing in the GL
        moves = [move for move in moves if move.amount]
        for entity in sorted({m.entity_id for m in moves}, key=lambda e: e or ""):
            through = self.setup.closed("GL", entity, entry.gl_date)
            if through is not None:
                where = f" in entity {entity}" if entity else ""
                self.problem(
                    _P.CLOSED_PERIOD,
                    None,
                    "date",
                    f"GL is closed through {through}{where}; the reclassification of the "
                    f"{self.recipe.target.value}'s other-sign lines posts there",
                    f"reopen the GL period in Intacct, or date the document after {through}",
                )
        if self.problems:
            return ()
        sent = [line for line in kept if line.trx_amount]
        base = sum((line.signed_amount for line in sent), ZERO)
        trx = sum((line.signed_trx_amount for line in sent), ZERO)
        # the control is the sum of the lines as Intacct books them (a cent may move)
        total = replace(control[0], amount=abs(base), trx_amount=abs(trx))
        adjustment = replace(entry, lines=(*sent, total)).check_balanced()
        if not moves:
            return (adjustment,)
        # the journal entry moves base amounts between accounts: it is in base currency
        # (the stock journal's entries are), whatever the document's currency
        reclass = Entry(
            target=Target.JOURNAL_ENTRY,
            document_type=entry.document_type,
            document_number=entry.document_number,
            date=entry.gl_date,
            currency=entry.base_currency,
            base_currency=entry.base_currency,
            exchange_rate=ONE,
            lines=tuple(replace(move, trx_amount=move.amount) for move in moves),
            journal_id=self.setup.stock_journal,
            reference=entry.reference,
            description=f"{entry.description or self.name}: other-sign lines reclassified",
            entity_id=ledger.entity_id,
        ).check_balanced()
        return (adjustment, reclass)

    def _booked_by_intacct(self, line: EntryLine) -> bool:
        """A tax line of a tax solution's detail: sent as a tax entry, Intacct books it
        (the other side of a reverse charge included), so it is never moved."""
        if line.tax_detail_id is None:
            return False
        detail = self.setup.tax_details.get(line.tax_detail_id)
        return detail is not None and detail.tax_solution_id is not None

    def _check_direct_entry(self, line: EntryLine) -> None:
        account = self.setup.accounts.get(line.account_id)
        if account is not None and account.is_direct_entry_forbidden:
            self.problem(
                _P.DIRECT_ENTRY_FORBIDDEN,
                line.source_line,
                "account",
                f"account {account.id} takes no journal entries (direct entry forbidden), "
                "and the reclassification of the adjustment's other-sign lines posts to it",
                "map a non-control account to this account type",
            )

    def _result(self, entries: tuple[Entry, ...]) -> PostingResult:
        return PostingResult(self.doc.type, self.doc.number, entries, tuple(self.problems))

    def _ledger(self, site_id: str, field: str) -> _Ledger | None:
        setup = self.setup
        if site_id not in setup.sites:
            self.problem(
                _P.UNKNOWN_RECORD,
                None,
                field,
                f"site {site_id} is not known",
                "import the site, or correct the document's site",
            )
            return None
        currency = setup.site_currency(site_id)
        if currency is None:
            self.problem(
                _P.UNKNOWN_RECORD,
                None,
                field,
                f"the company of site {site_id} is not known",
                "import the site's company",
            )
            return None
        entity = setup.site_entity(site_id)
        if setup.multi_entity and entity is None:
            self.problem(
                _P.UNKNOWN_ENTITY,
                None,
                field,
                f"the financial site of site {site_id} has no Intacct entity",
                "set intacct_entity_id on the financial site (its ID must equal the Intacct "
                "entity ID)",
            )
            return None
        return _Ledger(site_id, entity if setup.multi_entity else None, currency)

    def _party(self) -> Resolver | None:
        doc = self.doc
        if doc.customer_id is not None:
            if doc.customer_id not in self.setup.customers and self.recipe.control:
                self.problem(
                    _P.UNKNOWN_RECORD,
                    None,
                    "customer_id",
                    f"customer {doc.customer_id} is not known",
                    "import the customer, or correct the document",
                )
            return Resolver.CUSTOMER
        if doc.supplier_id is not None:
            if doc.supplier_id not in self.setup.suppliers and self.recipe.control:
                self.problem(
                    _P.UNKNOWN_RECORD,
                    None,
                    "supplier_id",
                    f"supplier {doc.supplier_id} is not known",
                    "import the supplier, or correct the document",
                )
            return Resolver.SUPPLIER
        return None

    def _check_periods(self, ledger: _Ledger, destination: _Ledger | None) -> dt.date | None:
        """Problems for a date in a closed period; the GL posting date when the document
        moves to its subledger's first open day (``first_open_date`` policy)."""
        module = self.recipe.target.module
        moves = self.setup.closed_period_policy is ClosedPeriodPolicy.FIRST_OPEN_DATE
        entities = {ledger.entity_id} | ({destination.entity_id} if destination else set())
        posting_date: dt.date | None = None
        for entity in sorted(entities, key=lambda e: e or ""):
            through = self.setup.closed(module, entity, self.doc.date)
            if through is None:
                continue
            if module != "GL" and moves:
                day = first_open_day(through)
                if self.setup.closed(module, entity, day) is None:
                    posting_date = max(posting_date or day, day)
                    continue
            where = f" in entity {entity}" if entity else ""
            fix = f"reopen the {module} period in Intacct, or date the document after {through}"
            if module != "GL" and not moves:
                fix += (
                    f", or set the closed-period policy to first_open_date to post it on "
                    f"{first_open_day(through)}"
                )
            self.problem(
                _P.CLOSED_PERIOD,
                None,
                "date",
                f"{module} is closed through {through}{where}",
                fix,
            )
        return posting_date

    # -- source lines ----------------------------------------------------------------------

    def _line(
        self,
        line: DocumentLine,
        ledger: _Ledger,
        destination: _Ledger | None,
        rate: Decimal,
    ) -> list[EntryLine]:
        item = self.setup.items.get(line.item_id)
        if item is None:
            self.problem(
                _P.UNKNOWN_RECORD,
                line.line_number,
                "item_id",
                f"item {line.item_id} is not known",
                "import the item, or correct the line",
            )
            return []
        tax: TaxDetail | None = None
        if line.tax_detail_id is not None:
            tax = self.setup.tax_details.get(line.tax_detail_id)
            if tax is None:
                self.problem(
                    _P.UNKNOWN_RECORD,
                    line.line_number,
                    "tax_detail_id",
                    f"tax detail {line.tax_detail_id} is not known",
                    "pull tax details from Intacct, or correct the line",
                )
                return []
        amounts = self._amounts(line, item, ledger, rate)
        dims = self._dimensions(line)
        out: list[EntryLine] = []
        for recipe_line in self.recipe.lines:
            if not _applies(recipe_line.items, item):
                continue
            pair = amounts.get(recipe_line.amount)
            if pair is None:
                continue
            trx, base = pair
            if trx == 0 and base == 0:
                continue
            side = recipe_line.side
            negative = base < 0 if base != 0 else trx < 0
            if negative:  # a signed quantity (stock adjustment) or a favourable variance
                side = side.opposite
            trx = abs(trx) if (trx < 0) == negative else ZERO
            base = abs(base)
            at = destination if recipe_line.at_destination and destination else ledger
            account_type = recipe_line.account_type
            out.append(self._entry_line(account_type, side, base, trx, at, line, item, tax, dims))
            if account_type is AccountType.TAX_RECOVERABLE and tax is not None:
                if tax.is_reverse_charge:
                    payable = AccountType.TAX_PAYABLE
                    out.append(
                        self._entry_line(
                            payable, side.opposite, base, trx, at, line, item, tax, dims
                        )
                    )
        return [entry for entry in out if entry.account_id]

    def _amounts(
        self, line: DocumentLine, item: Item, ledger: _Ledger, rate: Decimal
    ) -> dict[Amount, tuple[Money, Money]]:
        """Each amount type of the line, as (transaction, base) amounts; signs kept."""

        def pair(trx: Money) -> tuple[Money, Money]:
            # the base amount Intacct books for the transaction amount sent (conversion.py)
            return trx, to_base(trx, rate)

        def reaching(base: Money) -> tuple[Money, Money]:
            # a value known in base currency, sent as the transaction amount nearest to it
            return pair(trx_for_base(base, rate))

        amounts: dict[Amount, tuple[Money, Money]] = {}
        if line.unit_cost is not None:
            amounts[Amount.COST] = pair(cents(line.quantity * line.unit_cost))
        if line.unit_price is not None:
            net, net_base = pair(cents(line.quantity * line.unit_price))
            amounts[Amount.NET] = (net, net_base)
            amounts[Amount.TAX] = pair(cents(line.tax_amount))
            if item.is_stock_managed and self.recipe.target is not Target.JOURNAL_ENTRY:
                unit = self._receipt_cost(item, ledger)
                receipt_base = net_base if unit is None else cents(line.quantity * unit)
                receipt, receipt_base = reaching(receipt_base)
                amounts[Amount.RECEIPT_VALUE] = (receipt, receipt_base)
                amounts[Amount.VARIANCE] = pair(net - receipt)
        if self._needs_shipment_value and item.is_stock_managed:
            if item.base_price is None:
                self.problem(
                    _P.NO_PRICE,
                    line.line_number,
                    "item_id",
                    f"item {item.id} has no price, and revenue is recognised on shipment at "
                    "the item's price",
                    f"give item {item.id} a base price, or recognise revenue on invoice",
                )
                return amounts
            value, value_base = reaching(cents(line.quantity * item.base_price))
            amounts[Amount.SHIPMENT_VALUE] = (value, value_base)
            if Amount.NET in amounts:
                net = amounts[Amount.NET][0]
                amounts[Amount.PRICE_DIFFERENCE] = pair(net - value)
        return amounts

    def _receipt_cost(self, item: Item, ledger: _Ledger) -> Money | None:
        site = self.setup.sites.get(ledger.site_id)
        if site is not None:
            cost = self.setup.receipt_costs.get((site.company_id, item.id))
            if cost is not None:
                return cost
        return item.standard_cost

    def _dimensions(self, line: DocumentLine) -> dict[str, str]:
        setup = self.setup
        fields: dict[str, str] = {}
        item_object = setup.attribute_objects.get(AttributeTypeKind.ITEM)
        if item_object:
            fields[dimension_field(item_object)] = line.item_id
        for kind, value in (
            (AttributeTypeKind.CUSTOMER, self.doc.customer_id),
            (AttributeTypeKind.SUPPLIER, self.doc.supplier_id),
        ):
            obj = setup.attribute_objects.get(kind)
            if value is not None and obj:
                fields[dimension_field(obj)] = value
        for ref in line.attributes:
            obj = setup.attribute_objects.get(ref.type)
            if obj:
                fields[dimension_field(obj)] = ref.id
        for dim in line.dimensions:
            dim_type = setup.dimension_types.get(dim.type)
            if dim_type is None:
                self.problem(
                    _P.UNKNOWN_RECORD,
                    line.line_number,
                    "dimensions",
                    f"dimension type {dim.type} is not known",
                    "pull dimension types from Intacct, or remove the dimension",
                )
                continue
            fields[dimension_field(dim_type.intacct_object or dim_type.id)] = dim.id
        return fields

    def _entry_line(
        self,
        account_type: AccountType,
        side: Side,
        base: Money,
        trx: Money,
        at: _Ledger,
        line: DocumentLine,
        item: Item,
        tax: TaxDetail | None,
        dims: dict[str, str],
    ) -> EntryLine:
        account = self._resolve(account_type, line, item, tax)
        if account is not None:
            self._check_account(account, line, dims)
        is_tax = account_type in (AccountType.TAX_PAYABLE, AccountType.TAX_RECOVERABLE)
        return EntryLine(
            account_id="" if account is None else account.id,
            account_type=account_type,
            side=side,
            amount=base,
            trx_amount=trx,
            entity_id=at.entity_id,
            dimensions=tuple(sorted(dims.items())),
            memo=line.description or f"{self.name} line {line.line_number}",
            source_line=line.line_number,
            tax_detail_id=tax.id if is_tax and tax is not None else None,
        )

    # -- accounts -------------------------------------------------------------------------

    def _resolve(
        self,
        account_type: AccountType,
        line: DocumentLine | None,
        item: Item | None,
        tax: TaxDetail | None,
    ) -> Account | None:
        wanted: AccountType | None = account_type
        owner = ""
        while wanted is not None:
            account_id, owner = self._lookup(wanted, line, item, tax, owner)
            if account_id is not None:
                return self._known(account_id, line, wanted, owner)
            wanted = wanted.fallback
        fix = (
            f"add a '{account_type.value}' line to {owner}, or set a default "
            f"'{account_type.value}' account in the posting setup"
            if owner
            else f"set a default '{account_type.value}' account in the posting setup"
        )
        self.problem(
            _P.NO_ACCOUNT,
            None if line is None else line.line_number,
            "account",
            f"no {account_type.value} account"
            + (f" for item {item.id}" if item is not None else ""),
            fix,
        )
        return None

    def _lookup(
        self,
        account_type: AccountType,
        line: DocumentLine | None,
        item: Item | None,
        tax: TaxDetail | None,
        owner: str,
    ) -> tuple[str | None, str]:
        setup = self.setup
        if line is not None and line.account_id is not None and account_type in _OVERRIDABLE:
            return line.account_id, owner
        resolver = account_type.resolver
        class_id: str | None = None
        if resolver is Resolver.ITEM and item is not None:
            class_id = item.posting_class_id
        elif resolver is Resolver.CUSTOMER and self.doc.customer_id is not None:
            customer = setup.customers.get(self.doc.customer_id)
            class_id = None if customer is None else customer.posting_class_id
        elif resolver is Resolver.SUPPLIER and self.doc.supplier_id is not None:
            supplier = setup.suppliers.get(self.doc.supplier_id)
            class_id = None if supplier is None else supplier.posting_class_id
        elif resolver is Resolver.TAX and tax is not None:
            own_type = (
                TaxType.SALES if account_type is AccountType.TAX_PAYABLE else TaxType.PURCHASE
            )
            if tax.account_id is not None and tax.tax_type is own_type:
                return tax.account_id, owner
            class_id = tax.posting_class_id
        kind = resolver.posting_class_kind
        if class_id is not None and kind is not None:
            posting_class = setup.posting_classes.get((kind, class_id))
            if posting_class is not None:
                owner = owner or f"{kind.value} posting class {class_id}"
                found = posting_class.account_for(account_type.value)
                if found is not None:
                    return found, owner
        return setup.default_accounts.get(account_type), owner

    def _known(
        self, account_id: str, line: DocumentLine | None, account_type: AccountType, owner: str
    ) -> Account | None:
        account = self.setup.accounts.get(account_id)
        number = None if line is None else line.line_number
        source = owner or "the posting setup"
        if account is None:
            self.problem(
                _P.UNKNOWN_ACCOUNT,
                number,
                "account",
                f"account {account_id} ({account_type.value}, from {source}) is not in the "
                "chart of accounts",
                "create it in Intacct and pull GL accounts, or correct " + source,
            )
            return None
        if not account.is_active:
            self.problem(
                _P.INACTIVE_ACCOUNT,
                number,
                "account",
                f"account {account_id} ({account_type.value}) is inactive",
                "activate it in Intacct and pull GL accounts, or map another account in " + source,
            )
            return None
        return account

    def _check_account(self, account: Account, line: DocumentLine, dims: dict[str, str]) -> None:
        number = line.line_number
        if self.recipe.target is Target.JOURNAL_ENTRY and account.is_direct_entry_forbidden:
            self.problem(
                _P.DIRECT_ENTRY_FORBIDDEN,
                number,
                "account",
                f"account {account.id} takes no journal entries (direct entry forbidden)",
                "map a non-control account to this account type",
            )
        present = {dim.type for dim in line.dimensions}
        for required in account.required_dimension_types:
            if required not in present:
                self.problem(
                    _P.REQUIRED_DIMENSION,
                    number,
                    f"dimensions.{required}",
                    f"account {account.id} requires a {required} dimension",
                    f"give line {number} a {required} dimension",
                )
        kinds = {ref.type for ref in line.attributes} | {AttributeTypeKind.ITEM}
        if self.doc.customer_id is not None:
            kinds.add(AttributeTypeKind.CUSTOMER)
        if self.doc.supplier_id is not None:
            kinds.add(AttributeTypeKind.SUPPLIER)
        for kind in account.required_attribute_types:
            if kind not in kinds:
                self.problem(
                    _P.REQUIRED_ATTRIBUTE,
                    number,
                    f"attributes.{kind.value}",
                    f"account {account.id} requires a {kind.value.replace('_', ' ')} attribute",
                    f"give line {number} its {kind.value.replace('_', ' ')}",
                )

    # -- control and rounding ---------------------------------------------------------------

    def _control(
        self, lines: list[EntryLine], ledger: _Ledger, party: Resolver | None
    ) -> EntryLine | None:
        control_type = self.recipe.control
        assert control_type is not None
        base = sum((ln.signed_amount for ln in lines), ZERO)
        trx = sum((ln.signed_trx_amount for ln in lines), ZERO)
        if base == 0 and trx == 0:
            return None
        account = self._resolve(control_type, None, None, None)
        if account is None:
            return None
        dims: dict[str, str] = {}
        party_id = self.doc.party_id
        if party is not None and party_id is not None:
            kind = (
                AttributeTypeKind.CUSTOMER
                if party is Resolver.CUSTOMER
                else AttributeTypeKind.SUPPLIER
            )
            obj = self.setup.attribute_objects.get(kind)
            if obj:
                dims[dimension_field(obj)] = party_id
        return EntryLine(
            account_id=account.id,
            account_type=control_type,
            side=Side.CREDIT if base > 0 or (base == 0 and trx > 0) else Side.DEBIT,
            amount=abs(base),
            trx_amount=abs(trx),
            entity_id=ledger.entity_id,
            dimensions=tuple(sorted(dims.items())),
            memo=self.name,
        )

    def _settle(self, lines: list[EntryLine], ledger: _Ledger, rate: Decimal) -> list[EntryLine]:
        """Put a sub-cent-per-line imbalance on the rounding account; more is a defect.

        A foreign-currency journal entry balanced in its currency but not in base (each
        line converted and rounded on its own) is settled as Intacct settles it: the
        difference goes to its largest line (the first of them), not to an account."""
        base = sum((ln.signed_amount for ln in lines), ZERO)
        trx = sum((ln.signed_trx_amount for ln in lines), ZERO)
        if base == 0 and trx == 0:
            return lines
        tolerance = CENT * len(lines)
        if abs(base) > tolerance or abs(trx) > tolerance:
            raise UnbalancedEntryError(f"{self.name}: off by {base} (base), {trx} (transaction)")
        if self.recipe.target is Target.JOURNAL_ENTRY and rate != ONE and trx == 0:
            return _on_largest(lines, base)
        account = self._resolve(AccountType.ROUNDING, None, None, None)
        if account is None:
            return lines
        rounding = EntryLine(
            account_id=account.id,
            account_type=AccountType.ROUNDING,
            side=Side.CREDIT if base > 0 or (base == 0 and trx > 0) else Side.DEBIT,
            amount=abs(base),
            trx_amount=abs(trx),
            entity_id=ledger.entity_id,
            dimensions=(),
            memo=f"{self.name} rounding",
        )
        return [*lines, rounding]


_OVERRIDABLE = frozenset({AccountType.EXPENSE, AccountType.REVENUE, AccountType.SALES_RETURNS})


def _on_largest(lines: list[EntryLine], difference: Money) -> list[EntryLine]:
    """``lines`` with the base ``difference`` (debits less credits) taken off their largest
    sent line (Intacct's journal entry rule, docs/sandbox.md, Currencies)."""
    sent = [i for i, line in enumerate(lines) if line.trx_amount]
    index = max(sent, key=lambda i: lines[i].amount)  # the first of equals, as Intacct
    line = lines[index]
    amount = line.amount - difference if line.side is Side.DEBIT else line.amount + difference
    out = list(lines)
    out[index] = replace(line, amount=amount)
    return out


def _applies(items: Items, item: Item) -> bool:
    if items is Items.ANY:
        return True
    return item.is_stock_managed == (items is Items.STOCK)


__all__ = ["PostingResult", "cents", "post_document"]
