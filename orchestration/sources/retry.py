"""The one retry loop: HTTP requests and browser navigations give up the same way.

Capped attempts and total time, full-jitter exponential backoff, Retry-After honoured, and a
per-host rate limit in front of every attempt.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from orchestration.clock import utc_now

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
T = TypeVar("T")


class SourceUnavailableError(RuntimeError):
    """A source kept failing past the retry cap; the partition must fail, not record zero rows."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    max_total_seconds: float = 90.0
    backoff_base_seconds: float = 0.5
    backoff_max_seconds: float = 30.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: uniform over [0, base * 2^attempt], capped."""
        ceiling = min(self.backoff_max_seconds, self.backoff_base_seconds * (2**attempt))
        return rng.uniform(0, ceiling)

    def next_delay(self, attempt: int, retry_after: float | None, elapsed: float, rng: random.Random) -> tuple[float | None, str]:
        """Seconds to wait before attempt ``attempt + 1``, or (None, why) when the cap says stop.

        Shared by the HTTP client and the browser connector, so both give up the same way.
        """
        if attempt >= self.max_attempts:
            return None, ""
        delay = retry_after if retry_after is not None else self.backoff(attempt, rng)
        if elapsed + delay > self.max_total_seconds:
            return None, f" (next wait of {delay:.1f}s would pass the {self.max_total_seconds:.0f}s cap)"
        return delay, ""


class HostRateLimiter:
    """Spaces requests to one host at least ``1 / rate`` seconds apart, across threads."""

    def __init__(self, rate_per_second: float, clock: Callable[[], float], sleep: Callable[[float], None]):
        self._interval = 1.0 / rate_per_second
        self._host_intervals: dict[str, float] = {}
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def slow_down(self, host: str, interval_seconds: float) -> None:
        """Space requests to ``host`` at least ``interval_seconds`` apart (never faster than the rate)."""
        with self._lock:
            self._host_intervals[host] = max(interval_seconds, self._interval)

    def wait(self, host: str) -> float:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self._host_intervals.get(host, self._interval)
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or utc_now()
    return max(0.0, (when - now).total_seconds())


class RetryableFailure(Exception):
    """One attempt failed in a way a later one may not: 429, 5xx, a timeout, a dropped connection."""

    def __init__(self, failure: str, retry_after: float | None = None):
        super().__init__(failure)
        self.failure = failure
        self.retry_after = retry_after


def call_with_retries(
    attempt: Callable[[int], T],
    *,
    what: str,
    policy: RetryPolicy,
    rng: random.Random,
    before_attempt: Callable[[], None] = lambda: None,
    on_retry: Callable[[str, float, int], None] = lambda failure, delay, next_attempt: None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``attempt(number)`` until it returns, retrying on :class:`RetryableFailure` within ``policy``.

    Any other exception propagates at once (it is not a transient failure). Past the cap this
    raises :class:`SourceUnavailableError` naming ``what``, the attempts and the last failure.
    """
    started = clock()
    last_failure = "no attempt made"
    number = 0
    for number in range(1, policy.max_attempts + 1):
        before_attempt()
        try:
            return attempt(number)
        except RetryableFailure as failure:
            last_failure, retry_after = failure.failure, failure.retry_after
        delay, why_not = policy.next_delay(number, retry_after, clock() - started, rng)
        if delay is None:
            last_failure += why_not
            break
        on_retry(last_failure, delay, number + 1)
        sleep(delay)
    raise SourceUnavailableError(
        f"{what} failed after {number} attempt(s) in {clock() - started:.1f}s; last failure: {last_failure}"
    )
