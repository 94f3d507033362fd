"""The held bad-input table (README, "Reliability"): each damage to one source's archived hour ends
in a quarantine row with a reason, a named gate failure, or a clear error, and never in a
silently published row.

Each case: hour 0 of three demo shops is staged, audited and published; then glow-lab's snapshot of
hour 1 is damaged and hour 1 is staged, audited and published (dbt is not needed to tell).
"""

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from orchestration.config import ProductGate
from orchestration.formats.rows import PRODUCTS_DOMAIN
from orchestration.snapshots.manifest import latest_manifest
from radar_demo.history import write_history
from tests.support import (
    build_test_definitions,
    demo_config,
    republish_shopify_snapshot,
    republish_snapshot,
    stage_and_publish,
)

HOURS = [datetime(2026, 11, 20, 9, tzinfo=UTC), datetime(2026, 11, 20, 10, tzinfo=UTC)]
KEYS = [f"{h:%Y-%m-%d-%H}:00" for h in HOURS]
SOURCE = "glow-lab"
LOGIN_PAGE = (b"<!doctype html><html><head><title>Account login - Glow Lab</title></head><body>"
              b"<form action='/account/login' method='post'><input name='customer[email]'></form></body></html>")


def first_variant(payload: dict) -> dict | None:
    return payload["products"][0]["variants"][0] if payload["products"] else None


def on_first_variant(change):
    """An edit applying ``change`` to the first variant of the snapshot's first page only."""
    done = []

    def edit(payload: dict) -> None:
        variant = first_variant(payload)
        if variant is not None and not done:
            change(payload, variant)
            done.append(True)

    return edit


def set_price(value):
    return on_first_variant(lambda payload, variant: variant.update(price=value))


def first_page_body(body: bytes):
    return lambda index, old: body if index == 0 else old


def damage_object(lake, how: str) -> str:
    manifest = latest_manifest(lake, PRODUCTS_DOMAIN, SOURCE, HOURS[1])
    key = manifest["requests"][0]["object_key"]
    path = Path(lake.root) / key
    if how == "missing":
        path.unlink()
    elif how == "truncated":
        path.write_bytes(path.read_bytes()[:100])
    else:
        path.write_bytes(gzip.compress(b'{"products": []}'))
    return key


def duplicate_first_page(lake) -> str:
    from orchestration.formats.responses import FetchedResponse
    from orchestration.snapshots.manifest import SnapshotWriter, fetched_at, read_pages

    old = latest_manifest(lake, PRODUCTS_DOMAIN, SOURCE, HOURS[1])
    writer = SnapshotWriter(lake, PRODUCTS_DOMAIN, SOURCE, old["connector"], old["connector_version"], HOURS[1],
                            run_id="duplicated", started_at=HOURS[1] + timedelta(minutes=50))
    pages = list(read_pages(lake, old))
    for page in [pages[0]] * 10 + pages[1:]:
        request = page.request
        writer.add(FetchedResponse(request["url"], request["status"], request["content_type"], page.body,
                                   fetched_at(request), 1), request["records"])
    return writer.finish()["manifest_key"]


@dataclass(frozen=True)
class Case:
    damage: str
    outcome: str  # quarantined | gate | failure | deduplicated
    evidence: str  # in the quarantine reason, the gate's description, or the failure message

    def __str__(self) -> str:
        return self.damage


CASES = {
    Case("a page replaced by invalid JSON", "gate", f"source={SOURCE}"):
        lambda lake: republish_snapshot(lake, HOURS[1], SOURCE, first_page_body(b'{"products": [')),
    Case("a login page answered with HTTP 200", "gate", f"source={SOURCE}"):
        lambda lake: republish_snapshot(lake, HOURS[1], SOURCE, first_page_body(LOGIN_PAGE)),
    Case("an empty products array from a store that had hundreds", "gate", f"source={SOURCE}"):
        lambda lake: republish_shopify_snapshot(lake, HOURS[1], SOURCE, lambda payload: payload.update(products=[])),
    Case("a price of one trillion as a string", "quarantined", "above the USD ceiling"):
        lambda lake: republish_shopify_snapshot(lake, HOURS[1], SOURCE, set_price("1000000000000.00")),
    Case("a price of one trillion as a JSON number", "quarantined", "above the USD ceiling"):
        lambda lake: republish_shopify_snapshot(lake, HOURS[1], SOURCE, set_price(1e12)),
    Case("a price beyond the column (999999999999999)", "quarantined", "beyond what the warehouse stores"):
        lambda lake: republish_shopify_snapshot(lake, HOURS[1], SOURCE, set_price("999999999999999")),
    Case("a price 100 times the last one", "quarantined", "the last accepted price"):
        lambda lake: republish_shopify_snapshot(lake, HOURS[1], SOURCE, on_first_variant(
            lambda payload, variant: variant.update(price=str(Decimal(variant["price"]) * 100)))),
    Case("a price that is not a number", "quarantined", "'abc' is not a decimal amount"):
        lambda lake: republish_shopify_snapshot(lake, HOURS[1], SOURCE, set_price("abc")),
    Case("an empty title", "quarantined", "the title is empty"):
        lambda lake: republish_shopify_snapshot(lake, HOURS[1], SOURCE, on_first_variant(
            lambda payload, variant: payload["products"][0].update(title="  "))),
    Case("a negative price", "gate", "expect_column_values_to_be_between on price"):
        lambda lake: republish_shopify_snapshot(lake, HOURS[1], SOURCE, set_price("-12.50")),
    Case("a missing variant id", "gate", "expect_column_values_to_not_be_null on source_variant_id"):
        lambda lake: republish_shopify_snapshot(lake, HOURS[1], SOURCE, on_first_variant(
            lambda payload, variant: variant.pop("id"))),
    Case("a truncated gzip object", "failure", "its gzip data is truncated or corrupt"):
        lambda lake: damage_object(lake, "truncated"),
    Case("an object whose SHA-256 does not match the manifest", "failure", "its content has sha256"):
        lambda lake: damage_object(lake, "replaced"),
    Case("a manifest listing an object that is missing", "failure", "the object is missing"):
        lambda lake: damage_object(lake, "missing"),
    Case("a page archived ten times", "deduplicated", ""): duplicate_first_page,
}


