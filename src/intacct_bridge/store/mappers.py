"""Row ↔ canonical value conversion, one pair of functions per kind, and the kind table.

``to_row(value, row)`` fills a new or existing row (and its child rows) from a value;
``from_row(row)`` builds the value back. Neither touches the session.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from intacct_bridge.model import analytics as an
from intacct_bridge.model import finance as fi
from intacct_bridge.model import parties as pa
from intacct_bridge.model.documents import Document, DocumentLine
from intacct_bridge.model.items import Item
from intacct_bridge.model.kinds import Record
from intacct_bridge.model.sites import Company, Site, SiteRole
from intacct_bridge.store.base import Base
from intacct_bridge.store.tables import analytics as ta
from intacct_bridge.store.tables import documents as td
from intacct_bridge.store.tables import finance as tf
from intacct_bridge.store.tables import items as ti
from intacct_bridge.store.tables import parties as tp
from intacct_bridge.store.tables import sites as ts

R = TypeVar("R", bound=Record)
T = TypeVar("T")


def _names(cls: type[Any], skip: Iterable[str] = ()) -> list[str]:
    return list(_field_names(cls, frozenset(skip)))


def _field_names(cls: type[Any], skip: frozenset[str]) -> tuple[str, ...]:
    """The dataclass's field names but ``skip`` (worked out once per class and skip)."""
    names = _FIELD_NAMES.get((cls, skip))
    if names is None:
        fields = dataclasses.fields(cls)
        names = tuple(field.name for field in fields if field.name not in skip)
        _FIELD_NAMES[(cls, skip)] = names
    return names


_FIELD_NAMES: dict[tuple[type[Any], frozenset[str]], tuple[str, ...]] = {}


def _flat_to_row(value: object, row: object, skip: Iterable[str] = ()) -> None:
    for name in _field_names(type(value), frozenset(skip)):
        setattr(row, name, getattr(value, name))


def _flat_from_row(cls: type[T], row: object, **extra: Any) -> T:
    names = _field_names(cls, frozenset(extra))
    kwargs: dict[str, Any] = {name: getattr(row, name) for name in names}
    kwargs.update(extra)
    return cls(**kwargs)


@dataclass(frozen=True)
class KindSpec(Generic[R]):
    """How one kind is stored."""

    model: type[R]
    table: type[Base]
    to_row: Callable[[R, Any], None]
    from_row: Callable[[Any], R]
    #: empties the row's child collections before an update rewrites them
    clear: Callable[[Any], None] = lambda row: None


def _flat_spec(model: type[R], table: type[Base]) -> KindSpec[R]:
    return KindSpec(model, table, _flat_to_row, lambda row: _flat_from_row(model, row))


# -- sites ------------------------------------------------------------------------------

_ROLE_COLUMNS = {
    SiteRole.FINANCIAL: "is_financial",
    SiteRole.BUSINESS: "is_business",
    SiteRole.STOCK: "is_stock",
    SiteRole.MANUFACTURING: "is_manufacturing",
}


def site_to_row(site: Site, row: ts.SiteRow) -> None:
    _flat_to_row(site, row, skip=("roles",))
    for role, column in _ROLE_COLUMNS.items():
        setattr(row, column, role in site.roles)


def site_from_row(row: ts.SiteRow) -> Site:
    roles = tuple(role for role, column in _ROLE_COLUMNS.items() if getattr(row, column))
    return _flat_from_row(Site, row, roles=roles)


# -- parties ----------------------------------------------------------------------------

_ADDRESS_FIELDS = _names(pa.Address)


def _address_from(row: object, prefix: str = "") -> pa.Address:
    return pa.Address(**{name: getattr(row, prefix + name) for name in _ADDRESS_FIELDS})


def contact_to_row(contact: pa.Contact, row: tp.ContactRow) -> None:
    _flat_to_row(contact, row, skip=("address",))
    for name in _ADDRESS_FIELDS:
        value = None if contact.address is None else getattr(contact.address, name)
        setattr(row, f"address_{name}", value)


def contact_from_row(row: tp.ContactRow) -> pa.Contact:
    address = None if row.address_line1 is None else _address_from(row, "address_")
    return _flat_from_row(pa.Contact, row, address=address)


_PARTY_SKIP = ("primary_contact", "other_contacts")


