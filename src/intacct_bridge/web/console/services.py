"""What the console runs work with: the embedded sync worker and the connection test's
transport (tests put the in-process sandbox here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from intacct_bridge.export.service import PostingConfig
from intacct_bridge.sync.worker import EmbeddedWorker
from intacct_bridge.web.app import BridgeState


@dataclass
class ConsoleServices:
    """One per app, on ``app.state.console``."""

    #: a worker for Synchronise / Force synchronise (run after the response is sent)
    worker: Callable[[], EmbeddedWorker]
    #: the network for the connection test (``None``: the real one)
    transport: Callable[[], httpx.AsyncBaseTransport] | None = None
    #: run the worker after queueing (off: the records are only marked pending, for a
    #: separate ``intacct-bridge worker`` to send)
    run_worker: bool = True
    #: the posting configuration reconcile uses for a tenant (``None``: the tenant's stored
    #: one, or the one derived from its store, as ``intacct-bridge reconcile`` reads it)
    posting_config: Callable[[str], PostingConfig] | None = None

    @classmethod
    def default(cls, state: BridgeState) -> ConsoleServices:
        return cls(worker=lambda: EmbeddedWorker(state.engine, state.keyring))
