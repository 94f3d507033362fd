"""The one HTTP client: every connector's GETs and the alert channels' POSTs, with a per-host rate
limit and the shared retry loop (``retry.py``)."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from orchestration.clock import utc_now
from orchestration.formats.responses import FetchedResponse
from orchestration.sources.retry import (
    RETRYABLE_STATUSES,
    HostRateLimiter,
    RetryableFailure,
    RetryPolicy,
    call_with_retries,
    parse_retry_after,
)

USER_AGENT = "CommerceRadar/0.1 (+https://github.com/commerce-radar; market research)"


@dataclass
class RequestStats:
    requests: int = 0
    retries: int = 0
    bytes: int = 0
    waited_seconds: float = 0.0


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

    def slow_down(self, host: str, interval_seconds: float) -> None:
        """A stricter interval for one host (robots.txt ``Crawl-delay``)."""
        self._limiter.slow_down(host.lower(), interval_seconds)

    def get(self, url: str, params: Mapping[str, str | int] | None = None) -> FetchedResponse:
        host = urlsplit(url).netloc.lower()

        def wait_for_slot() -> None:
            self.stats.waited_seconds += self._limiter.wait(host)

        def attempt(number: int) -> FetchedResponse:
            self.stats.requests += 1
            try:
                response = self._client.get(url, params=params)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                raise RetryableFailure(f"{type(error).__name__}: {error}") from None
            if response.status_code in RETRYABLE_STATUSES:
                raise RetryableFailure(describe_retryable_status(response.status_code, response.headers, response.content),
                                       parse_retry_after(response.headers.get("retry-after")))
            self.stats.bytes += len(response.content)
            return FetchedResponse(
                url=str(response.url),
                status=response.status_code,
                content_type=response.headers.get("content-type", ""),
                body=response.content,
                fetched_at=utc_now(),
                attempts=number,
                headers=dict(response.headers),
            )

        def count_retry(failure: str, delay: float, next_attempt: int) -> None:
            self.stats.retries += 1
            self.stats.waited_seconds += delay

        return call_with_retries(attempt, what=f"GET {httpx.URL(url, params=params)}", policy=self.policy,
                                 rng=self._rng, before_attempt=wait_for_slot, on_retry=count_retry,
                                 clock=self._clock, sleep=self._sleep)


    def post_json(self, url: str, body: object, *, headers: Mapping[str, str] | None = None,
                  what: str) -> httpx.Response:
        """POST ``body`` as JSON with the same rate limit and retry loop as :meth:`get`. ``what``
        names the request in errors instead of the URL, which may hold a secret (a webhook token).

        Returns the first non-retryable response, 2xx or not; the caller decides what a 4xx means.
        """
        host = urlsplit(url).netloc.lower()

        def wait_for_slot() -> None:
            self.stats.waited_seconds += self._limiter.wait(host)

        def attempt(number: int) -> httpx.Response:
            self.stats.requests += 1
            try:
                response = self._client.post(url, json=body, headers=headers)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                raise RetryableFailure(redact(f"{type(error).__name__}: {error}", url)) from None
            if response.status_code in RETRYABLE_STATUSES:
                raise RetryableFailure(describe_retryable_status(response.status_code, response.headers, response.content),
                                       parse_retry_after(response.headers.get("retry-after")))
            return response

        def count_retry(failure: str, delay: float, next_attempt: int) -> None:
            self.stats.retries += 1
            self.stats.waited_seconds += delay

        return call_with_retries(attempt, what=what, policy=self.policy, rng=self._rng, before_attempt=wait_for_slot,
                                 on_retry=count_retry, clock=self._clock, sleep=self._sleep)


def redact(text: str, url: str) -> str:
    """``text`` without ``url`` or its path and query (where webhook tokens live)."""
    parts = urlsplit(url)
    for secret in (url, parts.path + (f"?{parts.query}" if parts.query else ""), parts.query):
        if secret and secret != "/":
            text = text.replace(secret, "<redacted>")
    return text


_CLOUDFLARE_CODE = re.compile(rb'(?:error[ _]code["\s:]*|Error\s+)(1\d{3})\b', re.IGNORECASE)
CLOUDFLARE_BLOCKS = {"1015": "rate limited by Cloudflare", "1020": "access denied by a Cloudflare firewall rule",
                     "1010": "the client's browser signature banned by Cloudflare"}


def describe_retryable_status(status: int, headers: Mapping[str, str], body: bytes) -> str:
    """``HTTP 429``, or, when Cloudflare's edge answered, which block it was: error 1015 is
    Cloudflare rate-limiting this client, not the shop's own server saying so."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if "cf-ray" not in lowered and "cloudflare" not in lowered.get("server", "").lower():
        return f"HTTP {status}"
    match = _CLOUDFLARE_CODE.search(body[:4000])
    if match:
        code = match.group(1).decode()
        kind = f"{CLOUDFLARE_BLOCKS.get(code, 'blocked by Cloudflare')} (error {code})"
    else:
        kind = "answered by Cloudflare's edge"
    ray = f", ray {lowered['cf-ray']}" if "cf-ray" in lowered else ""
    return f"HTTP {status}: {kind}{ray}"