def rows(database_url: str, statement: str, params=()) -> list[tuple]:
    with psycopg.connect(database_url) as connection:
        return connection.execute(statement, params).fetchall()


@pytest.mark.parametrize("case", list(CASES), ids=str)
def test_bad_input_is_quarantined_held_back_or_a_clear_failure(case, database_url, lake, demo_market):
    config = demo_config("http://127.0.0.1:8765")
    config = config.model_copy(update={"product_gate": ProductGate(new_source_grace_hours=1)})
    write_history(lake, demo_market, config.product_sources, HOURS)
    defs = build_test_definitions(config, database_url, lake)
    instance = dg.DagsterInstance.ephemeral()
    assert stage_and_publish(defs, instance, KEYS[0]).success
    clean_hour_rows = len(demo_market.shop(SOURCE).variants)  # every variant is listed every hour
    CASES[case](lake)

    result = stage_and_publish(defs, instance, KEYS[1])

    published = rows(database_url, "select count(*) from landing.product_observations where partition_hour = %s "
                                   "and source_name = %s", [HOURS[1], SOURCE])[0][0]
    reasons = [reason for (reason,) in rows(database_url, "select reason from landing.quarantine "
                                                          "where partition_hour = %s", [HOURS[1]])]
    if case.outcome in ("quarantined", "deduplicated"):
        assert result.success
        if case.outcome == "quarantined":  # one variant, or every variant of a product without a title
            assert reasons and all(case.evidence in reason for reason in reasons), reasons
        else:
            assert reasons == []
        assert published + len(reasons) == clean_hour_rows  # nothing lost without a reason
        return
    assert not result.success
    assert published == 0  # nothing of the hour reached readers: not glow-lab, not the healthy shops
    assert rows(database_url, "select count(*) from landing.product_observations where partition_hour = %s",
                [HOURS[1]]) == [(0,)]
    if case.outcome == "gate":
        (gate,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_staged_products"]
        assert not gate.passed and case.evidence in gate.description, gate.description
    else:
        (failure,) = [event for event in result.all_events if event.is_step_failure]
        message = failure.step_failure_data.error.message
        assert case.evidence in message and f"{SOURCE} snapshot for" in message
        assert failure.step_failure_data.user_failure_data is not None  # a dg.Failure, not a traceback


def test_a_repricing_confirmed_by_the_next_hour_is_published(database_url, lake, demo_market):
    hours = [*HOURS, HOURS[1] + timedelta(hours=1)]
    config = demo_config("http://127.0.0.1:8765")
    write_history(lake, demo_market, config.product_sources, hours)
    defs = build_test_definitions(config, database_url, lake)
    instance = dg.DagsterInstance.ephemeral()
    assert stage_and_publish(defs, instance, KEYS[0]).success
    for hour in hours[1:]:
        republish_shopify_snapshot(lake, hour, SOURCE, set_price("4321.00"))
        assert stage_and_publish(defs, instance, f"{hour:%Y-%m-%d-%H}:00").success

    first_page = json.loads(gzip.decompress((Path(lake.root) / latest_manifest(
        lake, PRODUCTS_DOMAIN, SOURCE, hours[2])["requests"][0]["object_key"]).read_bytes()))
    variant_id = str(first_variant(first_page)["id"])
    prices = rows(database_url, "select partition_hour, price from landing.product_observations "
                                "where source_variant_id = %s order by 1", [variant_id])
    assert [hour for hour, _ in prices] == [hours[0], hours[2]]  # held back once, then confirmed
    assert prices[1][1] == Decimal("4321.00")
    (reason,), = rows(database_url, "select reason from landing.quarantine where partition_hour = %s", [hours[1]])
    assert "accepted if the next hour confirms it" in reason
