"""A marketplace (browser) and a JSON-LD shop through snapshot, staging, the GX gate and the marts."""

from datetime import UTC, datetime

import dagster as dg
import psycopg

from tests.support import build_test_definitions, demo_config, jsonld_source, marketplace_source, range_tags


def current_partition() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d-%H:00")


def config_for(server, **marketplace_overrides):
    return demo_config(server.url, shops=("glow-lab",),
                       extra_sources=(marketplace_source(server.url, **marketplace_overrides), jsonld_source(server.url)))


def test_a_live_hour_lands_every_kind_side_by_side_in_the_marts(market_server, database_url, lake):
    defs = build_test_definitions(config_for(market_server), database_url, lake)
    instance = dg.DagsterInstance.ephemeral()
    partition = current_partition()
    result = defs.resolve_job_def("hourly_products_job").execute_in_process(
        instance=instance, partition_key=partition, raise_on_error=False)
    assert result.success

    (snapshot,) = result.asset_materializations_for_node("raw_products__tokoloka")
    assert snapshot.metadata["watches"].value["Serum"]["cards"] >= 40
    assert "chromium" in snapshot.metadata["browser"].value.lower()
    (gx,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_staged_products"]
    assert gx.passed
    with psycopg.connect(database_url) as connection:
        kinds = dict(connection.execute(
            "select source_kind, count(*) from landing.product_observations group by 1").fetchall())
        marketplace = connection.execute(
            "select count(*), count(brand), count(sold_count), count(shop_city), bool_or(is_sponsored), "
            "count(*) filter (where product_url like '%trkid%' or product_url like '%promo/click%') "
            "from landing.product_observations where source_kind = 'browser'").fetchone()
        kpis = connection.execute(
            "select source_name, category, listings, currency_code from marts.mart_market_kpis order by 1, 2").fetchall()
        jsonld_brands = connection.execute(
            "select count(*) filter (where brand is null) from landing.product_observations where source_kind = 'jsonld'").fetchone()
    assert set(kinds) == {"shopify", "browser", "jsonld"}
    rows, branded, with_sold, with_city, any_ad, tracked = marketplace
    assert rows == with_city and 0 < branded < rows  # unbranded titles from unbranded shops stay null
    assert with_sold > rows / 2 and tracked == 0
    assert any_ad in (True, False)  # an ad repeating a listed product is kept once, as the organic sighting
    assert jsonld_brands == (0,)
    sources = {source for source, *_ in kpis}
    assert sources == {"glow-lab", "tokoloka", "hearth-and-loom"}
    assert {(category, currency) for source, category, _, currency in kpis if source == "tokoloka"} == {("Serum", "IDR"), ("Kopi", "IDR")}

    # Re-staging the hour replays the stored HTML and pages: identical rows.
    def snapshot_rows():
        with psycopg.connect(database_url) as connection:
            return connection.execute(
                "select product_key, price, compare_at_price, brand, category, sold_count, rating, is_sponsored "
                "from landing.product_observations order by product_key").fetchall()

    before = snapshot_rows()
    restage = defs.resolve_job_def("restage_products_job").execute_in_process(
        instance=instance, tags=range_tags(partition, partition), raise_on_error=False)
    assert restage.success and snapshot_rows() == before


def test_a_captcha_fails_the_marketplace_partition_without_retry_or_rows(market_server, database_url, lake):
    market_server.faults.captcha = True
    defs = build_test_definitions(config_for(market_server, navigation_timeout_seconds=5), database_url, lake)
    result = defs.resolve_job_def("hourly_products_job").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), partition_key=current_partition(), raise_on_error=False)
    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert [e.step_key for e in failures] == ["raw_products__tokoloka"]
    assert "captcha" in failures[0].step_failure_data.error.message
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert result.asset_materializations_for_node("staged_products") == []  # no partial hour is staged
