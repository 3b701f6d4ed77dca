"""The sign-in rate limit: a few failures per user name and client address, then a wait.

In memory, per process: enough to slow password guessing to a crawl (5 guesses per
15 minutes per name and address by default). Memory is bounded: at most ``max_entries``
(name, address) pairs are tracked; the stalest are forgotten first. Each worker process
counts on its own, so with N workers a guesser gets at most N times the allowance.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict, deque
from collections.abc import Callable

from intacct_bridge.auth.errors import LoginThrottledError

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LoginRateLimiter:
    """Counts failed sign-ins per (user name, client address) in a sliding window."""

    def __init__(
        self,
        *,
        max_failures: int = 5,
        window: dt.timedelta = dt.timedelta(minutes=15),
        max_entries: int = 10_000,
        clock: Clock = utc_now,
    ) -> None:
        if max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        self.max_failures = max_failures
        self.window = window
        self.max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[tuple[str, str], deque[dt.datetime]] = OrderedDict()

    @staticmethod
    def _key(user: str, client: str | None) -> tuple[str, str]:
        return (user.strip().casefold()[:200], client or "?")

    def check(self, user: str, client: str | None) -> None:
        """Raise :class:`LoginThrottledError` while this pair has used up its failures."""
        now = self._clock()
        with self._lock:
            times = self._recent(self._key(user, client), now)
            if times is not None and len(times) >= self.max_failures:
                wait = (times[0] + self.window - now).total_seconds()
                raise LoginThrottledError(math.ceil(wait))

    def failed(self, user: str, client: str | None) -> None:
        """Count one failed sign-in."""
        now = self._clock()
        key = self._key(user, client)
        with self._lock:
            times = self._recent(key, now)
            if times is None:
                times = deque(maxlen=self.max_failures)
                self._failures[key] = times
            times.append(now)
            self._failures.move_to_end(key)
            while len(self._failures) > self.max_entries:
                self._failures.popitem(last=False)

    def succeeded(self, user: str, client: str | None) -> None:
        """Forget the pair's failures after a good sign-in."""
        with self._lock:
            self._failures.pop(self._key(user, client), None)

    def _recent(self, key: tuple[str, str], now: dt.datetime) -> deque[dt.datetime] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] + self.window <= now:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times
