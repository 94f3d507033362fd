"""Sensors: stage each hour once its snapshots have landed."""

from datetime import datetime, timedelta

import dagster as dg

from orchestration.clock import ClockResource

# Past this point in the hour, stage whatever sources have landed; the GX row-count check
# decides whether a partial hour is good enough to build the marts.
STAGE_PARTIAL_AFTER = timedelta(minutes=50)
# A staging run that failed or died (run monitoring marks a dead one failed) is requested again,
# up to this many runs per hour; past it the hour waits for an operator.
MAX_STAGING_ATTEMPTS = 3
ENDED_BADLY = [dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


def _materialized(instance: dg.DagsterInstance, key: dg.AssetKey, partition: str) -> bool:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition]), limit=1)
    return bool(records.records)


def hour_ready_to_stage(instance: dg.DagsterInstance, snapshot_keys: list[dg.AssetKey], partition: str,
                        hour_start: datetime, now: datetime) -> tuple[bool, str]:
    landed = [key for key in snapshot_keys if _materialized(instance, key, partition)]
    if len(landed) == len(snapshot_keys):
        return True, f"all {len(landed)} sources landed"
    if landed and now >= hour_start + STAGE_PARTIAL_AFTER:
        missing = sorted(key.to_user_string() for key in set(snapshot_keys) - set(landed))
        return True, f"{len(landed)}/{len(snapshot_keys)} sources landed by :50; missing {', '.join(missing)}"
    return False, f"{len(landed)}/{len(snapshot_keys)} sources landed for {partition}"


def staging_run_key(instance: dg.DagsterInstance, job_name: str, partition: str) -> str | None:
    """The run key of the hour's next staging attempt: ``stage:<hour>`` first, then
    ``stage:<hour>:attempt-<n>`` after each failed or dead run; None once the attempts are spent."""
    failed = instance.get_runs_count(dg.RunsFilter(job_name=job_name, statuses=ENDED_BADLY,
                                                   tags={"dagster/partition": partition}))
    if failed >= MAX_STAGING_ATTEMPTS:
        return None
    return f"stage:{partition}" if failed == 0 else f"stage:{partition}:attempt-{failed + 1}"


def build_stage_products_sensor(job, partitions_def: dg.TimeWindowPartitionsDefinition,
                                snapshot_keys: list[dg.AssetKey]) -> dg.SensorDefinition:
    @dg.sensor(
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Stage the current hour (staging, GX gate, dbt) once every source's snapshot has landed, "
                    "or at :50 with the sources that did. One run per hour (run key); a run that failed or died "
                    f"is requested again, up to {MAX_STAGING_ATTEMPTS} runs per hour.",
    )
    def stage_products_sensor(context: dg.SensorEvaluationContext, clock: ClockResource):
        now = clock.now()
        for hour_start in (now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1),
                           now.replace(minute=0, second=0, microsecond=0)):
            partition = partitions_def.get_partition_key_for_timestamp(hour_start.timestamp())
            # The previous hour is past :50 by definition, so a late source still gets staged once.
            ready, reason = hour_ready_to_stage(context.instance, snapshot_keys, partition, hour_start, now)
            if not ready:
                context.log.info(reason)
                continue
            run_key = staging_run_key(context.instance, job.name, partition)
            if run_key is None:
                context.log.warning(f"{partition}: {MAX_STAGING_ATTEMPTS} staging runs failed; not requesting another "
                                    "(fix the cause, then re-materialize staged_products for the hour)")
                continue
            yield dg.RunRequest(run_key=run_key, partition_key=partition, tags={"radar/trigger": reason})

    return stage_products_sensor
