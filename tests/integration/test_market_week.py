"""Four demo days through the real pipeline, built once for this module: 96 hours backfilled (the
backfill runs on today's clock), then three live hours with the clock at each hour's :55, three
Shopify shops and the JSON-LD shop, four days of creators, and alert rules posting to a local
Slack-style receiver. The tests read it:

- the market-signal marts against what the demo generator injected (flash sales, gradual and
  misleading discounts, sell-outs, restocks; jitter must make no event);
- alerts: nothing from the backfill, exactly the live hours' events, one POST each;
- the market report of a full day, opened offline in headless Chromium;
- last, because it edits a mart: the fill-rate check warns without blocking.
"""

import json
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import dagster as dg
import psycopg
import pytest

from orchestration.assets.dbt import environment
from orchestration.clock import ClockResource
from orchestration.config import CreatorSearch
from orchestration.config.alerts import AlertChannel, AlertRule, Alerts
from orchestration.snapshots.store import LocalObjectStore
from orchestration.sources.browser.runtime import launch_chromium
from orchestration.warehouse.dbt import DBT_PROJECT_DIR, dbt_executable
from orchestration.warehouse.embedded import WAREHOUSE_DATABASE
from orchestration.warehouse.postgres import WarehouseResource
from radar_demo.catalog import DemoMarket
from radar_demo.creator_history import write_creator_history
from radar_demo.event_scores import score_events
from radar_demo.history import write_history
from radar_demo.truth import injected_events
from tests.alert_receiver import AlertReceiver
from tests.integration.test_alerts import SECRET_PATH, deliver, events_in_marts_since, outbox
from tests.support import (
    PROJECT_ROOT,
    build_test_definitions,
    demo_brands,
    demo_config,
    jsonld_source,
    range_tags,
)

