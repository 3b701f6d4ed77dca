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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from intacct_bridge.sandbox.callbacks import masked
from intacct_bridge.sandbox.delivery import Worker, now_text, send_with_retries

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
        return {**self.__dict__, "url": masked(self.url)}


@dataclass
class AsyncRunner:
    """Runs acknowledged requests on a background worker and posts their responses."""

    gateway: Gateway
    transport: httpx.BaseTransport | None = None
    backoff: float = 0.2
    log: list[AsyncDelivery] = field(default_factory=list)
    _worker: Worker = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._worker = Worker("async-requests", self.transport)

    def submit(self, body: bytes, endpoint: str, policy: TransportPolicy, control_id: str) -> None:
        delivery = AsyncDelivery(
            control_id, policy.policy_id, policy.response_url, queued_at=now_text()
        )
        self.log.append(delivery)
        self._worker.submit(lambda client: self._run(client, body, endpoint, delivery))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        return self._worker.wait_idle(timeout)

    def _run(
        self, client: httpx.Client, body: bytes, endpoint: str, delivery: AsyncDelivery
    ) -> None:
        try:
            reply = self.gateway.handle(body, endpoint=endpoint, offline=True)
        except Exception as exc:
            delivery.status = "failed"
            delivery.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("asynchronous request %s failed", delivery.control_id)
            return

        def send(client: httpx.Client) -> httpx.Response:
            return client.post(
                delivery.url,
                content=reply.body,
                headers={"content-type": "text/xml; charset=UTF-8"},
                timeout=10,
            )

        send_with_retries(client, delivery, send, max_attempts=MAX_ATTEMPTS, backoff=self.backoff)
