from datetime import UTC, datetime, timedelta

import dagster as dg

from orchestration.assets.dbt import dbt_build_args, partition_window_environment
from orchestration.local import contiguous_ranges, dagster_storage_url
from orchestration.partitions import hourly_partitions, hours_in_window
from orchestration.sources.retry import parse_retry_after

H = datetime(2026, 11, 20, 0, tzinfo=UTC)


def test_hours_in_window_and_dbt_vars():
    window = dg.TimeWindow(H, H + timedelta(hours=3))
    assert list(hours_in_window(window)) == [H, H + timedelta(hours=1), H + timedelta(hours=2)]
    assert partition_window_environment(window) == {"RADAR_WINDOW_START": "2026-11-20T00:00:00+00:00",
                                                    "RADAR_WINDOW_END": "2026-11-20T03:00:00+00:00"}
    # The same vars every hour (thresholds, sorted), so dbt's saved parse stays valid.
    assert dbt_build_args({"b": 2, "a": 1}) == ["build", "--vars", '{"a": 1, "b": 2}', "--exclude-resource-type", "unit_test"]


def test_hourly_partitions_include_the_current_hour():
    partitions = hourly_partitions(datetime(2026, 1, 1))
    before = datetime.now(UTC)
    last = partitions.get_last_partition_key()
    after = datetime.now(UTC)  # read the clock on both sides: the hour may turn in between
    assert last in {before.strftime("%Y-%m-%d-%H:00"), after.strftime("%Y-%m-%d-%H:00")}


def test_contiguous_ranges():
    hours = [H, H + timedelta(hours=1), H + timedelta(hours=3), H + timedelta(hours=5), H + timedelta(hours=6)]
    assert list(contiguous_ranges(hours)) == [
        (H, H + timedelta(hours=1)), (H + timedelta(hours=3), H + timedelta(hours=3)),
        (H + timedelta(hours=5), H + timedelta(hours=6))]
    assert list(contiguous_ranges([])) == []


def test_retry_after_forms():
    now = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Fri, 20 Nov 2026 12:00:10 GMT", now=now) == 10.0
    assert parse_retry_after("Fri, 20 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None


def test_dagster_storage_url_uses_psycopg2():
    assert dagster_storage_url("postgresql://u:p@h/db") == "postgresql+psycopg2://u:p@h/db"
    assert dagster_storage_url("postgres://u@/db?host=/tmp") == "postgresql+psycopg2://u@/db?host=/tmp"
    assert dagster_storage_url("postgresql+psycopg2://x/db") == "postgresql+psycopg2://x/db"


def test_rows_written_come_from_the_model_statement_result():
    from orchestration.assets.dbt import rows_affected

    def result(status: str, name: str = "LogModelResult") -> dict:
        return {"info": {"name": name}, "data": {"status": status}}

    assert rows_affected(result("INSERT 0 58")) == 58
    assert rows_affected(result("SELECT 1800")) == 1800
    assert rows_affected(result("CREATE VIEW")) is None
    assert rows_affected(result("INSERT 0 58", name="LogTestResult")) is None
    assert rows_affected({"info": {"name": "LogModelResult"}, "data": {}}) is None


def test_the_clock_resource_simulates_only_when_told_and_moves_forward():
    import time
    from datetime import UTC, datetime, timedelta

    from orchestration.clock import ClockResource, utc_now

    system = ClockResource()
    assert abs(system.now() - datetime.now(UTC)) < timedelta(seconds=5)
    simulated = ClockResource(simulated_start="2026-11-20T22:05:00")
    first = simulated.now()
    assert timedelta(0) <= first - datetime(2026, 11, 20, 22, 5, tzinfo=UTC) < timedelta(seconds=5)
    with simulated.in_effect():
        time.sleep(0.01)
        inside = utc_now()
    assert inside > first
    assert abs(utc_now() - datetime.now(UTC)) < timedelta(seconds=5)  # only inside the block
