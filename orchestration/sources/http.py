"""The one HTTP client every connector uses: per-host rate limit and capped, jittered retries."""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from orchestration.clock import utc_now
from orchestration.formats.responses import FetchedResponse

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "CommerceRadar/0.1 (+https://github.com/commerce-radar; market research)"


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


@dataclass
class RequestStats:
    requests: int = 0
    retries: int = 0
    bytes: int = 0
    waited_seconds: float = 0.0


class HostRateLimiter:
    """Spaces requests to one host at least ``1 / rate`` seconds apart, across threads."""

    def __init__(self, rate_per_second: float, clock: Callable[[], float], sleep: Callable[[float], None]):
        self._interval = 1.0 / rate_per_second
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def wait(self, host: str) -> float:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self._interval
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


class PoliteHttpClient:
    """GET with a per-host rate limit and retries on 429, 5xx, timeouts and connection drops.

    Honours Retry-After. Gives up after ``policy.max_attempts`` or ``policy.max_total_seconds``
    with :class:`SourceUnavailableError` naming the URL, the attempts and the last failure.
    """

    def __init__(
        self,
        rate_limit_per_second: float,
        *,
        policy: RetryPolicy | None = None,
        timeout_seconds: float = 20.0,
        headers: Mapping[str, str] | None = None,
        proxy: str | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        seed: int | None = None,
    ):
        self.policy = policy or RetryPolicy()
        self.stats = RequestStats()
        self._clock = clock
        self._sleep = sleep
        self._rng = random.Random(seed)
        self._limiter = HostRateLimiter(rate_limit_per_second, clock, sleep)
        self._client = httpx.Client(
            timeout=timeout_seconds,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            follow_redirects=True,
            proxy=proxy,
            transport=transport,
        )

    def __enter__(self) -> PoliteHttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, params: Mapping[str, str | int] | None = None) -> FetchedResponse:
        host = urlsplit(url).netloc.lower()
        started = self._clock()
        last_failure = "no attempt made"
        for attempt in range(1, self.policy.max_attempts + 1):
            self.stats.waited_seconds += self._limiter.wait(host)
            self.stats.requests += 1
            retry_after: float | None = None
            try:
                response = self._client.get(url, params=params)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                last_failure = f"{type(error).__name__}: {error}"
            else:
                if response.status_code not in RETRYABLE_STATUSES:
                    self.stats.bytes += len(response.content)
                    return FetchedResponse(
                        url=str(response.url),
                        status=response.status_code,
                        content_type=response.headers.get("content-type", ""),
                        body=response.content,
                        fetched_at=utc_now(),
                        attempts=attempt,
                        headers=dict(response.headers),
                    )
                last_failure = f"HTTP {response.status_code}"
                retry_after = parse_retry_after(response.headers.get("retry-after"))
            delay, why_not = self.policy.next_delay(attempt, retry_after, self._clock() - started, self._rng)
            if delay is None:
                last_failure += why_not
                break
            self.stats.retries += 1
            self.stats.waited_seconds += delay
            self._sleep(delay)
        raise SourceUnavailableError(
            f"GET {httpx.URL(url, params=params)} failed after {attempt} attempt(s) in {self._clock() - started:.1f}s; "
            f"last failure: {last_failure}"
        )
