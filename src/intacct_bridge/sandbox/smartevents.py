"""Smart Events: installed by packages, fired on add / set / delete, delivered by HTTP.

* :func:`install_packages` puts a package's smart links into a company (all or nothing;
  re-importing a package with the same name replaces its links).
* :func:`collect` is called by the write path for each changed record; it evaluates each
  matching workflow link's condition and merge fields *at the time of the change* and
  returns the deliveries. They are queued only once the change is committed, so a
  rolled-back transaction fires nothing.
* :class:`Dispatcher` delivers on a background thread — the API call that triggered an
  event is never slowed or failed by it — retrying a bounded number of times, and records
  every attempt in the company's delivery log (visible through the admin API).

HTTP posts are sent form-encoded (``application/x-www-form-urlencoded``); ``get`` puts
the arguments in the query string *(inferred: Intacct does not document the encoding)*.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import httpx

from intacct_bridge.sandbox.conditions import ConditionError, evaluate, merge
from intacct_bridge.sandbox.delivery import Worker, now_text, send_with_retries
from intacct_bridge.sandbox.packages import Package, SmartLink

if TYPE_CHECKING:
    from intacct_bridge.sandbox.context import Context
    from intacct_bridge.sandbox.schema import ObjectType
    from intacct_bridge.sandbox.store import Record
    from intacct_bridge.sandbox.tenancy import Company

log = logging.getLogger("intacct_bridge.sandbox.smartevents")

MAX_ATTEMPTS = 3
DEFAULT_TIMEOUT = 5.0
LOG_LIMIT = 10_000


@dataclass
class Delivery:
    """One Smart Event firing and its delivery outcome."""

    delivery_id: int
    company_id: str
    smart_link_id: str
    topic: str
    object_name: str
    object_key: str
    url: str
    method: str
    payload: tuple[tuple[str, str], ...]
    timeout: float
    status: str = "queued"
    attempts: int = 0
    http_status: int | None = None
    last_error: str = ""
    created_at: str = ""
    finished_at: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.delivery_id,
            "smart_link_id": self.smart_link_id,
            "topic": self.topic,
            "object": self.object_name,
            "object_key": self.object_key,
            "url": self.url,
            "method": self.method,
            "payload": dict(self.payload),
            "status": self.status,
            "attempts": self.attempts,
            "http_status": self.http_status,
            "last_error": self.last_error,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
        }


@dataclass
class PlatformState:
    """A company's installed packages, smart links and delivery log."""

    packages: dict[str, Package] = field(default_factory=dict)
    smart_links: dict[str, SmartLink] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    #: Fired but not delivered, or failed (the log of the Intacct "smarteventlog").
    next_id: int = 1


def install_packages(company: Company, packages: list[Package]) -> list[str]:
    """Install ``packages`` into ``company``; returns the smart link IDs installed."""
    platform = company.platform
    incoming: dict[str, SmartLink] = {}
    for package in packages:
        for link in package.smart_links:
            if link.smart_link_id not in platform.smart_links:
                incoming[link.smart_link_id] = link
                continue
            installed_by = next(
                (
                    p.name
                    for p in platform.packages.values()
                    if any(x.smart_link_id == link.smart_link_id for x in p.smart_links)
                ),
                None,
            )
            if installed_by != package.name:
                from intacct_bridge.sandbox.packages import PackageError

                raise PackageError(
                    f"smartLinkId {link.smart_link_id} already exists in company "
                    f"{company.company_id} (installed by another package)."
                )
            incoming[link.smart_link_id] = link
    for package in packages:
        previous = platform.packages.pop(package.name, None)
        if previous is not None:
            for link in previous.smart_links:
                platform.smart_links.pop(link.smart_link_id, None)
        platform.packages[package.name] = package
    platform.smart_links.update(incoming)
    return sorted(incoming)


def collect(
    company: Company,
    object_name: str,
    event: str,
    lookup: Callable[[str], str],
    object_key: str,
) -> list[Delivery]:
    """The deliveries that a change of ``object_name`` fires (not yet queued)."""
    platform = company.platform
    owner = object_name.lower()
    out: list[Delivery] = []
    for link in platform.smart_links.values():
        if not link.active or link.type != "workflow" or link.owner_object != owner:
            continue
        if event not in link.events:
            continue

        def merge_lookup(obj: str, path: str, _object: str = object_name) -> str:
            return lookup(path) if obj == _object.upper() else ""

        try:
            if not evaluate(link.condition, merge_lookup):
                continue
        except ConditionError as exc:
            log.warning("Smart Event %s condition failed: %s", link.smart_link_id, exc)
            continue
        if link.action != "http" or link.http_post is None:
            continue  # email/log/api actions are recorded nowhere else in the sandbox
        payload = tuple(
            (name, merge(value, merge_lookup)) for name, value in link.http_post.arguments
        )
        out.append(
            Delivery(
                delivery_id=0,
                company_id=company.company_id,
                smart_link_id=link.smart_link_id,
                topic=f"{event.upper()}_{object_name.upper()}",
                object_name=object_name.upper(),
                object_key=object_key,
                url=merge(link.target, merge_lookup),
                method=link.http_post.method,
                payload=payload,
                timeout=float(link.http_post.timeout or DEFAULT_TIMEOUT),
            )
        )
    return out


class Dispatcher:
    """Delivers Smart Event posts on one background worker, with bounded retries."""

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        max_attempts: int = MAX_ATTEMPTS,
        backoff: float = 0.2,
    ) -> None:
        self.max_attempts = max_attempts
        self.backoff = backoff
        self._worker = Worker("smart-events", transport)
        self._lock = threading.Lock()

    def submit(self, company: Company, deliveries: list[Delivery]) -> None:
        """Log and queue ``deliveries`` (called after the change is committed)."""
        if not deliveries:
            return
        platform = company.platform
        with self._lock:
            for delivery in deliveries:
                delivery.delivery_id = platform.next_id
                platform.next_id += 1
                delivery.created_at = now_text()
                platform.deliveries.append(delivery)
            del platform.deliveries[:-LOG_LIMIT]
        for delivery in deliveries:
            self._worker.submit(partial(self._deliver, delivery=delivery))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every queued delivery is finished (for tests and shutdown)."""
        return self._worker.wait_idle(timeout)

    def _deliver(self, client: httpx.Client, delivery: Delivery) -> None:
        data = dict(delivery.payload)

        def send(client: httpx.Client) -> httpx.Response:
            if delivery.method == "get":
                return client.get(delivery.url, params=data, timeout=delivery.timeout)
            return client.post(delivery.url, data=data, timeout=delivery.timeout)

        send_with_retries(
            client, delivery, send, max_attempts=self.max_attempts, backoff=self.backoff
        )


def fire(ctx: Context, otype: ObjectType, event: str, record: Record) -> None:
    """Fire the Smart Events of ``event`` (add/set/delete) for ``record``.

    Merge fields are read now (the record as changed); the deliveries are queued only
    when the change commits.
    """
    company = ctx.company
    if not company.platform.smart_links:
        return
    from intacct_bridge.sandbox.records import value_of

    deliveries = collect(
        company,
        otype.name,
        event,
        lambda path: value_of(ctx, otype, record, path),
        str(record.recordno),
    )
    if deliveries:
        dispatcher = ctx.backend.dispatcher()
        company.data.after_commit(lambda: dispatcher.submit(company, deliveries))
