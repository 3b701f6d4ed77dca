"""Errors the store raises when a write would break a rule."""

from __future__ import annotations

from collections.abc import Sequence

from intacct_bridge.errors import BridgeError
from intacct_bridge.model.documents import RULES, DocumentType
from intacct_bridge.model.errors import FieldIssue


class StoreError(BridgeError):
    """The store refused a read or a write."""


class DatabaseUnavailableError(StoreError):
    """The database URL is wrong, or the database cannot be opened or reached."""


class DatabaseBusyError(StoreError):
    """The database stayed locked (another writer) longer than the import would wait."""


class UnknownTenantError(StoreError):
    """The tenant does not exist in this deployment."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        super().__init__(
            f"unknown tenant {tenant_id!r}; create it first (intacct-bridge tenant add)"
        )


class TenantConflictError(StoreError):
    """Creating the tenant would clash with an existing one."""


class RecordRejectedError(StoreError):
    """A record refers to records that do not exist, or breaks a rule across records."""

    def __init__(self, record: str, issues: Sequence[FieldIssue]) -> None:
        self.record = record
        self.issues = tuple(issues)
        details = "; ".join(f"{issue.field}: {issue.reason}" for issue in self.issues)
        super().__init__(f"{record} rejected: {details}")


class DocumentPostedError(StoreError):
    """A posted document cannot be changed; it is reversed by a credit memo or return."""

    def __init__(self, record: str, field: str, fix: str) -> None:
        self.record = record
        self.field = field
        self.reason = f"{record} is posted and cannot be changed; {fix}"
        super().__init__(f"{field}: {self.reason}")

    @property
    def issue(self) -> FieldIssue:
        """This error as a field issue."""
        return FieldIssue(self.field, self.reason)


class ItemIdLockedError(StoreError):
    """An item's ID cannot change once the item is integrated with Intacct, or while in use."""


class RecordNotFoundError(StoreError):
    """The record does not exist for this tenant."""


def reversal_fix(doc_type: DocumentType) -> str:
    """How to correct a posted document of ``doc_type`` (by the type that reverses it)."""
    reversers = [kind for kind, rule in RULES.items() if rule.reverses is doc_type]
    if reversers:
        return f"reverse it with a {reversers[0].value.replace('_', ' ')} instead"
    return "record the correction as a new document instead"
