"""Live scrapes of the current hour through the hourly job: faults, quarantine, the blocking gate."""

from datetime import UTC, datetime, timedelta

import dagster as dg
import psycopg

from tests.support import build_test_definitions, demo_config


def current_partition() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d-%H:00")


def run_hourly(market_server, database_url, lake, shops=("glow-lab",)):
    defs = build_test_definitions(demo_config(market_server.url, shops=shops), database_url, lake)
    job = defs.resolve_job_def("hourly_products_job")
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), partition_key=current_partition(),
                                  raise_on_error=False)


def dbt_materializations(result):
    return result.asset_materializations_for_node("radar_dbt_models")


def test_corrupted_snapshot_fails_the_gate_and_builds_no_dbt_asset(market_server, database_url, lake):
    market_server.faults.records.negative_price = 2
    market_server.faults.records.missing_id = 1
    result = run_hourly(market_server, database_url, lake)

    assert not result.success
    assert result.asset_materializations_for_node("staged_products")  # the rows are staged, as evidence
    (gx,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_staged_products"]
    assert not gx.passed and gx.severity == dg.AssetCheckSeverity.ERROR
    failures = {(f["expectation"], f["column"]): f for f in gx.metadata["failures"].value}
    negative = failures[("expect_column_values_to_be_between", "price")]
    assert negative["unexpected_count"] == 2
    assert all(value < 0 for value in negative["sample_values"])
    assert ("expect_column_values_to_not_be_null", "product_key") in failures
    assert ("expect_column_values_to_not_be_null", "source_product_id") in failures
    assert "expect_column_values_to_be_between on price: 2 unexpected" in gx.description
    assert dbt_materializations(result) == []
    with psycopg.connect(database_url) as connection:
        marts = connection.execute("select count(*) from information_schema.tables where table_schema = 'marts'").fetchone()
    assert marts == (0,)


def test_unparseable_records_are_quarantined_and_the_rest_flows(market_server, database_url, lake, demo_market):
    market_server.faults.records.unparseable_price = 3
    result = run_hourly(market_server, database_url, lake)
    assert result.success
    (staged,) = result.asset_materializations_for_node("staged_products")
    assert staged.metadata["quarantined"].value == 3  # the last 3 variants of the one non-empty page
    with psycopg.connect(database_url) as connection:
        reasons = connection.execute("select distinct reason from landing.quarantine").fetchall()
        observations = connection.execute("select count(*) from landing.product_observations").fetchone()[0]
    assert reasons == [("price 'call for price' is not a decimal amount",)]
    assert observations == len(demo_market.shop("glow-lab").variants) - 3
    assert dbt_materializations(result)


def test_rate_limited_scrape_retries_and_records_it(market_server, database_url, lake):
    market_server.faults.rate_limit_burst = 2
    market_server.faults.retry_after_seconds = 0
    result = run_hourly(market_server, database_url, lake)
    assert result.success
    (snapshot,) = result.asset_materializations_for_node("raw_products__glow_lab")
    assert snapshot.metadata["retries"].value == 2
    assert snapshot.metadata["pages"].value == 2  # 180 products, then the empty page
    assert snapshot.metadata["records"].value == 180


def test_html_answer_fails_the_source_and_stages_nothing(market_server, database_url, lake):
    market_server.faults.html_instead_of_json = True
    result = run_hourly(market_server, database_url, lake)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "not a Shopify store" in failure.step_failure_data.error.cause.message or \
        "not a Shopify store" in failure.step_failure_data.error.message
    assert result.asset_materializations_for_node("staged_products") == []


def test_a_failing_source_does_not_block_another(market_server, database_url, lake, demo_market):
    """The schedule runs one snapshot per source; the sensor stages whatever landed by :50."""
    from orchestration.automation.sensors import hour_ready_to_stage
    from orchestration.config import ShopifySource

    config = demo_config(market_server.url, shops=("glow-lab",))
    broken = ShopifySource(name="gone-shop", kind="shopify", base_url=f"{market_server.url}/shops/gone-shop",
                           currency="USD", rate_limit_per_second=50)
    config = config.model_copy(update={"product_sources": [*config.product_sources, broken]})
    defs = build_test_definitions(config, database_url, lake)
    instance = dg.DagsterInstance.ephemeral()
    partition = current_partition()
    hour_start = datetime.strptime(partition, "%Y-%m-%d-%H:%M").replace(tzinfo=UTC)

    schedule = defs.resolve_schedule_def("hourly_snapshot_schedule")
    requests = schedule.evaluate_tick(dg.build_schedule_context(
        instance=instance, scheduled_execution_time=hour_start, repository_def=defs.get_repository_def())).run_requests
    assert [(r.partition_key, [k.to_user_string() for k in r.asset_selection]) for r in requests] == [
        (partition, ["raw_products/glow_lab"]), (partition, ["raw_products/gone_shop"])]

    snapshots = defs.resolve_job_def("product_snapshots_job")
    outcomes = {
        tuple(request.asset_selection)[0].to_user_string(): snapshots.execute_in_process(
            instance=instance, partition_key=partition, asset_selection=request.asset_selection,
            raise_on_error=False).success
        for request in requests
    }
    assert outcomes == {"raw_products/glow_lab": True, "raw_products/gone_shop": False}

    keys = [dg.AssetKey(["raw_products", "glow_lab"]), dg.AssetKey(["raw_products", "gone_shop"])]
    assert hour_ready_to_stage(instance, keys, partition, hour_start, hour_start + timedelta(minutes=20)) == (
        False, f"1/2 sources landed for {partition}")
    ready, reason = hour_ready_to_stage(instance, keys, partition, hour_start, hour_start + timedelta(minutes=50))
    assert ready and reason == "1/2 sources landed by :50; missing raw_products/gone_shop"

    result = defs.resolve_job_def("restage_products_job").execute_in_process(
        instance=instance, partition_key=partition, raise_on_error=False)
    assert result.success
    (staged,) = result.asset_materializations_for_node("staged_products")
    assert staged.metadata["rows_by_source"].value == {"glow-lab": len(demo_market.shop("glow-lab").variants)}
