"""The sign-in throttle on its own: window, reset, memory bound."""

from __future__ import annotations

import pytest

from intacct_bridge.auth.errors import LoginThrottledError
from intacct_bridge.auth.ratelimit import LoginRateLimiter
from tests.auth.conftest import FakeClock


def test_the_limit_is_exact_and_the_window_slides(clock: FakeClock) -> None:
    limiter = LoginRateLimiter(max_failures=5, clock=clock)
    for _ in range(4):
        limiter.failed("alice", "1.2.3.4")
        clock.advance(minutes=1)
    limiter.check("alice", "1.2.3.4")  # 4 failures: still allowed
    limiter.failed("alice", "1.2.3.4")
    with pytest.raises(LoginThrottledError) as caught:
        limiter.check("Alice", "1.2.3.4")  # names are case-insensitive
    # the oldest failure leaves the window 15 min after it happened (4 min ago)
    assert caught.value.retry_after == 11 * 60
    clock.advance(minutes=11, seconds=-1)
    with pytest.raises(LoginThrottledError):
        limiter.check("alice", "1.2.3.4")
    clock.advance(seconds=1)
    limiter.check("alice", "1.2.3.4")  # the first failure has left the window


def test_success_forgets_the_failures(clock: FakeClock) -> None:
    limiter = LoginRateLimiter(max_failures=2, clock=clock)
    limiter.failed("alice", "1.2.3.4")
    limiter.succeeded("alice", "1.2.3.4")
    limiter.failed("alice", "1.2.3.4")
    limiter.check("alice", "1.2.3.4")


def test_memory_is_bounded(clock: FakeClock) -> None:
    limiter = LoginRateLimiter(max_failures=1, max_entries=100, clock=clock)
    for number in range(1000):
        limiter.failed(f"user{number}", "1.2.3.4")
    assert len(limiter._failures) == 100
    limiter.check("user0", "1.2.3.4")  # forgotten: the stalest go first
    with pytest.raises(LoginThrottledError):
        limiter.check("user999", "1.2.3.4")
