"""The one retry loop shared by the HTTP client and browser navigation."""

import random

import pytest

from orchestration.sources.http import describe_retryable_status
from orchestration.sources.retry import (
    RetryableFailure,
    RetryPolicy,
    SourceUnavailableError,
    call_with_retries,
)

FOUR_ATTEMPTS = RetryPolicy(max_attempts=4, max_total_seconds=100)


def run(outcomes, policy=FOUR_ATTEMPTS):
    """Feed ``outcomes`` (values or exceptions) to the loop with a fake clock; return (result, sleeps, attempts)."""
    sleeps, attempts, clock = [], [], [0.0]

    def attempt(number):
        attempts.append(number)
        outcome = outcomes[number - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def sleep(seconds):
        sleeps.append(seconds)
        clock[0] += seconds

    result = call_with_retries(attempt, what="GET https://shop.example/products.json", policy=policy,
                               rng=random.Random(7), clock=lambda: clock[0], sleep=sleep)
    return result, sleeps, attempts


def test_a_transient_failure_is_retried_and_retry_after_is_honoured():
    result, sleeps, attempts = run([RetryableFailure("HTTP 429", retry_after=3.0), "page"])
    assert (result, sleeps, attempts) == ("page", [3.0], [1, 2])


def test_backoff_without_retry_after_stays_under_the_jittered_ceiling():
    _, sleeps, _ = run([RetryableFailure("HTTP 503"), RetryableFailure("HTTP 503"), "page"])
    assert len(sleeps) == 2 and 0 <= sleeps[0] <= 1.0 and 0 <= sleeps[1] <= 2.0


def test_a_permanent_error_propagates_at_once():
    with pytest.raises(ValueError, match="proxy"):
        run([ValueError("dead proxy"), "page"])


def test_the_attempt_cap_names_what_failed_and_the_last_failure():
    with pytest.raises(SourceUnavailableError) as raised:
        run([RetryableFailure("HTTP 502")] * 4)
    assert str(raised.value).startswith("GET https://shop.example/products.json failed after 4 attempt(s)")
    assert str(raised.value).endswith("last failure: HTTP 502")


def test_the_time_cap_stops_before_a_wait_that_would_pass_it():
    policy = RetryPolicy(max_attempts=10, max_total_seconds=5)
    with pytest.raises(SourceUnavailableError, match=r"after 1 attempt\(s\).*next wait of 60.0s would pass the 5s cap"):
        run([RetryableFailure("HTTP 429", retry_after=60.0)] * 10, policy)


@pytest.mark.parametrize(("headers", "body", "expected"), [
    ({}, b"Too Many Requests", "HTTP 429"),
    ({"Server": "cloudflare", "CF-RAY": "8a1b2c3d4e5f-SIN"}, b"<title>Access denied | shop.example used Cloudflare to "
     b"restrict access</title><span>Error 1015</span> You are being rate limited",
     "HTTP 429: rate limited by Cloudflare (error 1015), ray 8a1b2c3d4e5f-SIN"),
    ({"cf-ray": "77-CGK"}, b'{"title": "Error 1015: You are being rate limited", "error_code": 1015}',
     "HTTP 429: rate limited by Cloudflare (error 1015), ray 77-CGK"),
    ({"server": "cloudflare"}, b"error code: 1020", "HTTP 429: access denied by a Cloudflare firewall rule (error 1020)"),
    ({"server": "cloudflare"}, b"<html>busy</html>", "HTTP 429: answered by Cloudflare's edge"),
])
def test_a_cloudflare_block_is_named_as_one(headers, body, expected):
    assert describe_retryable_status(429, headers, body) == expected
