"""The record kinds of the canonical model, by name, with each kind's key."""

from __future__ import annotations

from intacct_bridge.model.analytics import Attribute, AttributeType, Dimension, DimensionType
from intacct_bridge.model.documents import Document
from intacct_bridge.model.finance import (
    Account,
    BankAccount,
    Entity,
    Journal,
    PaymentTerm,
    PostingClass,
    TaxDetail,
    TaxSolution,
)
from intacct_bridge.model.items import Item
from intacct_bridge.model.parties import Contact, Customer, Supplier
from intacct_bridge.model.sites import Company, Site

#: every kind the store keeps per tenant
Record = (
    Company
    | Site
    | Contact
    | Customer
    | Supplier
    | Item
    | Account
    | Journal
    | PaymentTerm
    | TaxSolution
    | TaxDetail
    | BankAccount
    | Entity
    | PostingClass
    | AttributeType
    | Attribute
    | DimensionType
    | Dimension
    | Document
)

#: master and reference kinds, in an order where each kind only refers to earlier ones
MASTER_KINDS: tuple[type[Record], ...] = (
    Entity,
    Company,
    Site,
    AttributeType,
    DimensionType,
    Dimension,
    Account,
    Journal,
    PaymentTerm,
    TaxSolution,
    PostingClass,
    TaxDetail,
    BankAccount,
    Contact,
    Item,
    Customer,
    Supplier,
    Attribute,
)

#: kind name (``item``, ``customer`` …) → class; documents are named by their type instead
KINDS_BY_NAME: dict[str, type[Record]] = {cls.KIND: cls for cls in MASTER_KINDS}

#: fields that are lifecycle, not content (left out of the content hash)
LIFECYCLE_FIELDS: dict[type[Record], tuple[str, ...]] = {Document: ("status",)}


def record_key(record: Record) -> tuple[str, ...]:
    """The key of a record within its kind and tenant."""
    match record:
        case Contact():
            return (record.name,)
        case PaymentTerm():
            return (record.ledger.value, record.id)
        case PostingClass():
            return (record.type.value, record.id)
        case AttributeType():
            return (record.id.value,)
        case Attribute():
            return (record.type.value, record.id)
        case Dimension():
            return (record.type_id, record.id)
        case Document():
            return (record.type.value, record.number)
        case _:
            return (record.id,)


def describe(record: Record) -> str:
    """``item W-100``, ``sales_invoice SI-1``: the kind and key as people read them."""
    if isinstance(record, Document):
        return f"{record.type.value} {record.number}"
    return f"{record.KIND} {'/'.join(record_key(record))}"
