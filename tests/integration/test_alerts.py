"""Alert delivery through faults: synthetic alerts in the real outbox, the delivery sensor and job,
and a real local receiver that fails on demand; WhatsApp's request shape; run-failure alerts.
Detection over real marts (none from a backfill, one POST per live event) is in
test_market_week.py, which builds the marts once for several tests."""

from datetime import UTC, datetime, timedelta

import dagster as dg
import psycopg
import pytest

from orchestration.clock import ClockResource
from orchestration.config.alerts import AlertChannel, AlertRule, Alerts
from orchestration.warehouse.postgres import WarehouseResource
from tests.alert_receiver import AlertReceiver
from tests.support import build_test_definitions, demo_config

SHOP = "kopi-nusantara"
SECRET_PATH = "/services/T0RADAR/B0TEST/xoxb-test-secret-4711"


def key(hour: datetime) -> str:
    return f"{hour:%Y-%m-%d-%H}:00"


@pytest.fixture
def receiver(monkeypatch):
    with AlertReceiver() as receiver:
        monkeypatch.setenv("RADAR_TEST_SLACK_URL", receiver.url + SECRET_PATH)
        yield receiver


def alerting_config(shop: str, **settings):
    channel = AlertChannel(name="team-slack", kind="slack", url_env="RADAR_TEST_SLACK_URL")
    rules = [AlertRule(name="flash-sales", kind="flash_sale_started", channel="team-slack", scope={"source": shop}),
             AlertRule(name="restocks", kind="back_in_stock", channel="team-slack"),
             AlertRule(name="drops", kind="price_drop", min_drop_pct=20, channel="team-slack"),
             AlertRule(name="drops-vs-week", kind="price_drop", min_drop_pct=20, against="median_7d", channel="team-slack"),
             AlertRule(name="new-lows", kind="all_time_low", channel="team-slack"),
             AlertRule(name="fake-discounts", kind="misleading_discount", channel="team-slack"),
             AlertRule(name="quiet-sources", kind="source_unhealthy", min_rows_vs_median=1, channel="team-slack")]
    config = demo_config("http://127.0.0.1:8765", shops=(shop,))
    return config.model_copy(update={"alerts": Alerts(channels=[channel], rules=rules, **settings)})


def events_in_marts_since(database_url: str, since: datetime) -> dict[str, int]:
    """Each rule's events, counted straight from the marts (one listing per event)."""
    counts = {
        "flash-sales": "select count(*) from marts.mart_discount_events where event_type = 'flash_sale' and started_at >= %(t)s",
        "restocks": "select count(*) from marts.mart_availability_events where event_type = 'restocked' and event_at >= %(t)s",
        "drops": "select count(*) from marts.fct_price_history where valid_from >= %(t)s and price <= previous_price * 0.8",
        "drops-vs-week": "select count(*) from analytics.int_product_price_moves where changed_at >= %(t)s "
                         "and price <= reference_price * 0.8",
        "new-lows": "select count(*) from marts.fct_price_history as s where valid_from >= %(t)s and price < "
                    "(select min(price) from marts.fct_price_history as h where h.product_key = s.product_key "
                    "and h.valid_from < s.valid_from)",
        "fake-discounts": "select count(*) from marts.mart_discount_claims where is_misleading and claim_started_at >= %(t)s",
        "quiet-sources": "select count(*) from marts.mart_scrape_health where partition_hour >= %(t)s "
                         "and rows_vs_trailing_median < 1",
    }
    with psycopg.connect(database_url) as connection:
        return {rule: connection.execute(query, {"t": since}).fetchone()[0] for rule, query in counts.items()}


def outbox(database_url: str) -> list[tuple]:
    with psycopg.connect(database_url) as connection:
        return connection.execute("select rule_name, subject_key, event_at, status, attempts, dedupe_key "
                                  "from alerts.outbox order by alert_id").fetchall()


def deliver(defs, instance, database_url: str) -> dg.ExecuteInProcessResult | dg.SkipReason:
    """What the delivery sensor asks for, run like the daemon would run it."""
    sensor = defs.get_sensor_def("alert_delivery_sensor")
    tick = sensor.evaluate_tick(dg.build_sensor_context(
        instance=instance, repository_def=defs.get_repository_def(),
        resources={"warehouse": WarehouseResource(database_url=database_url)}))
    if not tick.run_requests:
        return dg.SkipReason(tick.skip_message)
    (request,) = tick.run_requests
    return defs.resolve_job_def("deliver_alerts_job").execute_in_process(instance=instance, tags=request.tags)


def message(number: int):
    from decimal import Decimal

    from orchestration.alerts.messages import AlertMessage

    return AlertMessage(rule="restocks", kind="back_in_stock", subject_key=f"product-{number}",
                        event_at=datetime(2026, 11, 20, 10, tzinfo=UTC), title=f"Listing {number}", source="glow-lab",
                        url=f"https://glow.example/products/{number}", currency="USD", price=Decimal("9.99"))