def _party_children(
    party: pa.Customer | pa.Supplier,
    row: tp.CustomerRow | tp.SupplierRow,
    addresses: dict[str, pa.Address | None],
    address_row: type[tp.CustomerAddressRow] | type[tp.SupplierAddressRow],
    contact_row: type[tp.CustomerContactRow] | type[tp.SupplierContactRow],
) -> None:
    row_addresses: list[Any] = row.addresses
    for role, address in addresses.items():
        if address is not None:
            child = address_row(role=role)
            _flat_to_row(address, child)
            row_addresses.append(child)
    row_contacts: list[Any] = row.contacts
    for position, name in enumerate(party.contact_names):
        is_primary = position == 0 and party.primary_contact is not None
        row_contacts.append(
            contact_row(contact_name=name, position=position, is_primary=is_primary)
        )


def _party_contacts(row: tp.CustomerRow | tp.SupplierRow) -> dict[str, Any]:
    rows: list[Any] = list(row.contacts)
    contacts = sorted(rows, key=lambda c: c.position)
    primary = next((c.contact_name for c in contacts if c.is_primary), None)
    others = tuple(c.contact_name for c in contacts if not c.is_primary)
    return {"primary_contact": primary, "other_contacts": others}


def _party_addresses(row: tp.CustomerRow | tp.SupplierRow) -> dict[str, pa.Address]:
    return {child.role: _address_from(child) for child in row.addresses}


def _clear_party(row: tp.CustomerRow | tp.SupplierRow) -> None:
    row.addresses.clear()
    row.contacts.clear()


def customer_to_row(customer: pa.Customer, row: tp.CustomerRow) -> None:
    _flat_to_row(customer, row, skip=("bill_to", "ship_to", *_PARTY_SKIP))
    addresses = {"bill_to": customer.bill_to, "ship_to": customer.ship_to}
    _party_children(customer, row, addresses, tp.CustomerAddressRow, tp.CustomerContactRow)


def customer_from_row(row: tp.CustomerRow) -> pa.Customer:
    addresses = _party_addresses(row)
    return _flat_from_row(
        pa.Customer,
        row,
        bill_to=addresses["bill_to"],
        ship_to=addresses.get("ship_to"),
        **_party_contacts(row),
    )


def supplier_to_row(supplier: pa.Supplier, row: tp.SupplierRow) -> None:
    _flat_to_row(supplier, row, skip=("pay_to", "return_to", *_PARTY_SKIP))
    addresses = {"pay_to": supplier.pay_to, "return_to": supplier.return_to}
    _party_children(supplier, row, addresses, tp.SupplierAddressRow, tp.SupplierContactRow)


def supplier_from_row(row: tp.SupplierRow) -> pa.Supplier:
    addresses = _party_addresses(row)
    return _flat_from_row(
        pa.Supplier,
        row,
        pay_to=addresses["pay_to"],
        return_to=addresses.get("return_to"),
        **_party_contacts(row),
    )


# -- reading plain column values (no ORM instance) ---------------------------------------
#
# The sync round reads hundreds of items and parties per batch; building ORM instances (and
# their child collections) only to copy them into values cost more than the rest of the
# round's reading. These readers build the same values from the plain column values of a
# Core ``select`` of :func:`value_columns` (``from_row`` stays for everything else).

#: the model fields that are child rows (addresses, contact links), not columns
_CHILD_FIELDS: dict[type[Any], frozenset[str]] = {
    pa.Contact: frozenset({"address"}),
    pa.Customer: frozenset({"bill_to", "ship_to", *_PARTY_SKIP}),
    pa.Supplier: frozenset({"pay_to", "return_to", *_PARTY_SKIP}),
}
#: the address columns of a contact row, in the order of :data:`_ADDRESS_FIELDS`
_CONTACT_ADDRESS_COLUMNS = tuple(f"address_{name}" for name in _ADDRESS_FIELDS)
#: the columns of an address row that make an :class:`~intacct_bridge.model.parties.Address`
ADDRESS_COLUMNS = tuple(_ADDRESS_FIELDS)


def value_columns(model: type[Any]) -> tuple[str, ...]:
    """The columns of ``model``'s main table that :func:`from_values` reads, in order."""
    names = _field_names(model, _CHILD_FIELDS.get(model, frozenset()))
    return names + _CONTACT_ADDRESS_COLUMNS if model is pa.Contact else names


def address_from_values(values: Iterable[Any]) -> pa.Address:
    """An address from the values of :data:`ADDRESS_COLUMNS`, in that order."""
    return pa.Address(**dict(zip(ADDRESS_COLUMNS, values, strict=True)))


