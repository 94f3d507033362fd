"""Sensors that move alerts: one launches a delivery run per batch of due alerts, the other turns
failed runs into alerts (the configured run-failure channel, and source_unhealthy rules)."""


from datetime import UTC, datetime, timedelta

import dagster as dg
import psycopg

from orchestration.alerts.messages import AlertMessage
from orchestration.alerts.outbox import due_batch, enqueue
from orchestration.clock import ClockResource
from orchestration.config.alerts import Alerts
from orchestration.warehouse.postgres import WarehouseResource

ACTIVE = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
          dg.DagsterRunStatus.STARTED]


def build_alert_delivery_sensor(delivery_job: dg.JobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        job=delivery_job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Launch a delivery run when alerts are due in alerts.outbox: one run key per batch (the due "
                    "rows, their attempts and leases), and never while another delivery run is active.",
    )
    def alert_delivery_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
        if context.instance.get_runs_count(dg.RunsFilter(job_name=delivery_job.name, statuses=ACTIVE)):
            return dg.SkipReason("a delivery run is still active")
        try:
            with warehouse.connect() as connection:
                batch = due_batch(connection)
        except psycopg.errors.UndefinedTable:
            return dg.SkipReason("no alert outbox yet (created by the first staging run)")
        if batch is None:
            return dg.SkipReason("no alerts due")
        return dg.RunRequest(run_key=batch.run_key, tags={"radar/alerts_due": str(batch.alerts)})

    return alert_delivery_sensor


def run_failure_alerts(alerts: Alerts, run: dg.DagsterRun, error: str, failed_at: datetime, now: datetime,
                       staging_jobs: tuple[str, ...]) -> list[tuple[AlertMessage, str]]:
    """The alerts a failed run makes: one to ``run_failure_channel``, and, when it staged products
    for a fresh hour (a gate or staging failure), one per matching ``source_unhealthy`` rule."""
    first_line = error.strip().splitlines()[0][:500] if error.strip() else "no error message"
    partition = run.tags.get("dagster/partition") or run.tags.get("dagster/asset_partition_range_start")
    found = []
    if alerts.run_failure_channel:
        found.append((AlertMessage(rule="run_failure", kind="run_failure", subject_key=run.run_id, event_at=failed_at,
                                   title=f"{run.job_name} failed", source=partition,
                                   details={"run_id": run.run_id, "partition": partition, "error": first_line}),
                       alerts.run_failure_channel))
    if run.job_name in staging_jobs and partition:
        hour = datetime.strptime(partition, "%Y-%m-%d-%H:%M").replace(tzinfo=UTC)
        if hour >= now - timedelta(hours=alerts.freshness_hours):
            for rule in alerts.rules:
                if rule.kind == "source_unhealthy" and (rule.scope.source is None or rule.scope.source in error):
                    found.append((AlertMessage(rule=rule.name, kind=rule.kind, subject_key=f"staging:{partition}",
                                               event_at=hour, title=rule.scope.source or "product staging",
                                               source=rule.scope.source,
                                               details={"hour": partition, "run_id": run.run_id, "error": first_line}),
                                  rule.channel))
    return found


def root_cause(error) -> str:
    """The innermost error's message: Dagster wraps a step's exception ("Error occurred while
    executing op ...") around the one that says what went wrong."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return error.message.strip()


def build_run_failure_alert_sensor(alerts: Alerts, staging_jobs: tuple[str, ...]) -> dg.SensorDefinition:
    @dg.run_failure_sensor(
        name="alert_on_run_failure",
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Put an alert in the outbox for every failed run (to the run-failure channel) and for failed "
                    "product staging or gate runs of a fresh hour (to source_unhealthy rules).",
    )
    def alert_on_run_failure(context: dg.RunFailureSensorContext, warehouse: WarehouseResource, clock: ClockResource):
        # A stable instant (the run's end), so evaluating the same failure twice makes the same dedupe key.
        record = context.instance.get_run_record_by_id(context.dagster_run.run_id)
        failed_at = (datetime.fromtimestamp(record.end_time, tz=UTC) if record and record.end_time
                     else record.create_timestamp if record else clock.now())
        # The run's own message only says which steps failed; the steps' errors say why (and name sources).
        step_errors = [root_cause(event.event_specific_data.error) for event in context.get_step_failure_events()
                       if event.event_specific_data and event.event_specific_data.error]
        error = "\n".join([*step_errors, context.failure_event.message or ""])
        found = run_failure_alerts(alerts, context.dagster_run, error, failed_at, clock.now(), staging_jobs)
        if found:
            warehouse.ensure_landing_schema()
            with warehouse.connect() as connection:
                enqueue(connection, found, partition_key=None)

    return alert_on_run_failure
