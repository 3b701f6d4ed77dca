"""The canonical operations model: pure values, no I/O, money and quantities in Decimal.

Modules:
    tenancy    tenants (one operations company bound to one Intacct company)
    sites      companies and financial / business / stock / manufacturing sites
    parties    contacts, customers, suppliers (sent to Intacct)
    items      items (sent to Intacct; the ID locks once integrated)
    analytics  attribute types, attributes, dimension types (at most 20), dimensions
    finance    accounts, journals, payment terms, tax, bank accounts, entities, posting classes
    documents  purchase, sales and stock documents with their lines
    money      Decimal rules; canonical  plain form and content hash; kinds  the registry
"""

from intacct_bridge.model.analytics import (
    MAX_DIMENSION_TYPES,
    Attribute,
    AttributeRef,
    AttributeType,
    AttributeTypeKind,
    Dimension,
    DimensionRef,
    DimensionType,
)
from intacct_bridge.model.documents import (
    RULES,
    Document,
    DocumentLine,
    DocumentStatus,
    DocumentType,
    Party,
)
from intacct_bridge.model.errors import FieldIssue, ModelError
from intacct_bridge.model.finance import (
    Account,
    BankAccount,
    BankAccountType,
    Entity,
    Journal,
    Ledger,
    PaymentTerm,
    PostingClass,
    PostingClassKind,
    PostingClassLine,
    TaxDetail,
    TaxManagement,
    TaxSolution,
    TaxType,
)
from intacct_bridge.model.items import Item
from intacct_bridge.model.kinds import KINDS_BY_NAME, MASTER_KINDS, Record, record_key
from intacct_bridge.model.money import ZERO, Money, Quantity
from intacct_bridge.model.parties import Address, Contact, Customer, Supplier
from intacct_bridge.model.sites import Company, Site, SiteRole
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID, Tenant

__all__ = [
    "DEFAULT_TENANT_ID",
    "KINDS_BY_NAME",
    "MASTER_KINDS",
    "MAX_DIMENSION_TYPES",
    "RULES",
    "ZERO",
    "Account",
    "Address",
    "Attribute",
    "AttributeRef",
    "AttributeType",
    "AttributeTypeKind",
    "BankAccount",
    "BankAccountType",
    "Company",
    "Contact",
    "Customer",
    "Dimension",
    "DimensionRef",
    "DimensionType",
    "Document",
    "DocumentLine",
    "DocumentStatus",
    "DocumentType",
    "Entity",
    "FieldIssue",
    "Item",
    "Journal",
    "Ledger",
    "ModelError",
    "Money",
    "Party",
    "PaymentTerm",
    "PostingClass",
    "PostingClassKind",
    "PostingClassLine",
    "Quantity",
    "Record",
    "Site",
    "SiteRole",
    "Supplier",
    "TaxDetail",
    "TaxManagement",
    "TaxSolution",
    "TaxType",
    "Tenant",
    "record_key",
]
