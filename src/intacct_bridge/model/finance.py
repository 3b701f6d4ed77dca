"""Financial data received from Intacct, and posting classes.

Accounts, journals, AP/AR payment terms, tax details and solutions, bank accounts and
entities are managed in Intacct and read from it; the operations side keeps them to validate
and post documents. Posting classes say which accounts an item, customer, supplier or tax
posts to.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from intacct_bridge.model import checks
from intacct_bridge.model.analytics import AttributeTypeKind
from intacct_bridge.model.errors import ModelError
from intacct_bridge.model.money import Rate, check_currency, check_percent

ACCOUNT_ID_LENGTH = 24


class TaxManagement(StrEnum):
    """How an account handles tax; always ``other`` with Intacct outside FR and DE."""

    OTHER = "other"
    EXCLUDING_TAX = "excluding_tax"
    INCLUDING_TAX = "including_tax"
    TAX = "tax"


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """A GL account (GLACCOUNT) with the dimensions and attributes its lines must carry."""

    KIND: ClassVar[str] = "account"

    id: str
    name: str
    #: lines on this account need a business entity (customer or supplier)
    is_control: bool = False
    #: entries only come from other postings (typical for AR/AP control accounts)
    is_direct_entry_forbidden: bool = False
    tax_management: TaxManagement = TaxManagement.OTHER
    #: dimension type IDs every line on this account must carry
    required_dimension_types: tuple[str, ...] = ()
    #: attribute types every line on this account must carry
    required_attribute_types: tuple[AttributeTypeKind, ...] = ()
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=ACCOUNT_ID_LENGTH)
        checks.text("name", self.name, max_length=80)
        checks.flag("is_control", self.is_control)
        checks.flag("is_direct_entry_forbidden", self.is_direct_entry_forbidden)
        management = checks.member("tax_management", self.tax_management, TaxManagement)
        object.__setattr__(self, "tax_management", management)
        dims = checks.as_tuple("required_dimension_types", self.required_dimension_types)
        for index, dim in enumerate(dims):
            checks.identifier(f"required_dimension_types[{index}]", dim, max_length=40)
        checks.unique("required_dimension_types", dims, what="dimension type")
        object.__setattr__(self, "required_dimension_types", tuple(sorted(str(d) for d in dims)))
        raw = checks.as_tuple("required_attribute_types", self.required_attribute_types)
        kinds = [
            checks.member(f"required_attribute_types[{i}]", kind, AttributeTypeKind)
            for i, kind in enumerate(raw)
        ]
        checks.unique("required_attribute_types", kinds, what="attribute type")
        object.__setattr__(
            self, "required_attribute_types", tuple(sorted(kinds, key=lambda k: k.value))
        )
        checks.flag("is_active", self.is_active)


@dataclass(frozen=True, slots=True, kw_only=True)
class Journal:
    """A GL journal (GLJOURNAL)."""

    KIND: ClassVar[str] = "journal"

    id: str
    name: str
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=12)
        checks.text("name", self.name, max_length=80)
        checks.flag("is_active", self.is_active)


class Ledger(StrEnum):
    """Accounts payable or accounts receivable."""

    AP = "ap"
    AR = "ar"


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentTerm:
    """An AP term (APTERM) or AR term (ARTERM); keyed by ledger and ID."""

    KIND: ClassVar[str] = "payment_term"

    ledger: Ledger
    id: str
    description: str | None = None
    #: days from the document date to the due date
    due_days: int = 0
    discount_days: int | None = None
    discount_percent: Rate | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "ledger", checks.member("ledger", self.ledger, Ledger))
        checks.identifier("id", self.id, max_length=40)
        checks.optional_text("description", self.description, max_length=80)
        checks.whole("due_days", self.due_days, minimum=0, maximum=3650)
        if self.discount_days is not None:
            checks.whole("discount_days", self.discount_days, minimum=0, maximum=self.due_days)
        if self.discount_percent is not None:
            object.__setattr__(
                self, "discount_percent", check_percent("discount_percent", self.discount_percent)
            )
        if (self.discount_days is None) != (self.discount_percent is None):
            raise ModelError(
                "discount_percent" if self.discount_percent is None else "discount_days",
                "a discount needs both its days and its percentage",
                "give both discount_days and discount_percent, or neither",
            )
        checks.flag("is_active", self.is_active)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxSolution:
    """An Intacct tax solution, with the countries it serves."""

    KIND: ClassVar[str] = "tax_solution"

    id: str
    description: str | None = None
    countries: tuple[str, ...] = ()
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=40)
        checks.optional_text("description", self.description, max_length=200)
        countries = checks.as_tuple("countries", self.countries)
        for index, country in enumerate(countries):
            checks.country(f"countries[{index}]", country)
        checks.unique("countries", countries, what="country")
        object.__setattr__(self, "countries", tuple(sorted(str(c) for c in countries)))
        checks.flag("is_active", self.is_active)


class TaxType(StrEnum):
    """Whether a tax detail applies to sales or to purchases."""

    SALES = "sales"
    PURCHASE = "purchase"


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxDetail:
    """A tax detail (TAXDETAIL): a rate for sales or purchases, within a tax solution."""

    KIND: ClassVar[str] = "tax_detail"

    id: str
    tax_type: TaxType
    #: percentage, 0-100
    rate: Rate
    description: str | None = None
    tax_solution_id: str | None = None
    #: GL account the tax posts to
    account_id: str | None = None
    is_reverse_charge: bool = False
    #: tax posting class
    posting_class_id: str | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=100)
        object.__setattr__(self, "tax_type", checks.member("tax_type", self.tax_type, TaxType))
        object.__setattr__(self, "rate", check_percent("rate", self.rate))
        checks.optional_text("description", self.description, max_length=200)
        checks.optional_identifier("tax_solution_id", self.tax_solution_id, max_length=40)
        checks.optional_identifier("account_id", self.account_id, max_length=ACCOUNT_ID_LENGTH)
        checks.flag("is_reverse_charge", self.is_reverse_charge)
        checks.optional_identifier("posting_class_id", self.posting_class_id, max_length=40)
        checks.flag("is_active", self.is_active)


class BankAccountType(StrEnum):
    """Kind of bank account."""

    CHECKING = "checking"
    SAVINGS = "savings"


@dataclass(frozen=True, slots=True, kw_only=True)
class BankAccount:
    """A bank account received from Intacct, with its GL account and financial site."""

    KIND: ClassVar[str] = "bank_account"

    id: str
    name: str
    #: GL account the bank account posts to
    account_id: str
    currency: str
    bank_account_type: BankAccountType = BankAccountType.CHECKING
    financial_site_id: str | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=20)
        checks.text("name", self.name, max_length=100)
        checks.identifier("account_id", self.account_id, max_length=ACCOUNT_ID_LENGTH)
        check_currency("currency", self.currency)
        kind = checks.member("bank_account_type", self.bank_account_type, BankAccountType)
        object.__setattr__(self, "bank_account_type", kind)
        checks.optional_identifier("financial_site_id", self.financial_site_id, max_length=20)
        checks.flag("is_active", self.is_active)


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """An Intacct entity (LOCATIONENTITY) of a multi-entity company."""

    KIND: ClassVar[str] = "entity"

    id: str
    name: str
    currency: str | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=20)
        checks.text("name", self.name, max_length=40)
        if self.currency is not None:
            check_currency("currency", self.currency)
        checks.flag("is_active", self.is_active)


class PostingClassKind(StrEnum):
    """What a posting class applies to."""

    ITEM = "item"
    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    TAX = "tax"


@dataclass(frozen=True, slots=True, kw_only=True)
class PostingClassLine:
    """One account of a posting class, by role (``revenue``, ``stock``, ``receivable`` …)."""

    MAPPING_FORM: ClassVar[tuple[str, str]] = ("account_type", "account_id")

    account_type: str
    account_id: str

    def __post_init__(self) -> None:
        checks.code("account_type", self.account_type)
        checks.identifier("account_id", self.account_id, max_length=ACCOUNT_ID_LENGTH)


@dataclass(frozen=True, slots=True, kw_only=True)
class PostingClass:
    """The accounts an item, customer, supplier or tax posts to, one per account type."""

    KIND: ClassVar[str] = "posting_class"

    #: what the class applies to
    type: PostingClassKind
    id: str
    name: str
    lines: tuple[PostingClassLine, ...] = ()
    is_active: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", checks.member("type", self.type, PostingClassKind))
        checks.identifier("id", self.id, max_length=40)
        checks.text("name", self.name, max_length=100)
        lines = checks.as_tuple("lines", self.lines)
        for index, line in enumerate(lines):
            if not isinstance(line, PostingClassLine):
                raise ModelError(f"lines[{index}]", "must be a PostingClassLine", "pass one")
        typed = [line for line in lines if isinstance(line, PostingClassLine)]
        checks.unique("lines", [line.account_type for line in typed], what="account type")
        object.__setattr__(self, "lines", tuple(sorted(typed, key=lambda ln: ln.account_type)))
        checks.flag("is_active", self.is_active)

    def account_for(self, account_type: str) -> str | None:
        """The account of ``account_type``, if the class defines one."""
        for line in self.lines:
            if line.account_type == account_type:
                return line.account_id
        return None
