"""Schedules: keep the hourly product pipeline fresh."""


from datetime import UTC

import dagster as dg


def build_hourly_products_schedule(job,
                                   partitions_def: dg.TimeWindowPartitionsDefinition) -> dg.ScheduleDefinition:
    @dg.schedule(
        job=job,
        cron_schedule="5 * * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Scrape every product source at :05 and build that hour's staging, checks and dbt models.",
    )
    def hourly_products_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        # The partition is the hour the schedule fires in: the scrape shows the market now.
        tick = context.scheduled_execution_time.astimezone(UTC)
        partition_key = partitions_def.get_partition_key_for_timestamp(tick.timestamp())
        return dg.RunRequest(run_key=partition_key, partition_key=partition_key)

    return hourly_products_schedule