def fill_outbox(database_url: str, count: int) -> None:
    from orchestration.alerts.outbox import enqueue

    WarehouseResource(database_url=database_url).ensure_landing_schema()
    with psycopg.connect(database_url) as connection:
        assert enqueue(connection, [(message(number), "team-slack") for number in range(count)], "2026-11-20-10:00") == count


def delivery_defs(database_url, lake, **settings):
    return build_test_definitions(alerting_config(SHOP, **settings), database_url, lake)


def test_500s_and_slow_answers_are_retried_and_each_alert_is_accepted_once(database_url, lake, receiver):
    fill_outbox(database_url, 3)
    receiver.fail_next(500, 503, 200, 1.5)  # alert 1: two 5xx, then a 200; alert 2: answered after the client gave up
    defs = delivery_defs(database_url, lake, timeout_seconds=0.5)
    instance = dg.DagsterInstance.ephemeral()
    result = deliver(defs, instance, database_url)
    assert result.success
    # Alert 1 took three POSTs; alert 2 timed out, was retried and its repeat was a duplicate; alert 3 went at once.
    receiver.wait_until_answered()
    keys = [request.headers["idempotency-key"] for request in receiver.requests]
    assert len(receiver.requests) == 6 and len(set(keys)) == 3
    assert [request.answered for request in receiver.requests[:3]] == [500, 503, 200]
    assert len(receiver.accepted) == 3 and sum(request.duplicate for request in receiver.requests) == 1
    assert [(status, attempts) for *_, status, attempts, _ in outbox(database_url)] == [
        ("delivered", 3), ("delivered", 2), ("delivered", 1)]
    metadata = result.output_for_node("deliver_alerts") is None and next(
        event for event in result.all_events if event.is_successful_output).event_specific_data.metadata
    assert metadata["delivered"].value == 3 and metadata["dead_lettered"].value == 0
    assert isinstance(deliver(defs, instance, database_url), dg.SkipReason)


def test_an_alert_is_dead_lettered_after_max_attempts_with_its_last_error_and_no_secret(
        database_url, lake, receiver):
    fill_outbox(database_url, 1)
    receiver.fail_next(500, 500, 500)
    defs = delivery_defs(database_url, lake, max_attempts=3)
    instance = dg.DagsterInstance.ephemeral()
    result = deliver(defs, instance, database_url)
    assert result.success and len(receiver.requests) == 3 and receiver.accepted == []
    (row,) = outbox(database_url)
    assert row[3:5] == ("dead", 3)
    metadata = next(event for event in result.all_events if event.is_successful_output).event_specific_data.metadata
    assert metadata["dead_lettered"].value == 1 and "HTTP 500" in metadata["dead_letters"].value
    assert isinstance(deliver(defs, instance, database_url), dg.SkipReason)  # dead letters are not retried
    logs = " ".join(str(event) for event in instance.all_logs(result.run_id))
    assert "HTTP 500" in logs and "xoxb-test-secret" not in logs and "T0RADAR" not in logs
    # The dead letter in the mart, through the real dbt views.
    import subprocess

    from orchestration.assets.dbt import environment
    from orchestration.warehouse.dbt import DBT_PROJECT_DIR, dbt_executable

    with environment(WarehouseResource(database_url=database_url).dbt_environment()):
        built = subprocess.run([dbt_executable(), "build", "--select", "+mart_alert_deliveries", "--project-dir",
                                str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path",
                                str(lake.root) + "/dbt-target"], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-2000:]
    with psycopg.connect(database_url) as connection:
        dead = connection.execute("select subject_title, is_dead_letter, attempts, last_error "
                                  "from marts.mart_alert_deliveries").fetchall()
    assert [row[:3] for row in dead] == [("Listing 0", True, 3)]
    assert dead[0][3].startswith("POST of alert 1 to slack channel team-slack failed after 3 attempt(s)")
    assert dead[0][3].endswith("last failure: HTTP 500")


def test_a_delivery_killed_between_post_and_mark_resends_with_the_same_idempotency_key(
        database_url, lake, receiver, tmp_path):
    import subprocess
    import sys

    fill_outbox(database_url, 1)
    receiver.fail_next(3.0)  # the receiver takes the POST, and answers after the process is gone
    config_path = tmp_path / "alerts.json"
    config_path.write_text(alerting_config(SHOP, lease_seconds=1).alerts.model_dump_json())
    worker = subprocess.Popen([sys.executable, "-c", (
        "import json, sys, psycopg\n"
        "from orchestration.alerts.delivery import deliver_due\n"
        "from orchestration.config.alerts import Alerts\n"
        f"alerts = Alerts.model_validate_json(open({str(config_path)!r}).read())\n"
        f"with psycopg.connect({database_url!r}) as connection:\n"
        "    deliver_due(connection, alerts, 'doomed-run')\n")])
    try:
        receiver.wait_for_requests(1)
    finally:
        worker.kill()
        worker.wait()
    assert outbox(database_url)[0][3:5] == ("pending", 0)  # posted, never marked
    import time

    time.sleep(1.2)  # the dead run's lease runs out
    result = deliver(delivery_defs(database_url, lake, lease_seconds=1), dg.DagsterInstance.ephemeral(), database_url)
    assert result.success
    receiver.wait_for_requests(2)
    receiver.wait_until_answered()
    first, second = receiver.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == outbox(database_url)[0][5]
    assert outbox(database_url)[0][3] == "delivered"
    assert len(receiver.accepted) == 1  # the receiver honoured the key: the resend was a duplicate