def from_values(
    model: type[R],
    values: Iterable[Any],
    addresses: dict[str, pa.Address] | None = None,
    contacts: Iterable[tuple[str, int, bool]] = (),
) -> R:
    """What ``from_row`` builds, from the values of :func:`value_columns` (in order) and,
    for a party, its addresses by role and its contact links as (name, position, primary).
    """
    kwargs: dict[str, Any] = dict(zip(value_columns(model), values, strict=True))
    if model is pa.Contact:
        parts = [kwargs.pop(column) for column in _CONTACT_ADDRESS_COLUMNS]
        kwargs["address"] = None if parts[0] is None else address_from_values(parts)
    elif model is pa.Customer or model is pa.Supplier:
        found = addresses or {}
        main, other = ("bill_to", "ship_to") if model is pa.Customer else ("pay_to", "return_to")
        kwargs[main] = found[main]
        kwargs[other] = found.get(other)
        ordered = sorted(contacts, key=operator.itemgetter(1))
        kwargs["primary_contact"] = next((name for name, _, primary in ordered if primary), None)
        kwargs["other_contacts"] = tuple(name for name, _, primary in ordered if not primary)
    return model(**kwargs)


# -- finance ----------------------------------------------------------------------------

_ACCOUNT_SKIP = ("required_dimension_types", "required_attribute_types")


def account_to_row(account: fi.Account, row: tf.AccountRow) -> None:
    _flat_to_row(account, row, skip=_ACCOUNT_SKIP)
    row.required_dimensions.extend(
        tf.AccountRequiredDimensionRow(dimension_type_id=dim)
        for dim in account.required_dimension_types
    )
    row.required_attributes.extend(
        tf.AccountRequiredAttributeRow(attribute_type=kind.value)
        for kind in account.required_attribute_types
    )


def account_from_row(row: tf.AccountRow) -> fi.Account:
    return _flat_from_row(
        fi.Account,
        row,
        required_dimension_types=tuple(r.dimension_type_id for r in row.required_dimensions),
        required_attribute_types=tuple(
            an.AttributeTypeKind(r.attribute_type) for r in row.required_attributes
        ),
    )


def _clear_account(row: tf.AccountRow) -> None:
    row.required_dimensions.clear()
    row.required_attributes.clear()


def tax_solution_to_row(solution: fi.TaxSolution, row: tf.TaxSolutionRow) -> None:
    _flat_to_row(solution, row, skip=("countries",))
    row.countries = list(solution.countries)


def tax_solution_from_row(row: tf.TaxSolutionRow) -> fi.TaxSolution:
    return _flat_from_row(fi.TaxSolution, row, countries=tuple(row.countries))


def posting_class_to_row(posting_class: fi.PostingClass, row: tf.PostingClassRow) -> None:
    _flat_to_row(posting_class, row, skip=("lines",))
    row.lines.extend(
        tf.PostingClassLineRow(account_type=line.account_type, account_id=line.account_id)
        for line in posting_class.lines
    )


def posting_class_from_row(row: tf.PostingClassRow) -> fi.PostingClass:
    lines = tuple(
        fi.PostingClassLine(account_type=line.account_type, account_id=line.account_id)
        for line in row.lines
    )
    return _flat_from_row(fi.PostingClass, row, lines=lines)


# -- documents --------------------------------------------------------------------------

_LINE_SKIP = ("attributes", "dimensions")


def document_to_row(document: Document, row: td.DocumentRow) -> None:
    """Fill the header and lines; status and timestamps are the repository's business."""
    _flat_to_row(document, row, skip=("lines", "status"))
    party = document.rule.party.value
    has_term = document.payment_term_id is not None
    row.payment_term_ledger = {"customer": "ar", "supplier": "ap"}.get(party) if has_term else None
    row.reverses_type = (
        None
        if document.reverses is None or document.rule.reverses is None
        else document.rule.reverses.value
    )
    for line in document.lines:
        child = td.DocumentLineRow()
        _flat_to_row(line, child, skip=_LINE_SKIP)
        child.attributes.extend(
            td.DocumentLineAttributeRow(attribute_type=ref.type.value, value_id=ref.id)
            for ref in line.attributes
        )
        child.dimensions.extend(
            td.DocumentLineDimensionRow(dimension_type_id=ref.type, dimension_id=ref.id)
            for ref in line.dimensions
        )
        row.lines.append(child)


