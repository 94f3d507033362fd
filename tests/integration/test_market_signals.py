"""The market-signal marts, built by the real restage job (a backfill, then hour by hour), scored
against what the demo generator injected: flash sales, gradual discounts, misleading discounts,
sell-outs and restocks, and price jitter that must make no event."""

import json
import subprocess
from datetime import UTC, datetime, timedelta

import dagster as dg
import psycopg

from orchestration.assets.dbt import environment
from orchestration.warehouse.dbt import DBT_PROJECT_DIR, dbt_executable
from orchestration.warehouse.postgres import WarehouseResource
from radar_demo.catalog import DemoMarket
from radar_demo.event_scores import score_events
from radar_demo.history import write_history
from radar_demo.truth import injected_events
from tests.support import build_test_definitions, demo_config, range_tags

SHOPS = ("glow-lab", "kopi-nusantara", "trail-and-tide")
START = datetime(2026, 11, 10, tzinfo=UTC)
BACKFILL_HOURS = 96


def key(hour: datetime) -> str:
    return f"{hour:%Y-%m-%d-%H}:00"


def first_two_hour_flash_sale(demo_market, after: datetime):
    """A flash sale the live hours can watch from start to end in three runs."""
    sales = [event for shop in SHOPS for event in injected_events(demo_market.shop(shop), after, after + timedelta(days=1))
             if event.kind == "flash_sale" and event.starts_at >= after
             and event.ends_at - event.starts_at == timedelta(hours=2)]
    return min(sales, key=lambda event: event.starts_at)


def test_event_marts_match_what_the_demo_injected(database_url, lake, demo_market, tmp_path):
    flash = first_two_hour_flash_sale(demo_market, START + timedelta(hours=BACKFILL_HOURS))
    live = [flash.starts_at + timedelta(hours=offset) for offset in range(3)]
    backfill_end = flash.starts_at - timedelta(hours=1)
    hours = [START + timedelta(hours=offset) for offset in range(int((live[-1] - START).total_seconds() // 3600) + 1)]
    config = demo_config("http://127.0.0.1:8765")  # history is written offline; the URL is only recorded
    write_history(lake, demo_market, config.product_sources, hours)
    defs = build_test_definitions(config, database_url, lake)
    instance = dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("restage_products_job")
    assert job.execute_in_process(instance=instance, tags=range_tags(key(START), key(backfill_end)),
                                  raise_on_error=False).success

    with psycopg.connect(database_url, autocommit=True) as connection:
        def query(statement, params=()):
            return connection.execute(statement, params).fetchall()

        def the_flash_sale():
            return query("select event_id, ended_at from marts.mart_discount_events where event_type = 'flash_sale' "
                         "and source_name = %s and source_variant_id = %s and started_at >= %s",
                         [flash.shop, str(flash.variant_id), flash.starts_at])

        # Live hours: the flash sale is listed as soon as its drop is seen, then updated in place.
        seen = []
        for hour in live:
            assert job.execute_in_process(instance=instance, partition_key=key(hour), raise_on_error=False).success
            seen.append(the_flash_sale())
        assert len(seen[0]) == 1 and seen[0][0][1] is None
        assert seen[1] == seen[0]
        assert len(seen[2]) == 1 and seen[2][0][0] == seen[0][0][0]
        ended = seen[2][0][1]
        assert flash.ends_at < ended < flash.ends_at + timedelta(minutes=10)  # the scrape at :05 sees the price back

        scores = score_events(query, [demo_market.shop(shop) for shop in SHOPS], hours)
        assert scores.passes(0.95), scores.describe()
        assert scores.noise_events == []
        found = {score.event_type: score.injected for score in scores.scores}
        assert found["flash_sale"] >= 20 and found["sold_out"] >= 40 and min(found.values()) >= 5, found
        # ... and the score can fail: the same marts against another seed's market.
        other = DemoMarket(seed=7)
        assert not score_events(query, [other.shop(shop) for shop in SHOPS], hours).passes(0.95)

        # Every mart holds its hours, and the honest promotions' claims are judged honest.
        for mart in ("mart_price_movers", "mart_brand_share", "mart_price_rating_heatmap", "mart_scrape_health"):
            assert query(f"select count(*) from marts.{mart}")[0][0] > 0, mart
        claims = dict(query("select is_misleading, count(*) from marts.mart_discount_claims "
                            "where prior_days_observed > 0 group by 1"))
        assert claims.get(False, 0) >= 10 and claims.get(True, 0) >= 5, claims
        health = query("select count(*), min(rows_vs_trailing_median), max(failed_pages) from marts.mart_scrape_health "
                       "where baseline_hours > 0")
        assert health[0][0] == len(SHOPS) * (len(hours) - 1) and health[0][1] == 1 and health[0][2] == 0

        # The fill-rate check warns and does not block: every shop's brands vanish in the last hour.
        connection.execute("update marts.mart_scrape_health set brand_fill_rate = 0 where partition_hour = %s",
                           [live[-1]])
        window = {"window_start": live[-1].isoformat(), "window_end": (live[-1] + timedelta(hours=1)).isoformat()}
        with environment(WarehouseResource(database_url=database_url).dbt_environment()):
            checked = subprocess.run(
                [dbt_executable(), "test", "--select", "mart_scrape_health", "--vars", json.dumps(window),
                 "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                 "--target-path", str(tmp_path / "target")],
                capture_output=True, text=True, timeout=300)
        assert checked.returncode == 0, checked.stdout[-2000:]
        assert "WARN=1" in checked.stdout and "not_below_baseline_mart_scrape" in checked.stdout, checked.stdout[-2000:]
