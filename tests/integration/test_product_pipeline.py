"""End to end: demo history snapshots -> staging -> GX gate -> dbt, in real Dagster runs."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from orchestration.config import ProductGate
from radar_demo.history import write_history
from radar_demo.truth import expected_category_day, expected_price_changes
from tests.support import build_test_definitions, demo_config, range_tags, republish_shopify_snapshot

# Fixed past hours: the demo market is deterministic, so the expected marts are too.
HOURS = [datetime(2026, 11, 20, 9, tzinfo=UTC) + timedelta(hours=i) for i in range(3)]
KEYS = [f"{h:%Y-%m-%d-%H}:00" for h in HOURS]


def product_model_tables(connection) -> list[str]:
    """Every table dbt built (the tests' configs have no creators, so these are the product models)."""
    return [f"{schema}.{table}" for schema, table in connection.execute(
        "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE' "
        "and table_schema in ('analytics', 'marts') order by 1, 2").fetchall()]


def table_contents(database_url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(database_url) as connection:
        contents = {}
        tables = product_model_tables(connection)
        assert len(tables) >= 14  # the intermediate models and every product mart
        for table in ["landing.product_observations", "landing.product_scrapes", "landing.quarantine", *tables]:
            rows = connection.execute(f"select * from {table}").fetchall()
            contents[table] = sorted(rows, key=repr)
        return contents


def scalar(database_url: str, statement: str, params=()):
    with psycopg.connect(database_url) as connection:
        return connection.execute(statement, params).fetchone()[0]


@pytest.fixture
def pipeline(database_url, lake, market_server, demo_market):
    config = demo_config("http://127.0.0.1:8765")  # history is written offline; the URL is only recorded
    write_history(lake, demo_market, config.product_sources, HOURS)
    defs = build_test_definitions(config, database_url, lake)
    return defs, dg.DagsterInstance.ephemeral()


def restage(defs, instance, first: str, last: str | None = None):
    job = defs.resolve_job_def("restage_products_job")
    return job.execute_in_process(instance=instance, tags=range_tags(first, last or first), raise_on_error=False)


def test_backfill_matches_ground_truth_and_reruns_are_identical(pipeline, database_url, demo_market):
    defs, instance = pipeline
    # A range run creates the incremental models; a single-partition run then extends them.
    assert restage(defs, instance, KEYS[0], KEYS[1]).success
    assert restage(defs, instance, KEYS[2]).success

    variants = sum(len(shop.variants) for shop in demo_market.shops.values())
    assert scalar(database_url, "select count(*) from landing.product_observations") == 3 * variants
    assert scalar(database_url, "select count(*) from marts.dim_products") == variants

    expected_spells = variants + sum(expected_price_changes(shop, HOURS) for shop in demo_market.shops.values())
    assert scalar(database_url, "select count(*) from marts.fct_price_history") == expected_spells
    assert scalar(database_url, "select count(*) from marts.fct_price_history where is_current") == variants

    with psycopg.connect(database_url) as connection:
        kpis = connection.execute(
            "select source_name, category, listings, median_price, avg_price, share_discounted, avg_discount_pct, "
            "hours_observed from marts.mart_market_kpis where market_date = '2026-11-20'").fetchall()
    assert len(kpis) == 5 + 4 + 5  # categories per demo shop
    for source, category, listings, median, average, share, discount, hours in kpis:
        truth = expected_category_day(demo_market.shop(source), HOURS[-1])[category]
        assert listings == truth.listings
        assert median == truth.median_price
        assert abs(average - truth.avg_price) < Decimal("0.0001")
        assert abs(share - truth.share_discounted) < Decimal("0.0001")
        assert (discount is None) == (truth.avg_discount_pct is None)
        if discount is not None:
            assert abs(discount - truth.avg_discount_pct) <= Decimal("0.01")
        assert hours == 1  # every listing's last observation of the day is the last hour

    before = table_contents(database_url)
    assert restage(defs, instance, KEYS[1]).success  # a middle partition, with later data present
    assert restage(defs, instance, KEYS[0], KEYS[2]).success  # the whole range again
    assert table_contents(database_url) == before


def test_every_partition_reports_metadata_and_passes_its_checks(pipeline):
    defs, instance = pipeline
    result = restage(defs, instance, KEYS[0], KEYS[2])
    assert result.success
    staged = result.asset_materializations_for_node("staged_products")
    metadata = {m.partition: m.metadata for m in staged}
    assert set(metadata) == set(KEYS)
    assert metadata[KEYS[0]]["rows"].value == 3 * 1443
    assert metadata[KEYS[0]]["quarantined"].value == 0
    assert set(metadata[KEYS[0]]["rows_by_source"].value) == {"glow-lab", "kopi-nusantara", "trail-and-tide"}
    evaluations = result.get_asset_check_evaluations()
    gx = [e for e in evaluations if e.check_name == "gx_staged_products"]
    assert gx and all(e.passed for e in gx)
    assert gx[0].metadata["rows_validated"].value == 3 * 1443
    dbt_checks = [e for e in evaluations if e.check_name != "gx_staged_products"]
    assert len(dbt_checks) >= 20 and all(e.passed for e in dbt_checks)
    marts = result.asset_materializations_for_node("radar_dbt_models")
    assert {m.asset_key.to_user_string() for m in marts} >= {"marts/fct_price_history", "marts/mart_market_kpis"}


def test_a_vanished_source_fails_the_gate_by_name_and_blocks_dbt(database_url, lake, demo_market):
    config = demo_config("http://127.0.0.1:8765")
    config = config.model_copy(update={"product_gate": ProductGate(new_source_grace_hours=2)})
    write_history(lake, demo_market, config.product_sources, HOURS)
    thin_hour = HOURS[-1] + timedelta(hours=1)
    write_history(lake, demo_market, config.product_sources[:1], [thin_hour])  # only one shop scraped
    defs = build_test_definitions(config, database_url, lake)
    instance = dg.DagsterInstance.ephemeral()
    assert restage(defs, instance, KEYS[0], KEYS[2]).success

    result = restage(defs, instance, f"{thin_hour:%Y-%m-%d-%H}:00")
    assert not result.success
    (gx,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_staged_products"]
    assert not gx.passed
    (failure,) = gx.metadata["failures"].value
    assert failure["expectation"] == "expect_column_pair_values_a_to_be_greater_than_b"
    # The hour's total (glow-lab's 410 rows against half the 1,443-row median) and each missing shop, by name.
    key = f"{thin_hour:%Y-%m-%d-%H}:00"
    missing = [source.name for source in config.product_sources[1:]]
    assert failure["partitions"][0] == f"{key} source=(all sources) trailing_median=1443.0"
    assert [label.split(" ")[1] for label in failure["partitions"][1:]] == [f"source={name}" for name in missing]
    glow_lab = len(demo_market.shop("glow-lab").variants)
    assert [glow_lab, 1443 // 2] in failure["sample_values"]
    assert sum(1 for sample in failure["sample_values"] if sample[0] == 0) == len(missing)
    assert result.asset_materializations_for_node("radar_dbt_models") == []


def test_a_damaged_snapshot_fails_staging_with_the_repair_and_keeps_the_published_hour(pipeline, database_url, lake):
    defs, instance = pipeline
    assert restage(defs, instance, KEYS[0]).success
    before = table_contents(database_url)["landing.product_observations"]
    manifest_key = next(key for key in lake.list_keys("raw/products/source=glow-lab/dt=2026-11-20/hour=09/")
                        if key.endswith("manifest.json"))
    page_key = manifest_key.replace("manifest.json", "page-0001.json.gz")
    (Path(lake.root) / page_key).write_bytes((Path(lake.root) / page_key).read_bytes()[:100])  # truncated gzip

    result = restage(defs, instance, KEYS[0])

    assert not result.success
    (failure,) = [event for event in result.all_events if event.is_step_failure]
    message = failure.step_failure_data.error.message
    assert f"glow-lab snapshot for 2026-11-20T09:00:00Z is damaged: {page_key}: its gzip data is truncated" in message
    assert f"move {manifest_key} aside" in message
    assert failure.step_failure_data.user_failure_data.description in message  # a dg.Failure, not a crash
    assert table_contents(database_url)["landing.product_observations"] == before


def add_one_to_every_price(payload: dict) -> None:
    for product in payload["products"]:
        for variant in product["variants"]:
            variant["price"] = str(Decimal(variant["price"]) + 1)


def test_restaging_old_new_old_snapshots_gives_back_the_old_tables(pipeline, database_url, lake):
    defs, instance = pipeline
    assert restage(defs, instance, KEYS[0], KEYS[2]).success
    old = table_contents(database_url)

    newer = [republish_shopify_snapshot(lake, hour, "glow-lab", add_one_to_every_price) for hour in HOURS]
    assert restage(defs, instance, KEYS[0], KEYS[2]).success
    dim_vs_landing = """
        select count(*) from marts.dim_products as dim
        join lateral (select price from landing.product_observations as landing
                      where landing.product_key = dim.product_key
                      order by partition_hour desc limit 1) as latest on true
        where dim.latest_price is distinct from latest.price"""
    assert scalar(database_url, dim_vs_landing) == 0
    assert table_contents(database_url)["marts.dim_products"] != old["marts.dim_products"]

    for manifest_key in newer:  # the operator restores the older snapshots
        (Path(lake.root) / manifest_key).unlink()
    assert restage(defs, instance, KEYS[0], KEYS[2]).success

    assert scalar(database_url, dim_vs_landing) == 0
    assert table_contents(database_url) == old
