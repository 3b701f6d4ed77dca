"""Per-company concurrency limits shared by every client in a process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

#: Intacct's Tier 1 allows two concurrent requests per company (3rd-party guides).
DEFAULT_SLOTS = 2


@dataclass
class CompanyLimiter:
    """At most ``slots`` requests in flight per Intacct company.

    Share one limiter between all clients of a process (workers of many tenants);
    each company gets its own semaphore, created on first use.
    """

    slots: int = DEFAULT_SLOTS
    per_company: dict[str, int] = field(default_factory=dict)
    _semaphores: dict[tuple[int, str], asyncio.Semaphore] = field(default_factory=dict)
    in_flight: dict[str, int] = field(default_factory=dict)
    peak: dict[str, int] = field(default_factory=dict)

    def _semaphore(self, company_id: str) -> asyncio.Semaphore:
        key = (id(asyncio.get_running_loop()), company_id.lower())
        semaphore = self._semaphores.get(key)
        if semaphore is None:
            semaphore = asyncio.Semaphore(self.per_company.get(company_id, self.slots))
            self._semaphores[key] = semaphore
        return semaphore

    @asynccontextmanager
    async def slot(self, company_id: str) -> AsyncIterator[None]:
        async with self._semaphore(company_id):
            count = self.in_flight.get(company_id, 0) + 1
            self.in_flight[company_id] = count
            self.peak[company_id] = max(self.peak.get(company_id, 0), count)
            try:
                yield
            finally:
                self.in_flight[company_id] -= 1
