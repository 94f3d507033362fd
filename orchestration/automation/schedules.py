"""Schedules: scrape every product source once an hour, each in its own run."""

from collections.abc import Iterator, Sequence
from datetime import UTC, timedelta

import dagster as dg

# When the schedules fire, past the start of the hour (products) and of the UTC day (creators).
SNAPSHOT_MINUTE = timedelta(minutes=5)
CREATOR_SEARCH_TIME = timedelta(hours=1, minutes=20)


def _cron(offset: timedelta, hourly: bool) -> str:
    minutes = offset.seconds // 60
    return f"{minutes % 60} * * * *" if hourly else f"{minutes % 60} {minutes // 60} * * *"


def build_hourly_snapshot_schedule(job, partitions_def: dg.TimeWindowPartitionsDefinition,
                                   snapshot_keys: Sequence[dg.AssetKey]) -> dg.ScheduleDefinition:
    @dg.schedule(
        job=job,
        cron_schedule=_cron(SNAPSHOT_MINUTE, hourly=True),
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="At :05, scrape every product source for the current hour, one run per source so "
                    "one shop's failure or retries never hold up another. stage_products_sensor stages the hour.",
    )
    def hourly_snapshot_schedule(context: dg.ScheduleEvaluationContext) -> Iterator[dg.RunRequest]:
        # The partition is the hour the schedule fires in: a scrape shows the market now.
        tick = context.scheduled_execution_time.astimezone(UTC)
        partition_key = partitions_def.get_partition_key_for_timestamp(tick.timestamp())
        for key in snapshot_keys:
            yield dg.RunRequest(run_key=f"{key.to_user_string()}:{partition_key}", partition_key=partition_key,
                                asset_selection=[key], tags={"radar/source_asset": key.to_user_string()})

    return hourly_snapshot_schedule


def build_daily_creators_schedule(job, partitions_def: dg.TimeWindowPartitionsDefinition) -> dg.ScheduleDefinition:
    @dg.schedule(
        job=job,
        cron_schedule=_cron(CREATOR_SEARCH_TIME, hourly=False),
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="At 01:20 UTC, search TikHub for the day's creators, stage them and gate them (one run).",
    )
    def daily_creators_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        tick = context.scheduled_execution_time.astimezone(UTC)
        partition_key = partitions_def.get_partition_key_for_timestamp(tick.timestamp())
        return dg.RunRequest(run_key=f"creators:{partition_key}", partition_key=partition_key)

    return daily_creators_schedule


def build_daily_report_schedule(job, partitions_def: dg.TimeWindowPartitionsDefinition) -> dg.ScheduleDefinition:
    @dg.schedule(
        job=job,
        cron_schedule="40 0 * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="At 00:40 UTC, after the last hour of the day has been staged, write yesterday's market report.",
    )
    def daily_report_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        yesterday = context.scheduled_execution_time.astimezone(UTC) - timedelta(days=1)
        partition_key = partitions_def.get_partition_key_for_timestamp(yesterday.timestamp())
        return dg.RunRequest(run_key=f"report:{partition_key}", partition_key=partition_key)

    return daily_report_schedule
