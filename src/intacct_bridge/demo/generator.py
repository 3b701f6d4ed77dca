"""``DemoGenerator``: a manufacturing and distribution company and a month of its documents.

Everything is yielded as model values, so each record passed the model's own validation when
it was built. Master data comes first, in an order where every record only refers to earlier
ones; then the documents, day by day. Generation is deterministic: the same seed and sizes
give the same records in the same order, and a different seed gives a different company.

Memory stays proportional to the master data: documents are built one at a time from the
month's plan (:mod:`intacct_bridge.demo.plan`), and a credit memo, return or supplier invoice
rebuilds the shipment or receipt it refers to from that document's own random stream
instead of remembering it.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import TypeVar

from intacct_bridge.demo import catalog as cat
from intacct_bridge.demo.master import (
    CURRENCY_PLACES,
    DEPT,
    FX,
    CustomerInfo,
    ItemInfo,
    MasterBuilder,
    MasterData,
    Pool,
    Project,
    SiteInfo,
    SupplierInfo,
)
from intacct_bridge.demo.plan import (
    MAX_INVOICE_LAG,
    PURCHASE_WINDOW,
    SALES_WINDOW,
    MonthPlan,
    Primary,
    PurchaseFollowUp,
    SalesFollowUp,
    Stream,
    mix,
    seed_key,
)
from intacct_bridge.model import (
    AttributeRef,
    AttributeTypeKind,
    DimensionRef,
    Document,
    DocumentLine,
    DocumentStatus,
    DocumentType,
    Record,
)

DEFAULT_SEED = 1
DEFAULT_ITEMS = 300
DEFAULT_CUSTOMERS = 200
DEFAULT_SUPPLIERS = 80
DEFAULT_DOCUMENTS = 3000
#: a fixed default month keeps the output the same whatever day it is generated
DEFAULT_MONTH = "2025-03"

MIN_ITEMS = 12
MAX_MASTER = 1_000_000
#: lines per document of the default line-count draws, plus the unscaled freight and
#: service lines carried over (the default month averages about 2.6 lines a document);
#: ``lines=`` scales every drawn line count by ``lines / BASE_LINES``
BASE_LINES = 2.5
#: the largest average lines per document ``lines=`` accepts
MAX_LINES = 20

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_POSTED, _DRAFT = DocumentStatus.POSTED, DocumentStatus.DRAFT
_T = DocumentType
_PREFIX = {
    _T.PURCHASE_RECEIPT: "PR",
    _T.PURCHASE_INVOICE: "PI",
    _T.PURCHASE_RETURN: "PRT",
    _T.PURCHASE_CREDIT_MEMO: "PCM",
    _T.SALES_SHIPMENT: "SH",
    _T.SALES_INVOICE: "SI",
    _T.SALES_RETURN_RECEIPT: "SRR",
    _T.SALES_CREDIT_MEMO: "SCM",
    _T.STOCK_TRANSFER: "TRF",
    _T.MISC_STOCK_RECEIPT: "MSR",
    _T.MISC_STOCK_ISSUE: "MSI",
    _T.STOCK_ADJUSTMENT: "ADJ",
}
#: how many lines a sales order has, and how often
_ORDER_LINES = (1, 2, 3, 4, 5, 6, 7, 8)
_ORDER_LINE_WEIGHTS = tuple(accumulate((30, 25, 18, 11, 7, 5, 3, 1)))
_RAW_CODES = ("STL", "PKG")
_NO_FREIGHT = ("Customer pickup", "Will call")
_HALF = Decimal("0.5")


def parse_month(value: str | dt.date) -> tuple[int, int]:
    """``(year, month)`` of ``YYYY-MM`` or of a date; raise :class:`ValueError` otherwise."""
    if isinstance(value, dt.date):
        return value.year, value.month
    match = _MONTH.match(value.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise ValueError(f"month {value!r} is not a month; write it as YYYY-MM, e.g. 2025-03")
    return int(match.group(1)), int(match.group(2))


@dataclass(frozen=True, slots=True)
class _OrderLine:
    item: ItemInfo
    quantity: Decimal
    task: str | None


@dataclass(frozen=True, slots=True)
class _Order:
    """A sales order as shipped: rebuilt from its origin whenever a document needs it."""

    index: int
    customer: CustomerInfo
    site: SiteInfo
    lines: tuple[_OrderLine, ...]
    po: str
    carrier: str
    project: Project | None


@dataclass(frozen=True, slots=True)
class _ReceiptLine:
    item: ItemInfo
    quantity: Decimal
    #: the supplier's price on its invoice, in the supplier's currency
    price: Decimal


@dataclass(frozen=True, slots=True)
class _Receipt:
    index: int
    supplier: SupplierInfo
    site: SiteInfo
    lines: tuple[_ReceiptLine, ...]
    po: str


class DemoGenerator:
    """A deterministic demo company: master data, then a month of documents in date order.

    Args:
        seed: any integer; the same seed and sizes give byte-identical output.
        items: how many items (at least 12; three of them are service items).
        customers: how many customers (each with one to three contacts).
        suppliers: how many suppliers (each with one or two contacts).
        documents: exactly how many documents the month holds.
        month: the month, ``YYYY-MM`` (documents fall on its business days).
        lines: the average lines per document wanted (e.g. ``5``); ``None`` keeps the
            default line counts (about 2.6 a document, byte-identical output). Every line
            count drawn is scaled by ``lines / BASE_LINES`` and rounded at random, so the
            month's average comes within about 5 % of ``lines`` (fixed extras such as a
            freight line are not scaled; items are never repeated within a document).
    """

    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        *,
        items: int = DEFAULT_ITEMS,
        customers: int = DEFAULT_CUSTOMERS,
        suppliers: int = DEFAULT_SUPPLIERS,
        documents: int = DEFAULT_DOCUMENTS,
        month: str | dt.date = DEFAULT_MONTH,
        lines: float | None = None,
    ) -> None:
        for name, value, low in (
            ("items", items, MIN_ITEMS),
            ("customers", customers, 1),
            ("suppliers", suppliers, 1),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value:
                raise ValueError(f"{name} must be a whole number of at least {low}")
            if value > MAX_MASTER:
                raise ValueError(f"{name} must be at most {MAX_MASTER:,}")
        if isinstance(documents, bool) or not isinstance(documents, int) or documents < 0:
            raise ValueError("documents must be a whole number of at least 0")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError("seed must be a whole number")
        if lines is not None and (
            isinstance(lines, bool)
            or not isinstance(lines, int | float)
            or not 1 <= lines <= MAX_LINES
        ):
            raise ValueError(f"lines must be a number from 1 to {MAX_LINES} (average per document)")
        #: every drawn line count is multiplied by this (``None``: the default counts)
        self.line_scale = None if lines is None else float(lines) / BASE_LINES
        # draws per wanted line: items repeat within a document are drawn again, so the
        # longer documents of ``lines`` try harder before settling for fewer lines
        self._tries = 3 if lines is None else 12
        self.seed = seed
        self.sizes = {"items": items, "customers": customers, "suppliers": suppliers}
        self.document_total = documents
        self.year, self.month = parse_month(month)
        self.key = seed_key(seed)
        self.tag = f"{self.year % 100:02d}{self.month:02d}"
        self._master: MasterData | None = None
        self._plan: MonthPlan | None = None

    # -- what is generated ---------------------------------------------------------------

    @property
    def master(self) -> MasterData:
        """The master data (built on first use; proportional to the master sizes)."""
        if self._master is None:
            self._master = MasterBuilder(self.key, **self.sizes).build()
            self._prepare(self._master)
        return self._master

    @property
    def plan(self) -> MonthPlan:
        """The month's schedule (built on first use; proportional to the business days)."""
        if self._plan is None:
            self._plan = MonthPlan(self.key, self.year, self.month, self.document_total)
        return self._plan

    @property
    def master_count(self) -> int:
        """How many master and reference records :meth:`master_data` yields."""
        return len(self.master.records)

    @property
    def total_records(self) -> int:
        """How many records :meth:`records` yields."""
        return self.master_count + self.document_total

    def document_counts(self) -> dict[DocumentType, int]:
        """How many documents of each type :meth:`documents` yields (from the plan)."""
        return self.plan.type_counts()

    def master_data(self) -> Iterator[Record]:
        """Master and reference records, each after the records it refers to."""
        yield from self.master.records

    def documents(self) -> Iterator[Document]:
        """The month's documents, in date order (one at a time)."""
        self.master  # noqa: B018 - build it before the first document
        for day in range(len(self.plan.days)):
            yield from self._day(day)

    def records(self) -> Iterator[Record]:
        """Master data, then documents: an import file's order."""
        yield from self.master_data()
        yield from self.documents()

    @property
    def ap_closed_through(self) -> dt.date:
        """The last day of the month before the demo month: closed in AP, open in the GL
        (AP closes before the GL), so :meth:`late_documents` fall in it."""
        return dt.date(self.year, self.month, 1) - dt.timedelta(days=1)

    def late_documents(self) -> Iterator[Document]:
        """A supplier's invoice for freight dated in the previous month (closed in AP) that
        arrives during the demo month: posted on AP's first open day when the closed-period
        policy is ``first_open_date``, else refused with a problem naming its date."""
        freight = self.master.services.get("SVC-FREIGHT")
        if freight is None or not self.document_total:
            return
        receipt = self._receipt(0, 0)
        supplier = receipt.supplier
        places = CURRENCY_PLACES.get(supplier.currency, cat.CENT)
        price = cat.money(Decimal(180) * FX[supplier.currency], places)
        date = self.ap_closed_through
        yield Document(
            type=_T.PURCHASE_INVOICE,
            number=f"{self._number(_T.PURCHASE_INVOICE, 0)}-LATE",
            date=date,
            site_id=receipt.site.id,
            supplier_id=supplier.id,
            currency=supplier.currency,
            status=_POSTED,
            payment_term_id=supplier.supplier.payment_term_id,
            due_date=date + dt.timedelta(days=supplier.term_days),
            tax_solution_id=supplier.tax.solution_id if supplier.tax else None,
            supplier_invoice_number=f"{supplier.invoice_prefix}LATE-1",
            description="Freight of last month, invoiced late",
            lines=(
                self._purchase_line(
                    receipt, 1, freight, Decimal(1), price=price, account_id="5300"
                ),
            ),
        )

    # -- set-up ---------------------------------------------------------------------------

    def _prepare(self, data: MasterData) -> None:
        self._customer_cumulative = tuple(accumulate(data.customer_weights))
        self._supplier_cumulative = tuple(accumulate(data.supplier_weights))
        self._components = tuple(
            category.code
            for category in cat.CATEGORIES
            if category.is_component and category.code in data.purchasable
        )
        self._finished: Pool | None = data.sellable.get("ASM")
        departments = ("SALES", "PURCH", "WHSE", "PROD", "SVC")
        self._dept = {code: data.dim(DEPT, code) for code in departments}
        self._bought_codes = tuple(data.purchasable)

    def _scaled(self, rng: random.Random, count: int) -> int:
        """``count`` lines, scaled by ``line_scale`` when set (rounded up or down at random
        so that the average scales exactly; at least one)."""
        return count if self.line_scale is None else _scale(rng, count, self.line_scale)

    def _rng(self, stream: Stream, day: int, position: int) -> random.Random:
        return random.Random(mix(self.key, stream, day, position))

    def _number(self, kind: DocumentType, index: int) -> str:
        return f"{_PREFIX[kind]}{self.tag}-{index:06d}"

    def _date(self, day: int) -> dt.date:
        return self.plan.days[day]

    def _status(
        self, kind: DocumentType, day: int, position: int, draft_percent: int
    ) -> DocumentStatus:
        """Posted, except some documents of the month's last day, still awaiting approval."""
        if day != self.plan.last:
            return _POSTED
        roll = mix(self.key, Stream.STATUS, list(DocumentType).index(kind), day, position) % 100
        return _DRAFT if roll < draft_percent else _POSTED

    # -- the day's documents -------------------------------------------------------------

    def _day(self, day: int) -> Iterator[Document]:
        """Receipts and supplier invoices, shipments and their invoices, stock movements,
        then the returns and credit memos that fall on ``day``."""
        plan = self.plan
        counts = plan.counts
        for position in range(counts[Primary.RECEIPT][day]):
            yield self._purchase_receipt(self._receipt(day, position), day)
        for origin in range(max(0, day - MAX_INVOICE_LAG), day):
            for position in range(counts[Primary.RECEIPT][origin]):
                if plan.invoice_day(origin, position) == day:
                    receipt = self._receipt(origin, position)
                    yield self._purchase_invoice(receipt, day, position)
        for position in range(counts[Primary.SHIPMENT][day]):
            order = self._sales_order(day, position)
            yield self._shipment(order, day)
            yield self._sales_invoice(order, day, position)
        for position in range(counts[Primary.TRANSFER][day]):
            yield self._transfer(day, position)
        for position in range(counts[Primary.PRODUCTION_RECEIPT][day]):
            yield self._production_receipt(day, position)
        for position in range(counts[Primary.MATERIAL_ISSUE][day]):
            yield self._material_issue(day, position)
        for position in range(counts[Primary.ADJUSTMENT][day]):
            yield self._adjustment(day, position)
        for origin in range(max(0, day - PURCHASE_WINDOW), day):
            for purchase in plan.purchase_follow_ups(origin):
                if purchase.day == day:
                    yield from self._purchase_follow_up(origin, purchase.position, purchase, day)
        for origin in range(max(0, day - SALES_WINDOW), day):
            for sale in plan.sales_follow_ups(origin):
                if sale.day == day:
                    yield from self._sales_follow_up(origin, sale.position, sale, day)

    # -- sales ----------------------------------------------------------------------------

    def _sales_order(self, day: int, position: int) -> _Order:
        data = self.master
        rng = self._rng(Stream.SALES_ORDER, day, position)
        customer = data.customers[_weighted(rng, self._customer_cumulative)]
        sites = customer.sites
        site = sites[0] if len(sites) == 1 or rng.random() < 0.8 else sites[1]
        project = None
        if customer.projects and rng.random() < 0.35:
            project = customer.projects[rng.randrange(len(customer.projects))]
        wanted = self._scaled(rng, _ORDER_LINES[_weighted(rng, _ORDER_LINE_WEIGHTS)])
        lines: list[_OrderLine] = []
        seen: set[str] = set()
        for _ in range(wanted * self._tries):
            if len(lines) == wanted:
                break
            item = data.sellable_item(rng, customer.favourites)
            if item.id in seen:
                continue
            seen.add(item.id)
            task = None
            if project is not None and rng.random() < 0.5:
                task = project.tasks[rng.randrange(len(project.tasks))]
            lines.append(_OrderLine(item, _quantity(rng, item, _sales_range(item)), task))
        return _Order(
            index=self.plan.index(Primary.SHIPMENT, day, position),
            customer=customer,
            site=site,
            lines=tuple(lines),
            po=f"{customer.po_prefix}{rng.randrange(10_000, 1_000_000)}",
            carrier=rng.choice(cat.CARRIERS),
            project=project,
        )

    def _sales_attrs(
        self, order: _Order, item: ItemInfo, task: str | None, *, stock: bool
    ) -> tuple[AttributeRef, ...]:
        site = order.site.stock_attrs if stock else order.site.priced_attrs
        refs = order.customer.attrs + site + (item.ref,)
        if order.project is not None:
            refs += (self.master.attr(AttributeTypeKind.PROJECT, order.project.id),)
            if task is not None:
                refs += (self.master.attr(AttributeTypeKind.TASK, task),)
        return refs

    def _sales_dims(self, order: _Order, item: ItemInfo, dept: str) -> tuple[DimensionRef, ...]:
        return (self._dept[dept], item.class_ref, *order.customer.dims)

    def _sales_price(self, order: _Order, item: ItemInfo) -> Decimal:
        """The customer's price in the site's currency: list price less its discount."""
        factor = (100 - order.customer.discount) / 100 * order.site.company.fx
        return cat.round_price(item.price * factor)

    def _stock_line(
        self, order: _Order, number: int, line: _OrderLine, quantity: Decimal
    ) -> DocumentLine:
        return DocumentLine(
            line_number=number,
            item_id=line.item.id,
            quantity=quantity,
            unit_cost=cat.round_price(line.item.cost * order.site.company.fx),
            attributes=self._sales_attrs(order, line.item, line.task, stock=True),
            dimensions=self._sales_dims(order, line.item, "WHSE"),
        )

    def _priced_line(
        self,
        order: _Order,
        number: int,
        item: ItemInfo,
        quantity: Decimal,
        price: Decimal,
        task: str | None,
        dept: str = "SALES",
    ) -> DocumentLine:
        tax = order.customer.tax
        return DocumentLine(
            line_number=number,
            item_id=item.id,
            quantity=quantity,
            unit_price=price,
            tax_detail_id=tax.id,
            tax_amount=cat.money(quantity * price * tax.rate / 100),
            attributes=self._sales_attrs(order, item, task, stock=False),
            dimensions=self._sales_dims(order, item, dept),
        )

    def _shipment(self, order: _Order, day: int) -> Document:
        return Document(
            type=_T.SALES_SHIPMENT,
            number=self._number(_T.SALES_SHIPMENT, order.index),
            date=self._date(day),
            site_id=order.site.id,
            customer_id=order.customer.id,
            currency=order.site.currency,
            status=_POSTED,
            reference=order.po,
            description=f"Ship via {order.carrier}",
            lines=tuple(
                self._stock_line(order, number, line, line.quantity)
                for number, line in enumerate(order.lines, start=1)
            ),
        )

    def _sales_invoice(self, order: _Order, day: int, position: int) -> Document:
        rng = self._rng(Stream.SALES_INVOICE, day, position)
        lines = [
            self._priced_line(
                order,
                number,
                line.item,
                line.quantity,
                self._sales_price(order, line.item),
                line.task,
            )
            for number, line in enumerate(order.lines, start=1)
        ]
        services = self.master.services
        if order.project is not None and "SVC-FIELD" in services and rng.random() < 0.4:
            field = services["SVC-FIELD"]
            hours = Decimal(rng.randrange(4, 41))
            price = cat.round_price(field.price * order.site.company.fx)
            task = order.project.service_task
            lines.append(self._priced_line(order, len(lines) + 1, field, hours, price, task, "SVC"))
        if order.carrier not in _NO_FREIGHT and "SVC-FREIGHT" in services and rng.random() < 0.45:
            net = sum((line.quantity * (line.unit_price or 0) for line in lines), Decimal(0))
            charge = cat.money(Decimal(8 + rng.randrange(25)) + net * Decimal("0.02"))
            freight = services["SVC-FREIGHT"]
            number = len(lines) + 1
            lines.append(self._priced_line(order, number, freight, Decimal(1), charge, None))
        return self._sales_document(
            _T.SALES_INVOICE,
            order,
            order.index,
            day,
            lines,
            reference=order.po,
            description=f"Shipment {self._number(_T.SALES_SHIPMENT, order.index)}",
        )

    def _sales_document(
        self,
        kind: DocumentType,
        order: _Order,
        index: int,
        day: int,
        lines: list[DocumentLine],
        *,
        reference: str,
        description: str,
        reverses: str | None = None,
    ) -> Document:
        date = self._date(day)
        customer = order.customer
        return Document(
            type=kind,
            number=self._number(kind, index),
            date=date,
            site_id=order.site.id,
            customer_id=customer.id,
            currency=order.site.currency,
            status=_POSTED,
            payment_term_id=customer.customer.payment_term_id,
            due_date=date + dt.timedelta(days=customer.term_days),
            tax_solution_id=customer.tax.solution_id,
            reverses=reverses,
            reference=reference,
            description=description,
            lines=tuple(lines),
        )

    def _sales_follow_up(
        self, origin: int, position: int, sale: SalesFollowUp, day: int
    ) -> Iterator[Document]:
        """A return receipt and its credit memo, or a price credit memo, for a past sale."""
        order = self._sales_order(origin, position)
        invoice = self._number(_T.SALES_INVOICE, order.index)
        if sale.is_return:
            rng = self._rng(Stream.SALES_RETURN, origin, position)
            returned = _returned(rng, order.lines, self.line_scale)
            reason = rng.choice(cat.SALES_RETURN_REASONS)
            rma = f"RMA-{self.tag}{sale.return_index:05d}"
            yield Document(
                type=_T.SALES_RETURN_RECEIPT,
                number=self._number(_T.SALES_RETURN_RECEIPT, sale.return_index),
                date=self._date(day),
                site_id=order.site.id,
                customer_id=order.customer.id,
                currency=order.site.currency,
                status=_POSTED,
                reverses=self._number(_T.SALES_SHIPMENT, order.index),
                reference=rma,
                description=f"Returned: {reason}",
                lines=tuple(
                    self._stock_line(order, number, line, quantity)
                    for number, (line, quantity) in enumerate(returned, start=1)
                ),
            )
            lines = [
                self._priced_line(
                    order,
                    number,
                    line.item,
                    quantity,
                    self._sales_price(order, line.item),
                    line.task,
                )
                for number, (line, quantity) in enumerate(returned, start=1)
            ]
            description = f"Credit for returned goods: {reason}"
            reference = rma
        else:
            rng = self._rng(Stream.SALES_PRICE_CREDIT, origin, position)
            credited = _some(rng, order.lines, self.line_scale)
            reason = rng.choice(cat.PRICE_CREDIT_REASONS)
            lines = []
            for number, line in enumerate(credited, start=1):
                percent = Decimal(rng.choice((3, 5, 8, 10, 12)))
                price = _allowance(self._sales_price(order, line.item), percent)
                lines.append(
                    self._priced_line(order, number, line.item, line.quantity, price, line.task)
                )
            description = f"Price adjustment: {reason}"
            reference = order.po
        yield self._sales_document(
            _T.SALES_CREDIT_MEMO,
            order,
            sale.credit_index,
            day,
            lines,
            reference=reference,
            description=description,
            reverses=invoice,
        )

    # -- purchases ------------------------------------------------------------------------

    def _receipt(self, day: int, position: int) -> _Receipt:
        """A receipt as the supplier invoices it: rebuilt from its origin when needed."""
        data = self.master
        rng = self._rng(Stream.RECEIPT, day, position)
        supplier = data.suppliers[_weighted(rng, self._supplier_cumulative)]
        codes = [code for code in supplier.categories if code in data.purchasable]
        code = rng.choice(codes or self._bought_codes)
        category = cat.CATEGORY_BY_CODE[code]
        company = supplier.company
        plant = company.plant
        shipping = [site for site in company.sites if site.stock and site.business]
        if plant is not None and (
            code in _RAW_CODES or (category.is_component and rng.random() < 0.25)
        ):
            site = plant
        else:
            site = shipping[0] if len(shipping) == 1 or rng.random() < 0.65 else shipping[1]
        pool = data.purchasable[code]
        wanted = self._scaled(rng, 1 + min(int(rng.expovariate(0.6)), 5))
        lines: list[_ReceiptLine] = []
        seen: set[str] = set()
        fx = FX[supplier.currency]
        places = CURRENCY_PLACES.get(supplier.currency)
        # with ``lines``, a category with too few items for the wanted lines is topped up
        # from the supplier's other categories
        pools = [pool]
        if self.line_scale is not None:
            pools += [data.purchasable[other] for other in codes if other != code]
        for attempt in range(wanted * self._tries * len(pools)):
            if len(lines) == wanted:
                break
            item = pools[attempt // (wanted * self._tries)].draw(rng)
            if item.id in seen:
                continue
            seen.add(item.id)
            low, high = category.buy_factor
            pack = max(1, category.sales_qty[1] // 4)
            quantity = Decimal(rng.randint(low, high) * pack)
            variance = Decimal(1)
            if rng.random() < 0.2:
                variance += Decimal(rng.randint(-30, 50)) / 1000
            price = item.cost * fx * variance
            price = cat.money(price, places) if places else cat.round_price(price)
            lines.append(_ReceiptLine(item, quantity, price))
        index = self.plan.index(Primary.RECEIPT, day, position)
        return _Receipt(index, supplier, site, tuple(lines), f"PO {4_500_000 + index}")

    def _purchase_line(
        self,
        receipt: _Receipt,
        number: int,
        item: ItemInfo,
        quantity: Decimal,
        *,
        cost: bool = False,
        price: Decimal | None = None,
        account_id: str | None = None,
    ) -> DocumentLine:
        site = receipt.site
        tax = receipt.supplier.tax
        if cost:
            return DocumentLine(
                line_number=number,
                item_id=item.id,
                quantity=quantity,
                unit_cost=cat.round_price(item.cost * site.company.fx),
                attributes=receipt.supplier.attrs + site.stock_attrs + (item.ref,),
                dimensions=(self._dept["WHSE"], item.class_ref),
            )
        assert price is not None
        places = CURRENCY_PLACES.get(receipt.supplier.currency)
        return DocumentLine(
            line_number=number,
            item_id=item.id,
            quantity=quantity,
            unit_price=price,
            tax_detail_id=tax.id if tax else None,
            tax_amount=cat.money(quantity * price * tax.rate / 100, places or cat.CENT)
            if tax
            else Decimal(0),
            account_id=account_id,
            attributes=receipt.supplier.attrs + site.priced_attrs + (item.ref,),
            dimensions=(self._dept["PURCH"], item.class_ref),
        )

    def _purchase_receipt(self, receipt: _Receipt, day: int) -> Document:
        return Document(
            type=_T.PURCHASE_RECEIPT,
            number=self._number(_T.PURCHASE_RECEIPT, receipt.index),
            date=self._date(day),
            site_id=receipt.site.id,
            supplier_id=receipt.supplier.id,
            currency=receipt.site.currency,
            status=_POSTED,
            reference=receipt.po,
            description=f"Packing slip {mix(self.key, receipt.index) % 900_000 + 100_000}",
            lines=tuple(
                self._purchase_line(receipt, number, line.item, line.quantity, cost=True)
                for number, line in enumerate(receipt.lines, start=1)
            ),
        )

    def _purchase_document(
        self,
        kind: DocumentType,
        receipt: _Receipt,
        index: int,
        day: int,
        lines: list[DocumentLine],
        *,
        supplier_number: str,
        description: str,
        status: DocumentStatus = _POSTED,
        reverses: str | None = None,
    ) -> Document:
        date = self._date(day)
        supplier = receipt.supplier
        return Document(
            type=kind,
            number=self._number(kind, index),
            date=date,
            site_id=receipt.site.id,
            supplier_id=supplier.id,
            currency=supplier.currency,
            status=status,
            payment_term_id=supplier.supplier.payment_term_id,
            due_date=date + dt.timedelta(days=supplier.term_days),
            tax_solution_id=supplier.tax.solution_id if supplier.tax else None,
            supplier_invoice_number=supplier_number,
            reverses=reverses,
            reference=receipt.po,
            description=description,
            lines=tuple(lines),
        )

    def _purchase_invoice(self, receipt: _Receipt, day: int, position: int) -> Document:
        rng = self._rng(Stream.PURCHASE_INVOICE, receipt.index, 0)
        lines = [
            self._purchase_line(receipt, number, line.item, line.quantity, price=line.price)
            for number, line in enumerate(receipt.lines, start=1)
        ]
        freight = self.master.services.get("SVC-FREIGHT")
        if freight is not None and rng.random() < 0.25:
            charge = Decimal(rng.randrange(15, 400)) * FX[receipt.supplier.currency]
            places = CURRENCY_PLACES.get(receipt.supplier.currency, cat.CENT)
            lines.append(
                self._purchase_line(
                    receipt,
                    len(lines) + 1,
                    freight,
                    Decimal(1),
                    price=cat.money(charge, places),
                    account_id="5300",
                )
            )
        supplier = receipt.supplier
        return self._purchase_document(
            _T.PURCHASE_INVOICE,
            receipt,
            receipt.index,
            day,
            lines,
            supplier_number=f"{supplier.invoice_prefix}{supplier.invoice_base + receipt.index}",
            description=f"Receipt {self._number(_T.PURCHASE_RECEIPT, receipt.index)}",
            status=self._status(_T.PURCHASE_INVOICE, day, position, 35),
        )

    def _purchase_follow_up(
        self, origin: int, position: int, purchase: PurchaseFollowUp, day: int
    ) -> Iterator[Document]:
        """A return to the supplier and its credit memo, or a supplier price credit."""
        receipt = self._receipt(origin, position)
        supplier = receipt.supplier
        invoice = self._number(_T.PURCHASE_INVOICE, receipt.index)
        credit_number = f"CN-{supplier.invoice_base + purchase.credit_index}"
        if purchase.is_return:
            rng = self._rng(Stream.PURCHASE_RETURN, origin, position)
            returned = _returned(rng, receipt.lines, self.line_scale)
            reason = rng.choice(cat.PURCHASE_RETURN_REASONS)
            yield Document(
                type=_T.PURCHASE_RETURN,
                number=self._number(_T.PURCHASE_RETURN, purchase.return_index),
                date=self._date(day),
                site_id=receipt.site.id,
                supplier_id=supplier.id,
                currency=receipt.site.currency,
                status=_POSTED,
                reverses=self._number(_T.PURCHASE_RECEIPT, receipt.index),
                reference=f"RTV-{self.tag}{purchase.return_index:05d}",
                description=f"Returned to supplier: {reason}",
                lines=tuple(
                    self._purchase_line(receipt, number, line.item, quantity, cost=True)
                    for number, (line, quantity) in enumerate(returned, start=1)
                ),
            )
            lines = [
                self._purchase_line(receipt, number, line.item, quantity, price=line.price)
                for number, (line, quantity) in enumerate(returned, start=1)
            ]
            description = f"Credit for returned goods: {reason}"
        else:
            rng = self._rng(Stream.PURCHASE_PRICE_CREDIT, origin, position)
            credited = _some(rng, receipt.lines, self.line_scale)
            reason = rng.choice(cat.SUPPLIER_CREDIT_REASONS)
            places = CURRENCY_PLACES.get(supplier.currency)
            lines = [
                self._purchase_line(
                    receipt,
                    number,
                    line.item,
                    line.quantity,
                    price=_allowance(line.price, Decimal(rng.choice((2, 3, 4, 5))), places),
                )
                for number, line in enumerate(credited, start=1)
            ]
            description = f"Supplier credit: {reason}"
        yield self._purchase_document(
            _T.PURCHASE_CREDIT_MEMO,
            receipt,
            purchase.credit_index,
            day,
            lines,
            supplier_number=credit_number,
            description=description,
            reverses=invoice,
        )

    # -- stock ----------------------------------------------------------------------------

    def _company(self, rng: random.Random) -> str:
        return "US" if rng.random() < 0.82 else "CA"

    def _stock_document(
        self,
        kind: DocumentType,
        index: int,
        day: int,
        site: SiteInfo,
        lines: list[DocumentLine],
        *,
        reference: str,
        description: str,
        to_site: SiteInfo | None = None,
        status: DocumentStatus = _POSTED,
    ) -> Document:
        return Document(
            type=kind,
            number=self._number(kind, index),
            date=self._date(day),
            site_id=site.id,
            to_site_id=to_site.id if to_site else None,
            currency=site.currency,
            status=status,
            reference=reference,
            description=description,
            lines=tuple(lines),
        )

    def _movement_line(
        self,
        number: int,
        site: SiteInfo,
        item: ItemInfo,
        quantity: Decimal,
        dept: str,
        project: Project | None = None,
        task: str | None = None,
    ) -> DocumentLine:
        refs = (*site.stock_attrs, item.ref)
        if project is not None:
            refs += (self.master.attr(AttributeTypeKind.PROJECT, project.id),)
            if task is not None:
                refs += (self.master.attr(AttributeTypeKind.TASK, task),)
        return DocumentLine(
            line_number=number,
            item_id=item.id,
            quantity=quantity,
            unit_cost=cat.round_price(item.cost * site.company.fx),
            attributes=refs,
            dimensions=(self._dept[dept], item.class_ref),
        )

    def _draw_items(
        self, rng: random.Random, draw: Callable[[random.Random], ItemInfo], wanted: int
    ) -> list[ItemInfo]:
        items: list[ItemInfo] = []
        seen: set[str] = set()
        for _ in range(wanted * self._tries):
            if len(items) == wanted:
                break
            item = draw(rng)
            if item.id not in seen:
                seen.add(item.id)
                items.append(item)
        return items

    def _component(self, rng: random.Random) -> ItemInfo:
        data = self.master
        if not self._components:
            return data.sellable_item(rng)
        code = self._components[rng.randrange(len(self._components))]
        return data.purchasable[code].draw(rng)

    def _transfer(self, day: int, position: int) -> Document:
        rng = self._rng(Stream.TRANSFER, day, position)
        company = self.master.companies[self._company(rng)]
        stock = company.stock_sites
        source = stock[_weighted(rng, tuple(accumulate(3 if s.business else 2 for s in stock)))]
        target = rng.choice([site for site in stock if site is not source])
        if source.manufacturing and self._finished is not None:
            draw: Callable[[random.Random], ItemInfo] = self._finished.draw
        elif target.manufacturing:
            draw = self._component
        else:
            draw = self.master.sellable_item
        wanted = self._scaled(rng, 1 + min(int(rng.expovariate(0.7)), 4))
        items = self._draw_items(rng, draw, wanted)
        lines = [
            self._movement_line(
                number,
                source,
                item,
                _quantity(rng, item, _sales_range(item)) * rng.randint(2, 6),
                "WHSE",
            )
            for number, item in enumerate(items, start=1)
        ]
        index = self.plan.index(Primary.TRANSFER, day, position)
        return self._stock_document(
            _T.STOCK_TRANSFER,
            index,
            day,
            source,
            lines,
            reference=f"TO-{self.tag}{index:05d}",
            description=f"Replenishment from {source.site.name} to {target.site.name}",
            to_site=target,
        )

    def _production_receipt(self, day: int, position: int) -> Document:
        rng = self._rng(Stream.PRODUCTION_RECEIPT, day, position)
        index = self.plan.index(Primary.PRODUCTION_RECEIPT, day, position)
        plant = self.master.companies["US"].plant
        if plant is None or self._finished is None:
            site = self._any_stock_site(rng)
            item = self.master.sellable_item(rng)
            line = self._movement_line(1, site, item, Decimal(rng.randint(1, 3)), "WHSE")
            return self._stock_document(
                _T.MISC_STOCK_RECEIPT,
                index,
                day,
                site,
                [line],
                reference=f"CC-{site.id}-{self._date(day):%m%d}",
                description="Found during bin audit",
            )
        project, task = self._internal_project(rng)
        wanted = self._scaled(rng, rng.choice((1, 1, 1, 2)))
        items = self._draw_items(rng, self._finished.draw, wanted)
        lines = [
            self._movement_line(
                number, plant, item, Decimal(rng.randint(1, 3)), "PROD", project, task
            )
            for number, item in enumerate(items, start=1)
        ]
        return self._stock_document(
            _T.MISC_STOCK_RECEIPT,
            index,
            day,
            plant,
            lines,
            reference=f"WO-{self.tag}{index:05d}",
            description="Production receipt: finished assemblies",
        )

    def _internal_project(self, rng: random.Random) -> tuple[Project | None, str | None]:
        projects = self.master.internal_projects
        if not projects or rng.random() >= 0.4:
            return None, None
        project = projects[rng.randrange(len(projects))]
        task = project.tasks[rng.randrange(len(project.tasks))] if rng.random() < 0.5 else None
        return project, task

    def _any_stock_site(self, rng: random.Random) -> SiteInfo:
        stock = self.master.companies[self._company(rng)].stock_sites
        return stock[rng.randrange(len(stock))]

    def _material_issue(self, day: int, position: int) -> Document:
        rng = self._rng(Stream.MATERIAL_ISSUE, day, position)
        index = self.plan.index(Primary.MATERIAL_ISSUE, day, position)
        plant = self.master.companies["US"].plant
        if plant is not None and rng.random() < 0.75:
            project, task = self._internal_project(rng)
            items = self._draw_items(rng, self._component, self._scaled(rng, rng.randint(2, 6)))
            lines = [
                self._movement_line(
                    number,
                    plant,
                    item,
                    _quantity(rng, item, (2, 40) if item.fractional else (1, 12)),
                    "PROD",
                    project,
                    task,
                )
                for number, item in enumerate(items, start=1)
            ]
            return self._stock_document(
                _T.MISC_STOCK_ISSUE,
                index,
                day,
                plant,
                lines,
                reference=f"WO-{self.tag}{rng.randrange(1, index + 1):05d}",
                description="Material issue to work order",
            )
        site = self._any_stock_site(rng)
        item = self.master.sellable_item(rng)
        line = self._movement_line(1, site, item, _quantity(rng, item, (1, 2)), "WHSE")
        return self._stock_document(
            _T.MISC_STOCK_ISSUE,
            index,
            day,
            site,
            [line],
            reference=f"SCRAP-{self.tag}{index:05d}",
            description="Scrapped: damaged in handling",
        )

    def _adjustment(self, day: int, position: int) -> Document:
        rng = self._rng(Stream.ADJUSTMENT, day, position)
        index = self.plan.index(Primary.ADJUSTMENT, day, position)
        site = self._any_stock_site(rng)
        draw = self._component if site.manufacturing else self.master.sellable_item
        items = self._draw_items(
            rng, draw, self._scaled(rng, 1 + min(int(rng.expovariate(0.9)), 3))
        )
        lines = []
        for number, item in enumerate(items, start=1):
            quantity = _quantity(rng, item, (1, 10) if item.fractional else (1, 5))
            if rng.random() < 0.6:
                quantity = -quantity
            lines.append(self._movement_line(number, site, item, quantity, "WHSE"))
        return self._stock_document(
            _T.STOCK_ADJUSTMENT,
            index,
            day,
            site,
            lines,
            reference=f"CC-{site.id}-{self._date(day):%m%d}",
            description=rng.choice(cat.ADJUSTMENT_REASONS),
            status=self._status(_T.STOCK_ADJUSTMENT, day, position, 50),
        )


# -- drawing helpers ----------------------------------------------------------------------

L = TypeVar("L", _OrderLine, _ReceiptLine)


def _weighted(rng: random.Random, cumulative: Sequence[float]) -> int:
    """An index drawn with the weights whose running totals are ``cumulative``."""
    point = rng.random() * cumulative[-1]
    return min(bisect_right(cumulative, point), len(cumulative) - 1)


def _sales_range(item: ItemInfo) -> tuple[int, int]:
    """How many of ``item`` a sales line usually carries."""
    return item.category.sales_qty if item.category is not None else (1, 1)


def _quantity(rng: random.Random, item: ItemInfo, bounds: tuple[int, int]) -> Decimal:
    """A quantity skewed towards the low end; half units for items sold by the foot."""
    low, high = bounds
    value = low + (high - low) * rng.random() ** 2
    if item.fractional:
        return max(Decimal(round(value * 2)) / 2, _HALF)
    return Decimal(max(low, round(value)))


def _scale(rng: random.Random, count: int, factor: float) -> int:
    """``count x factor`` rounded down or up at random (its expectation is exact), at
    least one."""
    scaled = count * factor
    whole = int(scaled)
    return max(1, whole + (rng.random() < scaled - whole))


def _some(rng: random.Random, lines: Sequence[L], scale: float | None = None) -> list[L]:
    """One line, sometimes two (times ``scale`` when given), in document order."""
    count = 1 if len(lines) == 1 or rng.random() < 0.7 else 2
    if scale is not None:
        count = min(len(lines), _scale(rng, count, scale))
    return sorted(rng.sample(list(lines), count), key=list(lines).index)


def _returned(
    rng: random.Random, lines: Sequence[L], scale: float | None = None
) -> list[tuple[L, Decimal]]:
    """Some lines and how much of each comes back (never more than went out)."""
    result = []
    for line in _some(rng, lines, scale):
        quantity = line.quantity
        if quantity > 1 and rng.random() < 0.5:
            step = _HALF if quantity != quantity.to_integral_value() else Decimal(1)
            quantity = max(step, (quantity * Decimal(rng.randint(1, 9)) / 10 // step) * step)
        result.append((line, quantity))
    return result


def _allowance(price: Decimal, percent: Decimal, places: Decimal | None = None) -> Decimal:
    """``percent`` of a unit price, rounded like a price, never zero."""
    value = price * percent / 100
    if places is not None:
        return max(cat.money(value, places), places)
    rounded = cat.round_price(value)
    return rounded if rounded > 0 else cat.TENTH_CENT