def test_whatsapp_gets_a_template_message_at_the_phone_number_with_the_bearer_token(
        database_url, lake, receiver, monkeypatch):
    monkeypatch.setenv("RADAR_TEST_WHATSAPP_API", receiver.url + "/v21.0")
    monkeypatch.setenv("RADAR_TEST_WHATSAPP_TOKEN", "EAAG-test-token")
    phone = AlertChannel(name="ops-phone", kind="whatsapp", url_env="RADAR_TEST_WHATSAPP_API",
                         token_env="RADAR_TEST_WHATSAPP_TOKEN", phone_number_id="109876543210",
                         recipient="6281234567890", template="radar_price_alert", language="id")
    config = demo_config("http://127.0.0.1:8765", shops=("glow-lab",))
    config = config.model_copy(update={"alerts": Alerts(
        channels=[phone], rules=[AlertRule(name="restocks", kind="back_in_stock", channel="ops-phone")])})
    WarehouseResource(database_url=database_url).ensure_landing_schema()
    from orchestration.alerts.outbox import enqueue

    with psycopg.connect(database_url) as connection:
        enqueue(connection, [(message(7), "ops-phone")], None)
    defs = build_test_definitions(config, database_url, lake)
    assert deliver(defs, dg.DagsterInstance.ephemeral(), database_url).success
    (request,) = receiver.requests
    assert request.path == "/v21.0/109876543210/messages"
    assert request.headers["authorization"] == "Bearer EAAG-test-token"
    assert request.headers["content-type"] == "application/json"
    body = request.body
    assert {key: body[key] for key in ("messaging_product", "recipient_type", "to", "type")} == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "6281234567890", "type": "template"}
    template = body["template"]
    assert template["name"] == "radar_price_alert" and template["language"] == {"code": "id"}
    (component,) = template["components"]
    assert component["type"] == "body"
    assert [parameter["type"] for parameter in component["parameters"]] == ["text"] * 4
    assert [parameter["text"] for parameter in component["parameters"]] == [
        "Back in stock", "Listing 7", "USD 9.99", "https://glow.example/products/7"]


def test_a_failed_run_alerts_the_run_failure_channel_and_a_failed_staging_hour_its_source_rule(
        database_url, lake, receiver):
    hour = datetime(2026, 11, 20, 9, tzinfo=UTC)
    config = alerting_config(SHOP, run_failure_channel="team-slack")
    alerts = config.alerts.model_copy(update={"rules": [
        AlertRule(name="flash-sales", kind="flash_sale_started", channel="team-slack"),
        AlertRule(name="sources-down", kind="source_unhealthy", channel="team-slack")]})
    config = config.model_copy(update={"alerts": alerts})
    clock = ClockResource(simulated_start=(hour + timedelta(minutes=55)).isoformat())
    defs = build_test_definitions(config, database_url, lake, clock=clock)
    instance = dg.DagsterInstance.ephemeral()
    # No snapshot was ever written for this hour: staging fails.
    failed = defs.resolve_job_def("restage_products_job").execute_in_process(
        instance=instance, partition_key=key(hour), raise_on_error=False)
    assert not failed.success

    sensor = defs.get_sensor_def("alert_on_run_failure")
    failure_event = next(event for event in failed.all_events if event.event_type_value == "PIPELINE_FAILURE")
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name, dagster_event=failure_event, dagster_instance=instance,
        dagster_run=failed.dagster_run, resources={"warehouse": WarehouseResource(database_url=database_url),
                                                   "clock": clock}).for_run_failure()
    sensor(context)
    sensor(context)  # the daemon may see the same failure twice: still one alert each
    assert [(rule, subject) for rule, subject, *_ in outbox(database_url)] == [
        ("run_failure", failed.run_id), ("sources-down", f"staging:{key(hour)}")]
    assert deliver(defs, instance, database_url).success
    texts = sorted(request.body["text"] for request in receiver.requests)
    assert texts[0].startswith("Run failed: restage_products_job failed")
    assert texts[1].startswith("Source unhealthy: product staging")
    assert "no snapshot" in " ".join(str(request.body) for request in receiver.requests).lower()
