"""Export to Intacct: balanced entries become Intacct records, exactly once.

:mod:`.convert` is pure (entry → function); :mod:`.service` reads the store, sends, records
each document's posting state and reconciles a period against Intacct's general ledger.
"""

from intacct_bridge.export.convert import ExportError, ExportOptions, Lookup, Outgoing, to_outgoing
from intacct_bridge.export.service import (
    DocumentOutcome,
    PostingConfig,
    PostingRunReport,
    ReconcileReport,
    load_setup,
    post_documents,
    reconcile,
)

__all__ = [
    "DocumentOutcome",
    "ExportError",
    "ExportOptions",
    "Lookup",
    "Outgoing",
    "PostingConfig",
    "PostingRunReport",
    "ReconcileReport",
    "load_setup",
    "post_documents",
    "reconcile",
    "to_outgoing",
]
