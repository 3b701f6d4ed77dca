"""The export's tables besides the per-document posting state (``sync_state``, kind
``posting``):

* ``posting_async_request`` — one row per asynchronous request the bridge submitted under
  a transport policy: its control ID, the documents it carries (key, function control ID,
  version), when it was submitted, until when its callback is awaited, and when the callback
  was applied. The callback endpoint matches Intacct's response to it by control ID.
* ``open_item`` — one row per posted AP/AR document: Intacct's totals (entered, paid, due,
  state), the payment status the bridge derives (``notPaid``, ``partiallyPaid``, ``paid``)
  and, for sales invoices and credit memos, the prepaid amount read right after posting.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from intacct_bridge.store.base import Base, key, tenant_key

#: the payment statuses of an open item (DMO's ``OpenItemStatus``)
OPEN_ITEM_STATUSES = ("notPaid", "partiallyPaid", "paid")


class PostingAsyncRequestRow(Base):
    """An asynchronous posting request and the documents it carries."""

    __tablename__ = "posting_async_request"

    tenant_id: Mapped[str] = tenant_key()
    #: the request's ``control/controlid`` (Intacct's response carries it back)
    control_id: Mapped[str] = key(80)
    policy_id: Mapped[str] = mapped_column(String(40))
    #: ``[{"key", "controlid", "version", "object"}]``, one per document
    documents: Mapped[Any] = mapped_column(JSON)
    submitted_at: Mapped[dt.datetime]
    #: after this moment a document still waiting is looked up in Intacct by its key
    deadline_at: Mapped[dt.datetime]
    #: when the callback was applied (``None``: still awaited)
    answered_at: Mapped[dt.datetime | None]


class OpenItemRow(Base):
    """A posted AP/AR document as an open item: what Intacct says is paid and due."""

    __tablename__ = "open_item"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in OPEN_ITEM_STATUSES) + ")", name="status"
        ),
    )

    tenant_id: Mapped[str] = tenant_key()
    #: the posting state's key, ``<document type>/<number>``
    document_key: Mapped[str] = key(250)
    intacct_object: Mapped[str] = mapped_column(String(40))
    record_no: Mapped[int]
    #: customer or supplier ID
    party_id: Mapped[str | None] = mapped_column(String(100))
    currency: Mapped[str | None] = mapped_column(String(3))
    due_date: Mapped[str | None] = mapped_column(String(10))
    #: transaction-currency totals as Intacct holds them (``TRX_TOTAL…``)
    total_amount: Mapped[Decimal]
    paid_amount: Mapped[Decimal]
    due_amount: Mapped[Decimal]
    #: Intacct's STATE (Posted, Partially Paid, Paid …)
    intacct_state: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    #: sales invoices and credit memos: what was already paid (advances) when posted
    prepaid_amount: Mapped[Decimal | None]
    pulled_at: Mapped[dt.datetime]


__all__ = ["OPEN_ITEM_STATUSES", "OpenItemRow", "PostingAsyncRequestRow"]
