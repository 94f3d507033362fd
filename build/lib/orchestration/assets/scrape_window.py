"""The scrape-window guard shared by every snapshot asset.

A scrape shows the source as it is now, so it may only be filed under the partition that is
current (plus a little slack for a queued run). Past partitions are replayed from the archive,
never re-scraped: a backfill that scraped today's prices into last month would forge history.
"""

from datetime import datetime, timedelta

import dagster as dg

from orchestration.clock import utc_now


def refuse_unless_current(action: str, window_start: datetime, window_length: timedelta, grace: timedelta,
                          replay: str) -> None:
    """Raise a non-retryable ``dg.Failure`` unless the run's clock is inside the window (or its grace)."""
    now = utc_now()
    if window_start <= now < window_start + window_length + grace:
        return
    window = (f"hour {window_start:%Y-%m-%d %H:00}" if window_length < timedelta(days=1)
              else f"day {window_start:%Y-%m-%d}")
    raise dg.Failure(
        f"refusing to {action} for {window} at {now:%Y-%m-%d %H:%M} UTC: a scrape shows the source as it is now, "
        f"so it can only be filed under the current partition. To rebuild a past one, {replay}.",
        allow_retries=False,
    )
