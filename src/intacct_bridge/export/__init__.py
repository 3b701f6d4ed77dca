"""Export to Intacct: balanced entries become Intacct records, exactly once.

:mod:`.convert` is pure (entry → function); :mod:`.service` reads the store, sends, records
each document's posting state and reconciles a period against Intacct's general ledger.
"""

from intacct_bridge.export.convert import ExportError, ExportOptions, Lookup, Outgoing, to_outgoing
from intacct_bridge.export.openitems import (
    OpenItem,
    OpenItemsReport,
    list_open_items,
    pull_open_items,
    refresh_open_items,
)
from intacct_bridge.export.service import (
    DocumentOutcome,
    PostingConfig,
    PostingRunReport,
    ReconcileReport,
    load_setup,
    post_documents,
    post_tenant,
    posting_config_for,
    reconcile,
)

__all__ = [
    "DocumentOutcome",
    "ExportError",
    "ExportOptions",
    "Lookup",
    "OpenItem",
    "OpenItemsReport",
    "Outgoing",
    "PostingConfig",
    "PostingRunReport",
    "ReconcileReport",
    "list_open_items",
    "load_setup",
    "post_documents",
    "post_tenant",
    "posting_config_for",
    "pull_open_items",
    "reconcile",
    "refresh_open_items",
    "to_outgoing",
]
