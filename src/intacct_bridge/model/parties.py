"""Parties sent to Intacct: contacts, customers (CUSTOMER) and suppliers (VENDOR).

Contacts are referenced by name: an Intacct contact name is unique in the company and cannot
change once created, so the name is the contact's key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from intacct_bridge.model import checks
from intacct_bridge.model.errors import ModelError
from intacct_bridge.model.money import check_currency

CONTACT_NAME_LENGTH = 200
PARTY_ID_LENGTH = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A postal address."""

    line1: str
    line2: str | None = None
    line3: str | None = None
    city: str | None = None
    #: state, province or county
    region: str | None = None
    postal_code: str | None = None
    #: ISO 3166 alpha-2
    country_code: str | None = None

    def __post_init__(self) -> None:
        checks.text("line1", self.line1, max_length=100)
        checks.optional_text("line2", self.line2, max_length=100)
        checks.optional_text("line3", self.line3, max_length=100)
        checks.optional_text("city", self.city, max_length=80)
        checks.optional_text("region", self.region, max_length=40)
        checks.optional_text("postal_code", self.postal_code, max_length=30)
        checks.country("country_code", self.country_code)


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """An Intacct contact (CONTACT); its name is its key and never changes."""

    KIND: ClassVar[str] = "contact"

    name: str
    print_as: str
    prefix: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: Address | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("name", self.name, max_length=CONTACT_NAME_LENGTH)
        checks.text("print_as", self.print_as, max_length=200)
        checks.optional_text("prefix", self.prefix, max_length=15)
        checks.optional_text("first_name", self.first_name, max_length=40)
        checks.optional_text("last_name", self.last_name, max_length=40)
        checks.optional_text("company_name", self.company_name, max_length=100)
        email = checks.optional_text("email", self.email, max_length=200)
        if email is not None and ("@" not in email or email.strip() != email or " " in email):
            raise ModelError("email", f"{email!r} is not an email address", "write name@domain")
        checks.optional_text("phone", self.phone, max_length=30)
        if self.address is not None and not isinstance(self.address, Address):
            raise ModelError("address", "must be an Address", "pass Address(line1=...)")
        checks.flag("is_active", self.is_active)


def _check_party_contacts(primary: str | None, others: object) -> tuple[str, ...]:
    checks.optional_identifier("primary_contact", primary, max_length=CONTACT_NAME_LENGTH)
    names = checks.as_tuple("other_contacts", others)
    for index, name in enumerate(names):
        checks.identifier(f"other_contacts[{index}]", name, max_length=CONTACT_NAME_LENGTH)
        if name == primary:
            raise ModelError(
                f"other_contacts[{index}]",
                f"{name!r} is already the primary contact",
                "list only the other contacts here",
            )
    checks.unique("other_contacts", names, what="contact")
    return tuple(str(name) for name in names)


def _check_address(field: str, value: object, *, required: bool) -> None:
    if value is None and not required:
        return
    if not isinstance(value, Address):
        raise ModelError(field, "must be an Address", f"give the {field.replace('_', '-')} address")


def _check_party_terms(party: Customer | Supplier) -> None:
    """The checks customers and suppliers share: contacts, term, currency, tax ID, class."""
    others = _check_party_contacts(party.primary_contact, party.other_contacts)
    object.__setattr__(party, "other_contacts", others)
    checks.optional_identifier("payment_term_id", party.payment_term_id, max_length=40)
    if party.currency is not None:
        check_currency("currency", party.currency)
    checks.optional_text("tax_id", party.tax_id, max_length=20)
    checks.optional_identifier("posting_class_id", party.posting_class_id, max_length=40)
    checks.flag("is_active", party.is_active)


def _contact_names(party: Customer | Supplier) -> tuple[str, ...]:
    head = () if party.primary_contact is None else (party.primary_contact,)
    return head + party.other_contacts


@dataclass(frozen=True, slots=True, kw_only=True)
class Customer:
    """A customer, sent to Intacct as CUSTOMER."""

    KIND: ClassVar[str] = "customer"

    id: str
    name: str
    bill_to: Address
    #: ``None`` ships to the bill-to address
    ship_to: Address | None = None
    #: name of the primary :class:`Contact`
    primary_contact: str | None = None
    #: names of the other contacts
    other_contacts: tuple[str, ...] = ()
    #: AR payment term
    payment_term_id: str | None = None
    currency: str | None = None
    tax_id: str | None = None
    #: customer posting class
    posting_class_id: str | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=PARTY_ID_LENGTH)
        checks.text("name", self.name, max_length=100)
        _check_address("bill_to", self.bill_to, required=True)
        _check_address("ship_to", self.ship_to, required=False)
        _check_party_terms(self)

    @property
    def contact_names(self) -> tuple[str, ...]:
        """Primary contact first, then the others."""
        return _contact_names(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Supplier:
    """A supplier, sent to Intacct as VENDOR."""

    KIND: ClassVar[str] = "supplier"

    id: str
    name: str
    pay_to: Address
    #: ``None`` returns goods to the pay-to address
    return_to: Address | None = None
    primary_contact: str | None = None
    other_contacts: tuple[str, ...] = ()
    #: AP payment term
    payment_term_id: str | None = None
    currency: str | None = None
    tax_id: str | None = None
    #: supplier posting class
    posting_class_id: str | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=PARTY_ID_LENGTH)
        checks.text("name", self.name, max_length=100)
        _check_address("pay_to", self.pay_to, required=True)
        _check_address("return_to", self.return_to, required=False)
        _check_party_terms(self)

    @property
    def contact_names(self) -> tuple[str, ...]:
        """Primary contact first, then the others."""
        return _contact_names(self)
