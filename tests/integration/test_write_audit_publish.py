"""Write-audit-publish: no reader, lookback or mart ever sees a row its gate did not pass."""

from datetime import UTC, datetime, timedelta

import dagster as dg
import psycopg
import pytest

from orchestration.checks.gates import product_observations_gate
from orchestration.partitions import hourly_partitions
from orchestration.staging.products import stage_products_hour
from orchestration.warehouse.postgres import WarehouseResource
from orchestration.warehouse.publication import PRODUCT_PUBLICATION, UnauditedBatchError, publish
from radar_demo.history import write_history
from tests.integration.test_product_pipeline import product_model_tables, restage
from tests.support import build_test_definitions, demo_config, republish_shopify_snapshot, stage_and_publish

HOURS = [datetime(2026, 11, 20, 9, tzinfo=UTC) + timedelta(hours=i) for i in range(4)]
KEYS = [f"{h:%Y-%m-%d-%H}:00" for h in HOURS]
BAD_HOUR = HOURS[2]


def contents(database_url: str, tables: list[str] | None = None) -> dict[str, list[tuple]]:
    """What readers see: the given tables, by default the published landing tables and every product model."""
    with psycopg.connect(database_url) as connection:
        if tables is None:
            tables = ["landing.product_observations", "landing.product_scrapes", *product_model_tables(connection)]
        return {table: sorted(connection.execute(f"select * from {table}").fetchall(), key=repr) for table in tables}


def count(database_url: str, statement: str, params=()) -> int:
    with psycopg.connect(database_url) as connection:
        return connection.execute(statement, params).fetchone()[0]


def one_negative_price():
    """An edit giving the first variant of the first non-empty page a negative price."""
    done = []

    def edit(payload: dict) -> None:
        if payload["products"] and not done:
            payload["products"][0]["variants"][0]["price"] = "-12.50"
            done.append(True)

    return edit


def empty_warehouse(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("drop schema if exists landing, landing_pending, analytics, marts, alerts cascade")


def test_a_failed_audit_publishes_nothing_and_the_next_hour_is_as_if_the_bad_hour_never_happened(
        database_url, lake, demo_market):
    config = demo_config("http://127.0.0.1:8765")
    write_history(lake, demo_market, config.product_sources, HOURS)
    defs = build_test_definitions(config, database_url, lake)

    # The reference: the same hours with the bad hour never staged.
    instance = dg.DagsterInstance.ephemeral()
    assert restage(defs, instance, KEYS[0], KEYS[1]).success
    assert restage(defs, instance, KEYS[3]).success
    without_bad_hour = contents(database_url)

    empty_warehouse(database_url)
    instance = dg.DagsterInstance.ephemeral()
    assert restage(defs, instance, KEYS[0], KEYS[1]).success
    republish_shopify_snapshot(lake, BAD_HOUR, "glow-lab", one_negative_price())
    result = restage(defs, instance, KEYS[2])

    assert not result.success
    (gate,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_staged_products"]
    assert not gate.passed and "price" in gate.description and "-12.5" in gate.description
    assert result.asset_materializations_for_node("publish_products") == []
    assert count(database_url, "select count(*) from landing.product_observations where partition_hour = %s",
                 [BAD_HOUR]) == 0
    # The failed rows wait for inspection, with the verdict that stopped them.
    assert count(database_url, "select count(*) from landing_pending.product_observations where price < 0") == 1
    with psycopg.connect(database_url) as connection:
        passed, verdict = connection.execute("select passed, result from landing_pending.audits "
                                             "where partition_start = %s", [BAD_HOUR]).fetchone()
    assert passed is False and verdict == gate.description

    assert restage(defs, instance, KEYS[3]).success  # the next hour looks back past the unpublished one
    assert contents(database_url) == without_bad_hour
    assert count(database_url, "select count(*) from marts.fct_price_history where price < 0") == 0


def test_a_failed_restage_leaves_the_published_hour_untouched(database_url, lake, demo_market):
    config = demo_config("http://127.0.0.1:8765")
    write_history(lake, demo_market, config.product_sources, HOURS[:1])
    defs = build_test_definitions(config, database_url, lake)
    instance = dg.DagsterInstance.ephemeral()
    assert stage_and_publish(defs, instance, KEYS[0]).success
    published = contents(database_url, ["landing.product_observations"])

    republish_shopify_snapshot(lake, HOURS[0], "glow-lab", one_negative_price())
    result = stage_and_publish(defs, instance, KEYS[0])
    assert not result.success and result.asset_materializations_for_node("publish_products") == []
    assert contents(database_url, ["landing.product_observations"]) == published
    assert count(database_url, "select count(*) from landing_pending.product_observations") == 1443


@pytest.fixture
def staged_hour(database_url, lake, demo_market):
    config = demo_config("http://127.0.0.1:8765")
    write_history(lake, demo_market, config.product_sources, HOURS[:1])
    warehouse = WarehouseResource(database_url=database_url)
    warehouse.ensure_landing_schema()
    stage_products_hour(lake, warehouse, config.product_sources, HOURS[0])
    return config, warehouse


def test_publishing_requires_a_pass_on_the_very_batch_staged(staged_hour, lake):
    config, warehouse = staged_hour
    gate = product_observations_gate(config)
    hourly = hourly_partitions(HOURS[0])
    with pytest.raises(UnauditedBatchError, match="gate staged_products has not audited the rows staged for it"):
        publish(warehouse, PRODUCT_PUBLICATION, [HOURS[0]])

    assert gate.run(warehouse, hourly, [HOURS[0]]).passed
    stage_products_hour(lake, warehouse, config.product_sources, HOURS[0])  # a new batch after the audit
    with pytest.raises(UnauditedBatchError, match="has not audited"):
        publish(warehouse, PRODUCT_PUBLICATION, [HOURS[0]])
    assert warehouse.query("select count(*) from landing.product_observations") == [(0,)]

    assert gate.run(warehouse, hourly, [HOURS[0]]).passed
    outcome = publish(warehouse, PRODUCT_PUBLICATION, [HOURS[0]])
    assert outcome.published == [HOURS[0]] and outcome.rows_by_table["landing.product_observations"] == 1443
    assert warehouse.query("select count(*) from landing_pending.product_observations") == [(0,)]

    again = publish(warehouse, PRODUCT_PUBLICATION, [HOURS[0]])  # nothing pending: a no-op
    assert again.published == [] and again.already_published == [HOURS[0]]
    assert warehouse.query("select count(*) from landing.product_observations") == [(1443,)]
    # A check run again on a published hour audits what readers see.
    result = gate.run(warehouse, hourly, [HOURS[0]])
    assert result.passed and result.pending_partitions == 0 and result.rows_validated == 1443
