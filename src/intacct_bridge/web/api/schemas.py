"""The API's response bodies (pydantic models: they are the OpenAPI document's schemas)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

Outcome = Literal["created", "updated", "posted", "unchanged"]


class RecordResult(BaseModel):
    """What an upsert did to one record."""

    kind: str = Field(description="the kind, as in the URL (``items``)")
    key: str = Field(description="the record's key (``W-100``; ``ap/NET30`` when composite)")
    outcome: Outcome


class BatchResult(BaseModel):
    """What a batch upsert did, record by record, in the order sent."""

    results: list[RecordResult]


class DocumentResult(BaseModel):
    """A stored document's receipt: the same for the first submission and every repeat."""

    type: str
    number: str
    status: Literal["draft", "posted"]
    content_hash: str = Field(description="SHA-256 of the document's content")
    received_at: dt.datetime = Field(description="when the bridge first stored it")
    repeat: bool = Field(description="true when this exact document was already stored")


class DocumentResults(BaseModel):
    """The receipts of a list of documents, in the order sent."""

    results: list[DocumentResult]


class StoredDocument(BaseModel):
    """A stored document, as submitted, with its receipt and posting state."""

    receipt: DocumentResult
    document: dict[str, Any]
    posting: dict[str, Any] | None = Field(
        default=None,
        description=(
            "the posting to Intacct (state, intacct_object, record_no, url, message, "
            "posted_at) once `intacct-bridge post` has handled the document"
        ),
    )


class StateCounts(BaseModel):
    """Records per synchronised object and integration state."""

    objects: dict[str, dict[str, int]] = Field(
        description="object (``items``) → state (``pending``) → records"
    )
    unread_changes: int = Field(description="changes not yet looked at by the sync engine")


class RecordState(BaseModel):
    """One record's integration state."""

    kind: str
    key: str
    state: Literal["not", "pending", "success", "error", "desynchronized"]
    label: str
    intacct_object: str
    intacct_id: str | None = None
    url: str | None = None
    last_message: str | None = None
    error_code: str | None = None
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    synced_at: dt.datetime | None = None


class SyncRequest(BaseModel):
    """What to synchronise: every record that needs it, one kind, or named records."""

    kind: str | None = Field(default=None, description="``items``, ``customers`` …")
    keys: list[str] | None = Field(default=None, description="records of ``kind`` by key")
    force: bool = Field(default=False, description="send records in error again")


class SyncQueued(BaseModel):
    """What a Synchronise queued for the sync workers."""

    queued: int
    kind: str | None
    keys: list[str] | None
    force: bool


__all__ = [
    "BatchResult",
    "DocumentResult",
    "DocumentResults",
    "RecordResult",
    "RecordState",
    "StateCounts",
    "StoredDocument",
    "SyncQueued",
    "SyncRequest",
]
