"""The alert outbox (``alerts.outbox``): detection inserts, delivery claims and marks.

Exactly once, as far as a network allows: a row is inserted once per dedupe key, claimed by one
delivery run at a time (``for update skip locked`` and a lease), and marked delivered only after
a 2xx. A run that dies between its POST and the mark leaves the lease to expire; the next run
sends the same row again with the same ``Idempotency-Key``, so a receiver that honours the
header drops the repeat.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb

from orchestration.alerts.messages import AlertMessage


@dataclass(frozen=True)
class OutboxRow:
    alert_id: int
    dedupe_key: str
    channel_name: str
    attempts: int
    message: AlertMessage


def enqueue(connection, alerts: Sequence[tuple[AlertMessage, str]], partition_key: str | None) -> int:
    """Insert ``(message, channel name)`` pairs; an alert already in the outbox is left as it is.
    Returns how many were new."""
    inserted = 0
    with connection.cursor() as cursor:
        for message, channel in alerts:
            cursor.execute(
                "insert into alerts.outbox (dedupe_key, rule_name, kind, channel_name, subject_key, event_at, "
                "partition_key, message) values (%s, %s, %s, %s, %s, %s, %s, %s) on conflict (dedupe_key) do nothing",
                (message.key, message.rule, message.kind, channel, message.subject_key, message.event_at,
                 partition_key, Jsonb(message.to_json())))
            inserted += cursor.rowcount
    return inserted


def claim(connection, run_id: str, limit: int, lease_seconds: int) -> list[OutboxRow]:
    """Lease up to ``limit`` due rows to ``run_id`` and commit, so the POSTs happen outside any
    transaction; rows another live run holds are skipped, not waited for."""
    with connection.transaction():
        rows = connection.execute(
            """
            with due as (
                select alert_id from alerts.outbox
                where status = 'pending' and next_attempt_at <= now()
                  and (claimed_until is null or claimed_until < now())
                order by alert_id
                limit %s
                for update skip locked
            )
            update alerts.outbox as outbox
            set claimed_by = %s, claimed_until = now() + make_interval(secs => %s)
            from due where outbox.alert_id = due.alert_id
            returning outbox.alert_id, outbox.dedupe_key, outbox.channel_name, outbox.attempts, outbox.message
            """, (limit, run_id, lease_seconds)).fetchall()
    return [OutboxRow(alert_id, key, channel, attempts, AlertMessage.from_json(message))
            for alert_id, key, channel, attempts, message in sorted(rows)]


def mark_delivered(connection, row: OutboxRow, run_id: str, attempts: int, status: int) -> None:
    with connection.transaction():
        connection.execute(
            "update alerts.outbox set status = 'delivered', delivered_at = now(), attempts = attempts + %s, "
            "response_status = %s, last_error = null, claimed_until = null where alert_id = %s and claimed_by = %s",
            (attempts, status, row.alert_id, run_id))


def mark_failed(connection, row: OutboxRow, run_id: str, attempts: int, error: str, max_attempts: int,
                retry_in_seconds: float, status: int | None = None) -> str:
    """Record a failed delivery; past ``max_attempts`` the row is dead-lettered. Returns the new status."""
    with connection.transaction():
        (new_status,) = connection.execute(
            """
            update alerts.outbox
            set attempts = attempts + %(attempts)s,
                status = case when attempts + %(attempts)s >= %(max)s then 'dead' else 'pending' end,
                last_error = %(error)s, response_status = %(status)s, claimed_until = null,
                next_attempt_at = now() + make_interval(secs => %(retry)s)
            where alert_id = %(id)s and claimed_by = %(run)s
            returning status
            """, {"attempts": attempts, "max": max_attempts, "error": error[:2000], "status": status,
                  "retry": retry_in_seconds, "id": row.alert_id, "run": run_id}).fetchone()
    return new_status


@dataclass(frozen=True)
class DueBatch:
    alerts: int
    oldest: datetime | None
    run_key: str


def due_batch(connection) -> DueBatch | None:
    """The rows a delivery run would claim now, and a run key that changes whenever they do (new
    rows, attempts made, a lease taken over), so one batch launches one run."""
    rows = connection.execute(
        "select alert_id, attempts, coalesce(claimed_by, ''), detected_at from alerts.outbox "
        "where status = 'pending' and next_attempt_at <= now() and (claimed_until is null or claimed_until < now()) "
        "order by alert_id").fetchall()
    if not rows:
        return None
    digest = hashlib.sha256(json.dumps([row[:3] for row in rows]).encode()).hexdigest()[:16]
    return DueBatch(len(rows), min(row[3] for row in rows), f"deliver-alerts:{rows[-1][0]}:{digest}")


def delivery_counts(connection) -> dict[str, Any]:
    return dict(connection.execute("select status, count(*) from alerts.outbox group by status").fetchall())