SHOPS = ("glow-lab", "kopi-nusantara", "trail-and-tide")
START = datetime(2026, 11, 10, tzinfo=UTC)
BACKFILL_HOURS = 96
# A full day of the backfill with flash sales running past midnight, restocks and misleading claims.
REPORT_DAY = date(2026, 11, 13)
SECTIONS = ["kpis", "brand_share", "heatmap", "movers", "discounts", "restocks", "misleading", "comets", "health"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def key(hour: datetime) -> str:
    return f"{hour:%Y-%m-%d-%H}:00"


def first_two_hour_flash_sale(demo_market, after: datetime):
    """A flash sale the live hours can watch from start to end in three runs."""
    sales = [event for shop in SHOPS for event in injected_events(demo_market.shop(shop), after, after + timedelta(days=1))
             if event.kind == "flash_sale" and event.starts_at >= after
             and event.ends_at - event.starts_at == timedelta(hours=2)]
    return min(sales, key=lambda event: event.starts_at)


ALERT_RULES = [
    AlertRule(name="flash-sales", kind="flash_sale_started", channel="team-slack"),
    AlertRule(name="restocks", kind="back_in_stock", channel="team-slack"),
    AlertRule(name="drops", kind="price_drop", min_drop_pct=20, channel="team-slack"),
    AlertRule(name="drops-vs-week", kind="price_drop", min_drop_pct=20, against="median_7d", channel="team-slack"),
    AlertRule(name="new-lows", kind="all_time_low", channel="team-slack"),
    AlertRule(name="fake-discounts", kind="misleading_discount", channel="team-slack"),
    AlertRule(name="quiet-sources", kind="source_unhealthy", min_rows_vs_median=1, channel="team-slack"),
]


@dataclass
class MarketWeek:
    database_url: str
    instance: dg.DagsterInstance
    defs: dg.Definitions  # the last live hour's
    flash: object
    live: list[datetime]
    hours: list[datetime]
    flash_sale_after_each_live_hour: list[list[tuple]]
    events_before_live_hours: int
    outbox_after_backfill: list[tuple]
    receiver: AlertReceiver

    def query(self, statement: str, params=()) -> list[tuple]:
        with psycopg.connect(self.database_url) as connection:
            return connection.execute(statement, params).fetchall()


@pytest.fixture(scope="module")
def week(postgres_urls, tmp_path_factory, demo_market):
    database_url = postgres_urls[WAREHOUSE_DATABASE]
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("drop schema if exists landing, landing_pending, analytics, marts, alerts cascade")
    lake = LocalObjectStore(root=str(tmp_path_factory.mktemp("week") / "lake"))
    flash = first_two_hour_flash_sale(demo_market, START + timedelta(hours=BACKFILL_HOURS))
    live = [flash.starts_at + timedelta(hours=offset) for offset in range(3)]
    hours = [START + timedelta(hours=offset) for offset in range(int((live[-1] - START).total_seconds() // 3600) + 1)]
    search = CreatorSearch(hashtags=["skincare", "serum", "kopi", "glowup"], keywords=["serum"], pages_per_hashtag=2,
                           rate_limit_per_second=50)
    alerts = Alerts(channels=[AlertChannel(name="team-slack", kind="slack", url_env="RADAR_TEST_SLACK_URL")],
                    rules=ALERT_RULES)
    # History is written offline; the market URL is only recorded.
    config = demo_config("http://127.0.0.1:8765", extra_sources=(jsonld_source("http://127.0.0.1:8765"),))
    config = config.model_copy(update={"creators": search, "brands": demo_brands(), "alerts": alerts})
    write_history(lake, demo_market, config.product_sources, hours)
    creator_days = [datetime.combine(REPORT_DAY, datetime.min.time(), UTC) - timedelta(days=n) for n in (3, 2, 1, 0)]
    write_creator_history(lake, demo_market, search, creator_days)

    with AlertReceiver() as receiver, pytest.MonkeyPatch.context() as environment_patch:
        environment_patch.setenv("RADAR_TEST_SLACK_URL", receiver.url + SECRET_PATH)
        instance = dg.DagsterInstance.ephemeral()
        backfill = build_test_definitions(config, database_url, lake)
        assert backfill.resolve_job_def("restage_products_job").execute_in_process(
            instance=instance, tags=range_tags(key(START), key(live[0] - timedelta(hours=1)))).success
        assert backfill.resolve_job_def("restage_creators_job").execute_in_process(
            instance=instance, tags=range_tags(f"{creator_days[0]:%Y-%m-%d}", f"{creator_days[-1]:%Y-%m-%d}")).success
        built = MarketWeek(database_url, instance, backfill, flash, live, hours, [], 0, outbox(database_url), receiver)
        (built.events_before_live_hours,) = built.query(
            "select (select count(*) from marts.mart_availability_events where event_type = 'restocked') "
            "+ (select count(*) from marts.mart_discount_events where event_type = 'flash_sale')")[0]
        for hour in live:
            built.defs = build_test_definitions(
                config, database_url, lake, clock=ClockResource(simulated_start=(hour + timedelta(minutes=55)).isoformat()))
            assert built.defs.resolve_job_def("restage_products_job").execute_in_process(
                instance=instance, partition_key=key(hour)).success
            built.flash_sale_after_each_live_hour.append(built.query(
                "select event_id, ended_at from marts.mart_discount_events where event_type = 'flash_sale' "
                "and source_name = %s and source_variant_id = %s and started_at >= %s",
                [flash.shop, str(flash.variant_id), flash.starts_at]))
        yield built


def test_event_marts_match_what_the_demo_injected(week, demo_market):
    # Live hours: the flash sale is listed as soon as its drop is seen, then updated in place.
    seen = week.flash_sale_after_each_live_hour
    assert len(seen[0]) == 1 and seen[0][0][1] is None
    assert seen[1] == seen[0]
    assert len(seen[2]) == 1 and seen[2][0][0] == seen[0][0][0]
    ended = seen[2][0][1]
    assert week.flash.ends_at < ended < week.flash.ends_at + timedelta(minutes=10)  # the :05 scrape sees it back

    scores = score_events(week.query, [demo_market.shop(shop) for shop in SHOPS], week.hours)
    assert scores.passes(0.95), scores.describe()
    assert scores.noise_events == []
    found = {score.event_type: score.injected for score in scores.scores}
    assert found["flash_sale"] >= 20 and found["sold_out"] >= 40 and min(found.values()) >= 5, found
    # ... and the score can fail: the same marts against another seed's market.
    other = DemoMarket(seed=7)
    assert not score_events(week.query, [other.shop(shop) for shop in SHOPS], week.hours).passes(0.95)

    # Every mart holds its hours, and the honest promotions' claims are judged honest.
    for mart in ("mart_price_movers", "mart_brand_share", "mart_price_rating_heatmap", "mart_scrape_health"):
        assert week.query(f"select count(*) from marts.{mart}")[0][0] > 0, mart
    claims = dict(week.query("select is_misleading, count(*) from marts.mart_discount_claims "
                             "where prior_days_observed > 0 and source_name = any(%s) group by 1", [list(SHOPS)]))
    assert claims.get(False, 0) >= 10 and claims.get(True, 0) >= 5, claims
    health = week.query("select count(*), min(rows_vs_trailing_median), max(failed_pages) from marts.mart_scrape_health "
                        "where baseline_hours > 0 and source_name = any(%s)", [list(SHOPS)])
    assert health[0][0] == len(SHOPS) * (len(week.hours) - 1) and health[0][1] == 1 and health[0][2] == 0


def test_alerts_skip_the_backfill_and_post_each_live_event_once(week):
    # The backfill ran on today's clock: its flash sales and restocks are history, not news.
    assert week.events_before_live_hours > 0 and week.outbox_after_backfill == []
    alerts = outbox(week.database_url)
    assert all(alert[2] >= week.live[0] for alert in alerts)
    by_rule = {rule.name: sum(1 for alert in alerts if alert[0] == rule.name) for rule in ALERT_RULES}
    assert min(by_rule["flash-sales"], by_rule["restocks"], by_rule["fake-discounts"], by_rule["new-lows"]) >= 1
    assert by_rule["drops"] >= by_rule["flash-sales"]
    assert by_rule == events_in_marts_since(week.database_url, week.live[0])

    receiver = week.receiver
    result = deliver(week.defs, week.instance, week.database_url)
    assert result.success
    assert len(receiver.requests) == len(alerts) == len(receiver.accepted)
    assert sorted(request.headers["idempotency-key"] for request in receiver.requests) == sorted(a[5] for a in alerts)
    flash_message = next(request.body for request in receiver.requests
                         if request.body["text"].startswith("Flash sale started"))
    assert [block["type"] for block in flash_message["blocks"]] == ["header", "section", "context"]
    assert f"source *{week.flash.shop}*" in flash_message["blocks"][2]["elements"][0]["text"]
    assert "(was " in flash_message["blocks"][1]["text"]["text"] and "|" in flash_message["blocks"][1]["text"]["text"]
    assert all(request.path == SECRET_PATH for request in receiver.requests)

    # Re-running the last hour and asking again: nothing new in the outbox, nothing posted.
    rerun = week.defs.resolve_job_def("restage_products_job").execute_in_process(
        instance=week.instance, partition_key=key(week.live[-1]))
    assert rerun.asset_materializations_for_node("product_alerts")[0].metadata["alerts_new"].value == 0
    assert isinstance(deliver(week.defs, week.instance, week.database_url), dg.SkipReason)
    assert len(receiver.requests) == len(alerts)
    assert {alert[3] for alert in outbox(week.database_url)} == {"delivered"}
    secret_seen = [event for event in week.instance.all_logs(rerun.run_id) + week.instance.all_logs(result.run_id)
                   if "xoxb-test-secret" in str(event)]
    assert secret_seen == []


def test_the_report_renders_every_section_offline_with_the_marts_numbers(week):
    result = week.defs.resolve_job_def("market_report_job").execute_in_process(
        instance=week.instance, partition_key=f"{REPORT_DAY}")
    (materialization,) = result.asset_materializations_for_node("market_report")
    metadata = materialization.metadata
    assert metadata["sections_filled"].value == len(SECTIONS), metadata["sections_empty"].value
    location = metadata["report"].value
    assert location.startswith("file://") and metadata["object_key"].value.startswith(f"reports/market/dt={REPORT_DAY}/")
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
    expected = week.query(
        "select source_name, sum(listings)::int, round(sum(share_discounted * listings) / sum(listings), 4)::float "
        "from marts.mart_market_kpis where market_date = %s group by 1 order by 1", [REPORT_DAY])
    assert [(source, listings, round(share, 4)) for source, listings, share in cards] == expected
    assert (ARTIFACTS / "market_report.png").stat().st_size > 50_000


def test_the_fill_rate_check_warns_and_does_not_block(week, tmp_path):
    """Last in the module: it edits the mart. Every shop's brands vanish in the last hour."""
    last = week.live[-1]
    with psycopg.connect(week.database_url, autocommit=True) as connection:
        connection.execute("update marts.mart_scrape_health set brand_fill_rate = 0 where partition_hour = %s", [last])
    window = {"window_start": last.isoformat(), "window_end": (last + timedelta(hours=1)).isoformat()}
    with environment(WarehouseResource(database_url=week.database_url).dbt_environment()):
        checked = subprocess.run(
            [dbt_executable(), "test", "--select", "mart_scrape_health", "--vars", json.dumps(window),
             "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--target-path", str(tmp_path / "target")],
            capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout[-2000:]
    assert "WARN=1" in checked.stdout and "not_below_baseline_mart_scrape" in checked.stdout, checked.stdout[-2000:]
