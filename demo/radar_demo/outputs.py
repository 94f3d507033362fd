"""What `radar demo` hands the user after the data build: the alerts its rules sent to the demo
market's Slack-style receiver, and today's market report."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from urllib.request import urlopen

from orchestration.local import local_warehouse, location_definitions, run_or_exit, say
from radar_demo.alert_inbox import INBOX_PATH

SLACK_URL_VARIABLE = "RADAR_DEMO_SLACK_URL"


def point_alerts_at(server_url: str) -> None:
    """The demo config's Slack channel posts to the demo market's receiver."""
    os.environ[SLACK_URL_VARIABLE] = f"{server_url}{INBOX_PATH}/T0DEMO/B0DEMO/demo-webhook"


def deliver_alerts(instance, server_url: str, trigger: str) -> None:
    """Run the delivery job once, as the sensor would, and say what arrived."""
    import dagster as dg

    sensor = location_definitions().get_sensor_def("alert_delivery_sensor")
    tick = sensor.evaluate_tick(dg.build_sensor_context(
        instance=instance, repository_def=location_definitions().get_repository_def(),
        resources={"warehouse": local_warehouse()}))
    if tick.run_requests:
        run_or_exit(instance, "deliver_alerts_job", "alert delivery", trigger=trigger)
    with urlopen(f"{server_url}{INBOX_PATH}", timeout=10) as response:
        inbox = json.load(response)
    kinds: dict[str, int] = {}
    for message in inbox["messages"]:
        headline = message["blocks"][0]["text"]["text"] if message.get("blocks") else "message"
        kinds[headline] = kinds.get(headline, 0) + 1
    summary = ", ".join(f"{count} {headline.lower()}" for headline, count in sorted(kinds.items())) or "none"
    ((delivered,),) = local_warehouse().query("select count(*) from alerts.outbox where status = 'delivered'")
    say(f"alerts: {len(inbox['messages'])} Slack message(s) this run at {server_url}{INBOX_PATH} ({summary}); "
        f"{delivered} delivered in all (marts.mart_alert_deliveries). Only events of the last 2 hours alert, so the "
        "backfilled history sent none")


def write_market_report(instance, trigger: str) -> str | None:
    """Today's market report through the market_report asset; returns its location."""
    import dagster as dg

    today = datetime.now(UTC).strftime("%Y-%m-%d")
    run_id = run_or_exit(instance, "market_report_job", "market report", partition_key=today, trigger=trigger)
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("market_report"), asset_partitions=[today]), limit=1).records
    if not records or records[0].run_id != run_id:
        return None
    metadata = records[0].asset_materialization.metadata
    empty = metadata["sections_empty"].value
    say(f"market report: {metadata['report'].value} ({metadata['sections_filled'].value} sections with rows"
        + (f"; empty: {', '.join(f'{name} ({why})' for name, why in empty.items())}" if empty else "") + ")")
    return metadata["report"].value