def document_from_row(row: td.DocumentRow) -> Document:
    lines = tuple(
        _flat_from_row(
            DocumentLine,
            line,
            attributes=tuple(
                an.AttributeRef(type=an.AttributeTypeKind(a.attribute_type), id=a.value_id)
                for a in line.attributes
            ),
            dimensions=tuple(
                an.DimensionRef(type=d.dimension_type_id, id=d.dimension_id)
                for d in line.dimensions
            ),
        )
        for line in row.lines
    )
    return _flat_from_row(Document, row, lines=lines)


# -- the kind table ---------------------------------------------------------------------

SPECS: dict[type[Record], KindSpec[Any]] = {
    spec.model: spec
    for spec in (
        _flat_spec(Company, ts.CompanyRow),
        KindSpec(Site, ts.SiteRow, site_to_row, site_from_row),
        KindSpec(pa.Contact, tp.ContactRow, contact_to_row, contact_from_row),
        KindSpec(pa.Customer, tp.CustomerRow, customer_to_row, customer_from_row, _clear_party),
        KindSpec(pa.Supplier, tp.SupplierRow, supplier_to_row, supplier_from_row, _clear_party),
        _flat_spec(Item, ti.ItemRow),
        KindSpec(fi.Account, tf.AccountRow, account_to_row, account_from_row, _clear_account),
        _flat_spec(fi.Journal, tf.JournalRow),
        _flat_spec(fi.PaymentTerm, tf.PaymentTermRow),
        KindSpec(fi.TaxSolution, tf.TaxSolutionRow, tax_solution_to_row, tax_solution_from_row),
        _flat_spec(fi.TaxDetail, tf.TaxDetailRow),
        _flat_spec(fi.BankAccount, tf.BankAccountRow),
        _flat_spec(fi.Entity, tf.EntityRow),
        KindSpec(
            fi.PostingClass,
            tf.PostingClassRow,
            posting_class_to_row,
            posting_class_from_row,
            lambda row: row.lines.clear(),
        ),
        _flat_spec(an.AttributeType, ta.AttributeTypeRow),
        _flat_spec(an.Attribute, ta.AttributeRow),
        _flat_spec(an.DimensionType, ta.DimensionTypeRow),
        _flat_spec(an.Dimension, ta.DimensionRow),
    )
}


def spec_for(model: type[R]) -> KindSpec[R]:
    """The storage spec of a master-data kind."""
    try:
        return cast("KindSpec[R]", SPECS[cast("type[Record]", model)])
    except KeyError:
        raise TypeError(f"{model.__name__} is not a stored master-data kind") from None


# -- documents as plain rows (bulk inserts) -----------------------------------------------

_HEADER_FIELDS = tuple(_names(Document, ("lines", "status", "type")))
#: the columns of a line's own values in :attr:`DocumentValues.lines`, in order
LINE_FIELDS = tuple(_names(DocumentLine, _LINE_SKIP))
_line_values = operator.attrgetter(*LINE_FIELDS)


@dataclass(frozen=True)
class DocumentValues:
    """A new document as column values: the header, and per line its own and child values
    (the keys, tenant and document, are added on insert)."""

    header: dict[str, Any]
    #: per line: its values (the columns :data:`LINE_FIELDS`, in that order), its attributes
    #: as (line number, attribute type, value ID) and its dimensions as (line number,
    #: dimension type, dimension ID)
    lines: list[tuple[tuple[Any, ...], list[tuple[int, str, str]], list[tuple[int, str, str]]]]


def document_values(document: Document) -> DocumentValues:
    """What :func:`document_to_row` writes, as plain column values."""
    header: dict[str, Any] = {name: getattr(document, name) for name in _HEADER_FIELDS}
    header["type"] = document.type.value
    party = document.rule.party.value
    has_term = document.payment_term_id is not None
    header["payment_term_ledger"] = (
        {"customer": "ar", "supplier": "ap"}.get(party) if has_term else None
    )
    header["reverses_type"] = (
        None
        if document.reverses is None or document.rule.reverses is None
        else document.rule.reverses.value
    )
    lines = []
    for line in document.lines:
        number = line.line_number
        # ``_value_``: the member's value without the enum property's Python-level lookup
        attributes = [(number, ref.type._value_, ref.id) for ref in line.attributes]
        dimensions = [(number, ref.type, ref.id) for ref in line.dimensions]
        lines.append((_line_values(line), attributes, dimensions))
    return DocumentValues(header, lines)
