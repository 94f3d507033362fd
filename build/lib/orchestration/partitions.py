"""Partition definitions shared by every asset."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import dagster as dg


def hourly_partitions(start: datetime) -> dg.HourlyPartitionsDefinition:
    """Hourly UTC partitions; the current hour is included (end_offset=1).

    Partition H holds the scrape taken during [H, H+1), so the hourly schedule scrapes the hour
    it runs in and a snapshot's observations fall inside its own partition.
    """
    return dg.HourlyPartitionsDefinition(start_date=start.strftime("%Y-%m-%d-%H:%M"), timezone="UTC", end_offset=1)


def hours_in_window(window: dg.TimeWindow) -> Iterator[datetime]:
    """Start of every hour in a partition time window, in order."""
    hour = window.start.astimezone(UTC)
    end = window.end.astimezone(UTC)
    while hour < end:
        yield hour
        hour += timedelta(hours=1)


def daily_partitions(start: datetime) -> dg.DailyPartitionsDefinition:
    """Daily UTC partitions; today is included (end_offset=1), like the hourly ones."""
    return dg.DailyPartitionsDefinition(start_date=start.strftime("%Y-%m-%d"), timezone="UTC", end_offset=1)


def partition_starts(window: dg.TimeWindow, partitions_def: dg.TimeWindowPartitionsDefinition) -> Iterator[datetime]:
    """Start of every partition of ``partitions_def`` in a run's time window (hourly or daily)."""
    for key in partitions_def.get_partition_keys_in_time_window(window):
        yield partitions_def.time_window_for_partition_key(key).start.astimezone(UTC)
