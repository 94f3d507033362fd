"""The long-run simulator: the real hourly path (schedule, connectors, sensor, staging, gate, dbt)
hour after hour with a moving clock, against the demo market, checked against its ground truth."""

from datetime import UTC, datetime, timedelta

import dagster as dg
import psycopg
import pytest

from orchestration.automation.simulation import HourlySimulator, partition_key, read_costs
from orchestration.clock import ClockResource
from orchestration.config.alerts import AlertChannel, AlertRule, Alerts
from radar_demo.event_scores import score_events
from radar_demo.truth import shop_marts_against_truth
from tests.support import build_test_definitions, demo_config, jsonld_source, marketplace_source

SHOPS = ("glow-lab", "kopi-nusantara", "trail-and-tide")


def simulation(market_server, database_url, lake, tmp_path, start: datetime):
    config = demo_config(market_server.url, extra_sources=(marketplace_source(market_server.url),
                                                           jsonld_source(market_server.url)))
    # Restocks alert through the demo market's Slack-style receiver (RADAR_TEST_SLACK_URL, set by the tests).
    alerts = Alerts(channels=[AlertChannel(name="demo-slack", kind="slack", url_env="RADAR_TEST_SLACK_URL")],
                    rules=[AlertRule(name="restocks", kind="back_in_stock", channel="demo-slack")])
    config = config.model_copy(update={"clock_url": f"{market_server.url}/_demo/clock", "alerts": alerts})
    defs = build_test_definitions(config, database_url, lake, clock=ClockResource.configure_at_launch())
    instance = dg.DagsterInstance.ephemeral()

    def simulator() -> HourlySimulator:
        return HourlySimulator(defs, instance, config.clock_url, start, tmp_path / "timings.csv", say=lambda _: None)

    return config, defs, instance, simulator


def check_against_ground_truth(database_url: str, demo_market, hours: list[datetime]) -> None:
    with psycopg.connect(database_url) as connection:
        def query(statement, params=()):
            return connection.execute(statement, params).fetchall()

        for shop_name in SHOPS:
            assert shop_marts_against_truth(query, demo_market.shop(shop_name), hours) == []
        # ... and the comparison can fail: the same marts against a truth that misses the first hour.
        assert shop_marts_against_truth(query, demo_market.shop(SHOPS[0]), hours[1:]) != []
        # The event marts, built hour by hour, against the injected events (none from jitter).
        scores = score_events(query, [demo_market.shop(shop) for shop in SHOPS], hours)
        assert scores.passes(0.95), scores.describe()
        # Every source of every kind was staged every hour, at the simulated time.
        per_hour = query("select partition_hour, count(distinct source_name), bool_and(observed_at >= partition_hour "
                         "and observed_at < partition_hour + interval '1 hour') from landing.product_observations "
                         "group by 1 order by 1")
    assert per_hour == [(h, 5, True) for h in hours]


def test_four_simulated_hours_match_the_ground_truth_and_a_rerun_continues(
        market_server, database_url, lake, tmp_path, demo_market, monkeypatch):
    monkeypatch.setenv("RADAR_TEST_SLACK_URL", f"{market_server.url}/_demo/alerts/T0/B0/simulate")
    start = datetime(2026, 11, 20, 22, tzinfo=UTC)  # crosses midnight: KPIs of a new day, lookbacks into the old
    hours = [start + timedelta(hours=offset) for offset in range(4)]
    _, _, instance, simulator = simulation(market_server, database_url, lake, tmp_path, start)

    first = simulator().run(2)
    assert [cost.partition for cost in first] == [partition_key(h) for h in hours[:2]]
    rest = simulator().run(4)  # a re-run continues where the first stopped
    assert [cost.partition for cost in rest] == [partition_key(h) for h in hours[2:]]
    assert all(cost.rows > 1_500 and cost.dbt_s > 0 and cost.snapshots_s > 0 for cost in first + rest)

    check_against_ground_truth(database_url, demo_market, hours)
    assert [cost.hour_index for cost in read_costs(tmp_path / "timings.csv")] == list(range(4))
    # The runs came from the real schedule and sensor: one snapshot run per source per hour.
    snapshot_runs = instance.get_runs(dg.RunsFilter(job_name="product_snapshots_job"))
    assert len(snapshot_runs) == 4 * 5
    # Each hour's restocks were alerted after that hour, once each, through the delivery job.
    with psycopg.connect(database_url) as connection:
        restocks = connection.execute("select count(*) from marts.mart_availability_events "
                                      "where event_type = 'restocked' and partition_hour >= %s", [hours[0]]).fetchone()[0]
        statuses = connection.execute("select status, count(*) from alerts.outbox group by 1").fetchall()
    assert restocks > 0 and statuses == [("delivered", restocks)]
    assert len(market_server.alert_inbox.messages) == restocks


def test_a_production_clock_refuses_to_file_a_scrape_under_a_simulated_hour(market_server, database_url, lake):
    config = demo_config(market_server.url, shops=("glow-lab",))
    defs = build_test_definitions(config, database_url, lake)  # the system clock, as in production
    result = defs.resolve_job_def("product_snapshots_job").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), partition_key="2026-11-20-22:00", raise_on_error=False)
    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    assert "refusing to scrape glow-lab for hour 2026-11-20 22:00" in failure.step_failure_data.error.message


@pytest.mark.slow
def test_forty_eight_simulated_hours_match_the_ground_truth(market_server, database_url, lake, tmp_path, demo_market):
    start = datetime(2026, 11, 18, 0, tzinfo=UTC)
    hours = [start + timedelta(hours=offset) for offset in range(48)]
    _, _, _, simulator = simulation(market_server, database_url, lake, tmp_path, start)
    costs = simulator().run(48)
    assert len(costs) == 48
    check_against_ground_truth(database_url, demo_market, hours)
