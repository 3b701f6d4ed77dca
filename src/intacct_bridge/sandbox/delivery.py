"""Outbound HTTP from the sandbox: one background worker and one retry loop.

Smart Event posts (:mod:`.smartevents`) and the responses of asynchronous requests
(:mod:`.asyncrequests`) both leave the sandbox the same way: queued by the request that
caused them, sent later on a background thread (the API call is never slowed or failed by
the receiver), retried a bounded number of times with exponential backoff, and every
attempt recorded on the item (status, attempts, HTTP status, last error, finish time).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

import httpx

log = logging.getLogger("intacct_bridge.sandbox.delivery")

Job = Callable[[httpx.Client], None]


def now_text() -> str:
    """The time as delivery logs show it (``MM/DD/YYYY HH:MM:SS``, UTC)."""
    return datetime.now(UTC).strftime("%m/%d/%Y %H:%M:%S")


class Tracked(Protocol):
    """An item whose delivery attempts are recorded on it."""

    status: str
    attempts: int
    http_status: int | None
    last_error: str
    finished_at: str


def send_with_retries(
    client: httpx.Client,
    item: Tracked,
    send: Callable[[httpx.Client], httpx.Response],
    *,
    max_attempts: int,
    backoff: float,
) -> None:
    """Call ``send`` until it answers below HTTP 400 or ``max_attempts`` are used, waiting
    ``backoff``, then twice as long, and so on between attempts; record the outcome on ``item``
    (``delivered`` or ``failed``)."""
    for attempt in range(1, max_attempts + 1):
        item.attempts = attempt
        try:
            response = send(client)
            item.http_status = response.status_code
            if response.status_code < 400:
                item.status = "delivered"
                item.last_error = ""
                item.finished_at = now_text()
                return
            item.last_error = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            item.last_error = f"{type(exc).__name__}: {exc}"
        if attempt < max_attempts:
            time.sleep(backoff * 2 ** (attempt - 1))
    item.status = "failed"
    item.finished_at = now_text()


class Worker:
    """Runs queued jobs one at a time, in order, on a daemon thread started on first use;
    each job gets the worker's ``httpx.Client`` (on ``transport``, or the network)."""

    def __init__(self, name: str, transport: httpx.BaseTransport | None = None) -> None:
        self.name = name
        self.transport = transport
        self._queue: queue.Queue[Job] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._idle = threading.Condition()
        self._pending = 0

    def submit(self, job: Job) -> None:
        with self._idle:
            self._pending += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
        self._queue.put(job)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every queued job has finished; ``False`` on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def _run(self) -> None:
        with httpx.Client(transport=self.transport) as client:
            while True:
                job = self._queue.get()
                try:
                    job(client)
                except Exception:  # never let the thread die
                    log.exception("%s: a job failed", self.name)
                finally:
                    with self._idle:
                        self._pending -= 1
                        self._idle.notify_all()
