"""The market report, materialized by Dagster over real marts and opened in real headless Chromium
from a file URL with the network blocked: every section has rendered charts, no console error,
and the numbers it shows are the marts' numbers."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import dagster as dg
import psycopg

from orchestration.config import CreatorSearch
from orchestration.sources.browser.runtime import launch_chromium
from radar_demo.creator_history import write_creator_history
from radar_demo.history import write_history
from tests.support import (
    PROJECT_ROOT,
    build_test_definitions,
    demo_brands,
    demo_config,
    jsonld_source,
    range_tags,
)

# A day on which the demo has flash sales still running at midnight, restocks and misleading claims;
# the JSON-LD shop brings ratings (Shopify's products.json has none).
DAY = date(2026, 11, 13)
SECTIONS = ["kpis", "brand_share", "heatmap", "movers", "discounts", "restocks", "misleading", "comets", "health"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def hour_key(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d-%H}:00"


def build_a_day_and_four_days_of_creators(database_url, lake, demo_market, market_server):
    # From 20:00 the day before: enough for 24-hour price changes on DAY.
    start = datetime(DAY.year, DAY.month, DAY.day, 20, tzinfo=UTC) - timedelta(days=1)
    search = CreatorSearch(base_url=f"{market_server.url}/tikhub", hashtags=["skincare", "serum", "kopi", "glowup"],
                           keywords=["serum"], pages_per_hashtag=2, rate_limit_per_second=50)
    config = demo_config(market_server.url, extra_sources=(jsonld_source(market_server.url),)).model_copy(update={"creators": search, "brands": demo_brands()})
    write_history(lake, demo_market, config.product_sources, [start + timedelta(hours=h) for h in range(28)])
    creator_days = [datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC) - timedelta(days=offset) for offset in (3, 2, 1, 0)]
    write_creator_history(lake, demo_market, search, creator_days)
    defs = build_test_definitions(config, database_url, lake)
    instance = dg.DagsterInstance.ephemeral()
    assert defs.resolve_job_def("restage_products_job").execute_in_process(
        instance=instance, tags=range_tags(hour_key(start), hour_key(start + timedelta(hours=27)))).success
    assert defs.resolve_job_def("restage_creators_job").execute_in_process(
        instance=instance, tags=range_tags(f"{creator_days[0]:%Y-%m-%d}", f"{creator_days[-1]:%Y-%m-%d}")).success
    return defs, instance


def test_the_report_renders_every_section_offline_with_the_marts_numbers(
        database_url, lake, demo_market, market_server):
    defs, instance = build_a_day_and_four_days_of_creators(database_url, lake, demo_market, market_server)
    result = defs.resolve_job_def("market_report_job").execute_in_process(instance=instance, partition_key=f"{DAY}")
    (materialization,) = result.asset_materializations_for_node("market_report")
    metadata = materialization.metadata
    assert metadata["sections_filled"].value == len(SECTIONS), metadata["sections_empty"].value
    location = metadata["report"].value
    assert location.startswith("file://") and metadata["object_key"].value.startswith(f"reports/market/dt={DAY}/")
    page = Path(url2pathname(urlsplit(location).path))

    ARTIFACTS.mkdir(exist_ok=True)
    blocked, console_errors = [], []
    with launch_chromium() as (browser, _):
        context = browser.new_context(viewport={"width": 1280, "height": 900})

        def only_the_file(route):
            if route.request.url.startswith("file:"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", only_the_file)
        tab = context.new_page()
        tab.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
        tab.on("pageerror", lambda error: console_errors.append(str(error)))
        tab.goto(page.as_uri(), wait_until="load")
        tab.wait_for_function("document.querySelectorAll('svg.main-svg').length > 20")
        charts = {section: tab.locator(f"section#{section} svg.main-svg").count() for section in SECTIONS}
        empty_notes = tab.locator("p.empty").all_inner_texts()
        cards = tab.eval_on_selector_all("section#kpis .card", "cards => cards.map(c => [c.dataset.source, "
                                         "Number(c.dataset.listings), Number(c.dataset.shareDiscounted)])")
        sources_named = tab.locator("section#kpis p.source").inner_text()
        tab.screenshot(path=str(ARTIFACTS / "market_report.png"), full_page=True)
        context.close()

    assert blocked == [] and console_errors == []
    assert all(count >= 1 for count in charts.values()), charts
    assert empty_notes == []
    assert "marts.mart_market_kpis" in sources_named and "rows up to" in sources_named
    with psycopg.connect(database_url) as connection:
        expected = connection.execute(
            "select source_name, sum(listings)::int, round(sum(share_discounted * listings) / sum(listings), 4)::float "
            "from marts.mart_market_kpis where market_date = %s group by 1 order by 1", [DAY]).fetchall()
    assert [(source, listings, round(share, 4)) for source, listings, share in cards] == expected
    assert (ARTIFACTS / "market_report.png").stat().st_size > 50_000
