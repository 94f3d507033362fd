"""Alerts in Dagster: detection assets downstream of the marts write the outbox; a delivery job
(launched by ``automation/alerts.py``'s sensor) sends what is due."""


import time
from datetime import timedelta

import dagster as dg

from orchestration.alerts.delivery import deliver_due
from orchestration.alerts.outbox import enqueue
from orchestration.alerts.rules import DetectionWindow, detect
from orchestration.clock import ClockResource
from orchestration.config.alerts import PRODUCT_KINDS, Alerts
from orchestration.warehouse.postgres import WarehouseResource

PRODUCT_ALERT_KINDS = (*PRODUCT_KINDS, "source_unhealthy")
CREATOR_ALERT_KINDS = ("new_comet",)
# The marts each detection query reads (dagster-dbt asset keys: schema, model).
PRODUCT_ALERT_INPUTS = [dg.AssetKey(["marts", name]) for name in (
    "fct_price_history", "dim_products", "mart_availability_events", "mart_discount_events", "mart_discount_claims",
    "mart_scrape_health")] + [dg.AssetKey(["analytics", "int_product_price_moves"])]
CREATOR_ALERT_INPUTS = [dg.AssetKey(["marts", "mart_comet_creators"])]
# The outbox as dbt's source sees it. Written by the detection assets and the delivery job, so it
# is declared, not materialized; linking it to product_alerts would make the hourly dbt build a
# cycle (marts -> alerts -> outbox view) that Dagster resolves with a second dbt invocation.
ALERT_OUTBOX = dg.AssetSpec(
    ["alerts", "outbox"], group_name="alerts", kinds={"postgres"},
    description="alerts.outbox: one row per alert ever detected (unique on rule, subject and event start), written by "
                "product_alerts, creator_alerts and alert_on_run_failure, and updated by deliver_alerts_job.")


def build_alert_detection_asset(name: str, alerts: Alerts, kinds: tuple[str, ...], deps: list[dg.AssetKey],
                                partitions_def: dg.TimeWindowPartitionsDefinition,
                                group_name: str) -> dg.AssetsDefinition:
    rules = [rule.name for rule in alerts.rules if rule.kind in kinds]

    @dg.asset(
        name=name,
        deps=deps,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name=group_name,
        kinds={"postgres"},
        description=f"Rules {', '.join(rules) or '(none configured)'} run over the window's rows of the marts; each "
                    "event becomes one row of alerts.outbox (a rerun or backfill adds none twice), and only events "
                    f"from the last {alerts.freshness_hours:g} h are alerted on.",
    )
    def _detect(context: dg.AssetExecutionContext, warehouse: WarehouseResource, clock: ClockResource):
        started = time.monotonic()
        window = context.partition_time_window
        detection = DetectionWindow(window.start, window.end, clock.now(), timedelta(hours=alerts.freshness_hours))
        warehouse.ensure_landing_schema()
        with warehouse.connect() as connection:
            found = detect(connection, alerts, detection, kinds)
            new = enqueue(connection, found, context.partition_key if not context.has_partition_key_range
                          else f"{context.partition_key_range.start}..{context.partition_key_range.end}")
        per_rule = {rule: sum(1 for message, _ in found if message.rule == rule) for rule in rules}
        if new:
            context.log.info(f"{new} new alert(s) in the outbox: "
                             + ", ".join(f"{rule} {count}" for rule, count in per_rule.items() if count))
        return dg.MaterializeResult(metadata={
            "alerts_detected": len(found),
            "alerts_new": new,
            "alerts_already_in_outbox": len(found) - new,
            "rules": dg.MetadataValue.json(per_rule),
            "fresh_after": detection.fresh_after.isoformat(),
            "duration_s": round(time.monotonic() - started, 3),
        })

    return _detect


def build_delivery_job(alerts: Alerts) -> dg.JobDefinition:
    @dg.op(description="Claim the due alerts (a lease, FOR UPDATE SKIP LOCKED), POST each to its channel with an "
                       "Idempotency-Key, mark it delivered after a 2xx; dead-letter it after "
                       f"{alerts.max_attempts} failed POSTs.")
    def deliver_alerts(context: dg.OpExecutionContext, warehouse: WarehouseResource) -> dg.Output:
        with warehouse.connect() as connection:
            report = deliver_due(connection, alerts, context.run_id, log=context.log.info)
        if report.dead:
            context.log.warning(f"{len(report.dead)} alert(s) dead-lettered; see marts.mart_alert_deliveries")
        return dg.Output(None, metadata={
            "claimed": report.claimed,
            "delivered": len(report.delivered),
            "retrying": len(report.retrying),
            "dead_lettered": len(report.dead),
            "dead_letters": dg.MetadataValue.md(_dead_letter_table(report.dead)) if report.dead else "none",
        })

    @dg.job(description="Send due alerts from alerts.outbox to their channels (launched by alert_delivery_sensor).",
            tags={"radar/kind": "alert_delivery"})
    def deliver_alerts_job():
        deliver_alerts()

    return deliver_alerts_job


def _dead_letter_table(dead) -> str:
    lines = ["| alert | rule | subject | channel | last error |", "|---|---|---|---|---|"]
    for row, error in dead:
        cells = [str(row.alert_id), row.message.rule, row.message.title, row.channel_name, error]
        lines.append("| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ")[:200] for cell in cells) + " |")
    return "\n".join(lines)
