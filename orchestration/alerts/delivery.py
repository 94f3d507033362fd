"""Delivery: claim due alerts, POST each to its channel, mark it delivered after a 2xx.

Retries use the project's one retry loop (``sources/retry.py``) through the one HTTP client: a
few attempts inside a run, then the row waits a backoff and a later run tries again, until
``max_attempts`` POSTs have failed and the row is dead-lettered with its last error.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from orchestration.alerts.messages import channel_body
from orchestration.alerts.outbox import OutboxRow, claim, mark_delivered, mark_failed
from orchestration.config.alerts import WHATSAPP_GRAPH_API, AlertChannel, Alerts
from orchestration.sources.http import PoliteHttpClient, redact
from orchestration.sources.retry import RetryPolicy, SourceUnavailableError

ATTEMPTS_PER_RUN = 3
CLAIM_LIMIT = 200


class ChannelNotConfigured(RuntimeError):
    """A channel's environment variable is missing: no POST is possible until someone sets it."""


@dataclass(frozen=True)
class ChannelRequest:
    url: str
    headers: dict[str, str]


def channel_request(channel: AlertChannel, environ: Mapping[str, str]) -> ChannelRequest:
    """Where and how to POST for ``channel``: URL and token read from the variables it names."""

    def variable(name: str | None, what: str) -> str:
        value = environ.get(name or "")
        if not value:
            raise ChannelNotConfigured(f"channel {channel.name}: environment variable {name} ({what}) is not set")
        return value

    if channel.kind == "whatsapp":
        root = (environ.get(channel.url_env) if channel.url_env else None) or WHATSAPP_GRAPH_API
        return ChannelRequest(f"{root.rstrip('/')}/{channel.phone_number_id}/messages",
                              {"Authorization": f"Bearer {variable(channel.token_env, 'access token')}"})
    return ChannelRequest(variable(channel.url_env, f"{channel.kind} URL"), {})


@dataclass
class DeliveryReport:
    claimed: int = 0
    delivered: list[OutboxRow] = field(default_factory=list)
    retrying: list[tuple[OutboxRow, str]] = field(default_factory=list)
    dead: list[tuple[OutboxRow, str]] = field(default_factory=list)


def deliver_due(connection, alerts: Alerts, run_id: str, *, environ: Mapping[str, str] | None = None,
                log: Callable[[str], None] = lambda _: None, rng: random.Random | None = None) -> DeliveryReport:
    """Claim the due alerts and deliver each once. Errors name the channel, never its URL."""
    environ = os.environ if environ is None else environ
    rng = rng or random.Random()
    report = DeliveryReport()
    rows = claim(connection, run_id, CLAIM_LIMIT, alerts.lease_seconds)
    report.claimed = len(rows)
    for row in rows:
        channel = alerts.channel(row.channel_name)
        attempts, status, error = 0, None, None
        try:
            if channel is None:
                raise ChannelNotConfigured(f"channel {row.channel_name} is no longer in the config")
            request = channel_request(channel, environ)
            remaining = max(1, alerts.max_attempts - row.attempts)
            policy = RetryPolicy(max_attempts=min(ATTEMPTS_PER_RUN, remaining),
                                 max_total_seconds=ATTEMPTS_PER_RUN * alerts.timeout_seconds + 15, backoff_base_seconds=0.5,
                                 backoff_max_seconds=5)
            with PoliteHttpClient(rate_limit_per_second=10, policy=policy, timeout_seconds=alerts.timeout_seconds,
                                  seed=rng.randrange(2**32)) as client:
                try:
                    response = client.post_json(
                        request.url, channel_body(row.message, channel),
                        headers={**request.headers, "Idempotency-Key": row.dedupe_key},
                        what=f"POST of alert {row.alert_id} to {channel.kind} channel {channel.name}")
                    status = response.status_code
                    if not 200 <= status < 300:
                        error = redact(f"HTTP {status}: {response.text[:300]}", request.url)
                finally:
                    attempts = client.stats.requests
        except (ChannelNotConfigured, SourceUnavailableError) as failure:
            error = str(failure)
        if error is None:
            mark_delivered(connection, row, run_id, attempts, status)
            report.delivered.append(row)
            log(f"alert {row.alert_id} ({row.message.rule}) delivered to {row.channel_name}")
            continue
        retry_in = RetryPolicy(backoff_base_seconds=30, backoff_max_seconds=3600).backoff(row.attempts + attempts, rng)
        state = mark_failed(connection, row, run_id, max(attempts, 1), error, alerts.max_attempts, retry_in, status)
        (report.dead if state == "dead" else report.retrying).append((row, error))
        log(f"alert {row.alert_id} ({row.message.rule}) to {row.channel_name}: {error}"
            + (" - dead-lettered" if state == "dead" else f" - next try in {retry_in:.0f}s"))
    return report
