"""Asynchronous requests: transport policies, acknowledgements, posted responses.

Intacct's offline path (``intacct-xml-api.md`` §11): a request whose control carries a
``<policyid>`` is validated at once and acknowledged with
``<acknowledgement><status>success</status></acknowledgement>``; it runs afterwards and
its full ``<response>`` is POSTed to the policy's response URL, where the client
correlates it by ``control/controlid``.

Policies are set up per sender ID (in Intacct, by Sage support); the sandbox's admin API
and CLI add them. An unknown policy, or one of another sender, is refused with
``XL03000006`` "<id> is not a valid transport policy.". Requests over 500,000 characters
are refused, as the real service does.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from intacct_bridge.sandbox.gateway import Gateway

log = logging.getLogger("intacct_bridge.sandbox.async")

MAX_ASYNC_CHARACTERS = 500_000
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class TransportPolicy:
    """Where the responses of a sender's asynchronous requests are posted."""

    policy_id: str
    sender_id: str
    response_url: str


@dataclass
class AsyncDelivery:
    """One asynchronous request and the posting of its response."""

    control_id: str
    policy_id: str
    url: str
    status: str = "queued"
    attempts: int = 0
    http_status: int | None = None
    last_error: str = ""
    queued_at: str = ""
    finished_at: str = ""

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _now() -> str:
    return datetime.now(UTC).strftime("%m/%d/%Y %H:%M:%S")


@dataclass
class AsyncRunner:
    """Runs acknowledged requests on a background thread and posts their responses."""

    gateway: Gateway
    transport: httpx.BaseTransport | None = None
    backoff: float = 0.2
    log: list[AsyncDelivery] = field(default_factory=list)
    _queue: queue.Queue[tuple[bytes, str, TransportPolicy, AsyncDelivery]] = field(
        default_factory=queue.Queue
    )
    _thread: threading.Thread | None = None
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _pending: int = 0

    def submit(self, body: bytes, endpoint: str, policy: TransportPolicy, control_id: str) -> None:
        delivery = AsyncDelivery(
            control_id, policy.policy_id, policy.response_url, queued_at=_now()
        )
        with self._lock:
            self.log.append(delivery)
            self._pending += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="async-requests", daemon=True
                )
                self._thread.start()
        self._queue.put((body, endpoint, policy, delivery))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(remaining)
        return True

    def _run(self) -> None:
        with httpx.Client(transport=self.transport) as client:
            while True:
                body, endpoint, _policy, delivery = self._queue.get()
                try:
                    reply = self.gateway.handle(body, endpoint=endpoint, offline=True)
                    self._post(client, delivery, reply.body)
                except Exception as exc:  # never let the thread die
                    delivery.status = "failed"
                    delivery.last_error = f"{type(exc).__name__}: {exc}"
                    log.exception("asynchronous request %s failed", delivery.control_id)
                finally:
                    with self._lock:
                        self._pending -= 1
                        self._lock.notify_all()

    def _post(self, client: httpx.Client, delivery: AsyncDelivery, payload: bytes) -> None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            delivery.attempts = attempt
            try:
                response = client.post(
                    delivery.url,
                    content=payload,
                    headers={"content-type": "text/xml; charset=UTF-8"},
                    timeout=10,
                )
                delivery.http_status = response.status_code
                if response.status_code < 400:
                    delivery.status = "delivered"
                    delivery.finished_at = _now()
                    return
                delivery.last_error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                delivery.last_error = f"{type(exc).__name__}: {exc}"
            if attempt < MAX_ATTEMPTS:
                time.sleep(self.backoff * 2 ** (attempt - 1))
        delivery.status = "failed"
        delivery.finished_at = _now()
