"""The demo's commands, plugged into `radar` (entry point group ``commerce_radar.commands``).

  radar demo            embedded PostgreSQL + local lake + demo market, 72h of history, Dagster UI
  radar demo --no-ui    the same data build, then exit (tests, benchmarks, CI)
  radar simulate        the real hourly path hour after hour with a moving clock (steady-state proof)
  radar market          serve only the demo market (127.0.0.1:8765 unless --port)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from orchestration.bi import dashboard_link
from orchestration.config import PROJECT_ROOT, load_config
from orchestration.environment import RadarHome
from orchestration.local import (
    RUN_LOG,
    contiguous_ranges,
    current_hour,
    ensure_port_free,
    local_runtime,
    local_warehouse,
    port_setting,
    run_or_exit,
    say,
    serve_ui,
    start_partitions_at_the_data,
)
from radar_demo import DEMO_CONFIG_PATH
from radar_demo.catalog import DEFAULT_SEED, DemoMarket
from radar_demo.outputs import deliver_alerts, point_alerts_at, write_market_report
from radar_demo.server import DemoMarketServer
from radar_demo.tikhub_pages import DEMO_API_KEY

DEMO_MARKET_PORT = 8765
DEMO_MARKET_URL = f"http://127.0.0.1:{DEMO_MARKET_PORT}"  # as written in radar.demo.yaml
CREATOR_HISTORY_DAYS = 14
TRIGGER = "radar demo"


@contextlib.contextmanager
def demo_runtime(home: RadarHome) -> Iterator[RadarHome]:
    """The local runtime with the demo's config, and the key the demo's TikHub stand-in accepts."""
    os.environ["RADAR_CONFIG"] = str(DEMO_CONFIG_PATH)
    os.environ.setdefault("TIKHUB_API_KEY", DEMO_API_KEY)
    with local_runtime(home):
        yield home


@contextlib.contextmanager
def serving_market(seed: int, port: int, home: RadarHome, clock_hook: bool = False) -> Iterator[DemoMarketServer]:
    """The demo market on ``port`` (0: any free port), and the demo config pointed at it."""
    if port:
        ensure_port_free(port, "the demo market", "--market-port or RADAR_DEMO_MARKET_PORT")
    server = DemoMarketServer(DemoMarket(seed=seed), port=port).start()
    os.environ["RADAR_CONFIG"] = str(demo_config_at(home, server.url))
    point_alerts_at(server.url)
    say(f"demo market (generated data, not real shops) on {server.url}"
        + (f"; clock hook {server.url}/_demo/clock" if clock_hook else ""))
    try:
        yield server
    finally:
        server.stop()


def demo_config_at(home: RadarHome, market_url: str) -> Path:
    """The bundled demo config with the market's real address (a second checkout may use another port)."""
    path = home.root / "radar.demo.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DEMO_CONFIG_PATH.read_text(encoding="utf-8").replace(DEMO_MARKET_URL, market_url), encoding="utf-8")
    return path


def report_history_snapshot(instance, asset_key, partition: str, manifest_key: str, generated_by: str,
                            **facts: int) -> None:
    """Tell Dagster about a snapshot the demo's history generator wrote (no run made it)."""
    import dagster as dg

    instance.report_runless_asset_event(dg.AssetMaterialization(
        asset_key=asset_key, partition=partition, description=f"Demo history snapshot written by the {generated_by}.",
        metadata={"manifest_key": manifest_key, **facts, "generated_by": generated_by}))


def build_demo_data(market: DemoMarket, hours: int, live_scrape: bool, server_url: str) -> str | None:
    """Write history snapshots, backfill staging + checks + dbt, scrape the current hour live, deliver
    the alerts and write today's market report (its location is returned)."""
    import dagster as dg

    from orchestration.assets.ingest import snapshot_asset_key
    from orchestration.partitions import hourly_partitions
    from orchestration.resources import object_store_from_environment
    from radar_demo.history import GENERATED_BY, history_exists, history_manifest, write_history

    config = load_config()
    instance = dg.DagsterInstance.get()
    store = object_store_from_environment()
    partitions = hourly_partitions(config.partitions_start)
    now_hour = current_hour()
    history_hours = [now_hour - timedelta(hours=offset) for offset in range(hours, 0, -1)]

    def key(hour: datetime) -> str:
        return partitions.get_partition_key_for_timestamp(hour.timestamp())

    started = time.monotonic()
    written = write_history(store, market, config.product_sources, history_hours)
    say(f"history: wrote {len(written)} snapshots ({len(history_hours)} hours x {len(config.product_sources)} sources, "
        f"existing ones kept) to {store.describe()} in {time.monotonic() - started:.1f}s")
    # Report every history snapshot Dagster has not seen yet, including ones a crashed earlier
    # invocation wrote but never reported.
    newly_reported: set[datetime] = set()  # hours with snapshots staging has not seen (e.g. a source just added)
    for source in config.product_sources:
        asset_key = snapshot_asset_key(source.name)
        done = instance.get_materialized_partitions(asset_key)
        for hour in history_hours:
            if key(hour) in done or not history_exists(store, source, hour):
                continue
            manifest = history_manifest(store, source, hour)
            newly_reported.add(hour)
            report_history_snapshot(instance, asset_key, key(hour), manifest["manifest_key"], GENERATED_BY,
                                    pages=manifest["pages"], records=manifest["records"], bytes=manifest["bytes"])

    staged = instance.get_materialized_partitions(dg.AssetKey("published_products"))
    marts = instance.get_materialized_partitions(dg.AssetKey(["marts", "mart_market_kpis"]))
    staged_sources = staged_sources_by_hour(history_hours[0]) if history_hours else {}
    configured = {source.name for source in config.product_sources}
    # Also rebuild hours staged before a source was added to the config (their rows lack it).
    missing = [hour for hour in history_hours
               if key(hour) not in staged or key(hour) not in marts or hour in newly_reported
               or not configured <= staged_sources.get(hour, set())]
    for first, last in contiguous_ranges(missing):
        say(f"backfill: staging, Great Expectations gate, publishing and dbt for {key(first)} .. {key(last)} (one run)")
        started = time.monotonic()
        run_id = run_or_exit(instance, "restage_products_job", "backfill", range_keys=(key(first), key(last)), trigger=TRIGGER)
        say(f"backfill: done in {time.monotonic() - started:.0f}s (run {run_id})")
    if not missing:
        say(f"backfill: all {len(history_hours)} history hours already built; nothing to do")

    if live_scrape and key(now_hour) not in instance.get_materialized_partitions(dg.AssetKey("published_products")):
        say(f"live: scraping the demo market over HTTP for the current hour {key(now_hour)}")
        run_or_exit(instance, "hourly_products_job", "live scrape", partition_key=key(now_hour), trigger=TRIGGER)

    if config.creators is not None:
        build_creator_demo_data(market, config, instance, store, days=CREATOR_HISTORY_DAYS, live_search=live_scrape)

    warehouse = local_warehouse()
    tables = ["landing.product_observations", "landing.quarantine", "marts.fct_price_history", "marts.dim_products",
              "marts.mart_discount_events", "marts.mart_availability_events", "marts.mart_discount_claims"]
    if config.creators is not None:
        tables += ["landing.creator_observations", "marts.mart_comet_creators"]
    # Exact counts of a demo-sized warehouse; the marts' own row counts are in each materialization.
    counts = {table: warehouse.query(f"select count(*) from {table}")[0][0] for table in tables}
    say("rows: " + ", ".join(f"{table.split('.')[1]} {count:,}" for table, count in counts.items()))
    by_kind = warehouse.query(
        "select source_kind, count(distinct source_name), count(*) from landing.product_observations "
        "where partition_hour = (select max(partition_hour) from landing.product_observations) group by 1 order by 1")
    say("latest hour by connector kind: " + ", ".join(f"{kind} {sources} source(s) {rows:,} rows" for kind, sources, rows in by_kind))
    # The live hour is in the marts too (an event may first become detectable in it).
    report_events_against_truth(config, market, history_hours + ([now_hour] if live_scrape else []))
    deliver_alerts(instance, server_url, TRIGGER)
    return write_market_report(instance, TRIGGER)




def build_creator_demo_data(market, config, instance, store, days: int, live_search: bool) -> None:
    """Creator history for the past ``days`` days (fetched by the real connector from the demo's
    TikHub stand-in, clock pinned to each day), one backfill run, then today's search live."""
    import dagster as dg

    from orchestration.partitions import daily_partitions
    from radar_demo.creator_history import (
        GENERATED_BY,
        creator_history_exists,
        creator_history_manifest_key,
        write_creator_history,
    )

    partitions = daily_partitions(config.partitions_start)
    today = current_hour().replace(hour=0)
    history_days = [today - timedelta(days=offset) for offset in range(days, 0, -1)]

    def key(day: datetime) -> str:
        return partitions.get_partition_key_for_timestamp(day.timestamp())

    started = time.monotonic()
    written = write_creator_history(store, market, config.creators, history_days)
    say(f"creators: wrote {len(written)} daily search snapshots ({days} days, existing ones kept) "
        f"in {time.monotonic() - started:.1f}s")
    asset_key = dg.AssetKey("creator_search_snapshot")
    done = instance.get_materialized_partitions(asset_key)
    for day in history_days:
        if key(day) in done or not creator_history_exists(store, day):
            continue
        report_history_snapshot(instance, asset_key, key(day), creator_history_manifest_key(day), GENERATED_BY)
    built = instance.get_materialized_partitions(dg.AssetKey(["marts", "mart_comet_creators"]))
    missing = [day for day in history_days if key(day) not in built]
    if missing:
        say(f"creators: backfill of staging, gates and creator marts for {key(missing[0])} .. {key(missing[-1])} (one run)")
        run_or_exit(instance, "restage_creators_job", "creator backfill", range_keys=(key(missing[0]), key(missing[-1])),
                    trigger=TRIGGER)
    if live_search and key(today) not in built:
        say(f"creators: searching the demo TikHub API live for today {key(today)}")
        run_or_exit(instance, "daily_creators_job", "live creator search", partition_key=key(today), trigger=TRIGGER)
    report_comets(market, config.creators, today, today_searched=live_search)




def report_comets(market, search, today: datetime, days: int = CREATOR_HISTORY_DAYS, today_searched: bool = True) -> None:
    """Comets in the mart next to the demo generator's ground truth, today (when it was searched) and
    every history day."""
    def truth(day):
        return market.creators.comets_on(day, search.comet, hashtags=tuple(h.name for h in search.hashtags),
                                         keywords=tuple(search.keywords),
                                         per_target=search.pages_per_hashtag * search.videos_per_page)

    checked = [(today - timedelta(days=offset)).date() for offset in range(days, -1 if today_searched else 0, -1)]
    rows = local_warehouse().query(
        "select comet_day, handle, qualifying_video_id from marts.mart_comet_creators "
        "where comet_day >= %s order by comet_day, velocity_rank", [checked[0]])
    found: dict = {day: {} for day in checked}
    for day, handle, video in rows:
        found.setdefault(day, {})[handle] = video
    matches = [day for day in checked if found[day] == truth(day)]
    if today_searched:
        today_found, today_truth = found[today.date()], truth(today.date())
        say(f"comets on {today:%Y-%m-%d}: mart {len(today_found)}, demo ground truth {len(today_truth)}: "
            f"{'match' if today_found == today_truth else 'DIFFER'}; fastest first: {', '.join(list(today_found)[:5])}")
    say(f"comets vs ground truth: {len(matches)}/{len(checked)} days identical "
        f"({sum(len(found[d]) for d in checked)} comet-days in the mart)"
         + ("" if len(matches) == len(checked) else f"; differing days: {sorted(set(checked) - set(matches))}"))




def staged_sources_by_hour(since: datetime) -> dict[datetime, set[str]]:
    """Which sources have rows in the warehouse, per hour since ``since`` (empty before the first load)."""
    if local_warehouse().query("select to_regclass('landing.product_observations')")[0][0] is None:
        return {}
    rows = local_warehouse().query(
        "select partition_hour, array_agg(distinct source_name) from landing.product_observations "
        "where partition_hour >= %s group by 1", [since])
    return {hour: set(sources) for hour, sources in rows}




def command_demo(args: argparse.Namespace) -> int:
    with demo_runtime(RadarHome.from_environment()) as home:
        RUN_LOG.start(home, "demo")
        start_partitions_at_the_data(current_hour() - max(timedelta(hours=args.hours),
                                                          timedelta(days=CREATOR_HISTORY_DAYS)))
        if not args.no_ui:
            ensure_port_free(args.port, "the Dagster UI", "--ui-port or RADAR_UI_PORT")
        with serving_market(args.seed, args.market_port, home) as server:
            report = build_demo_data(server.market, args.hours, live_scrape=not args.no_live_scrape,
                                     server_url=server.url)
            dashboard = dashboard_link(port_setting("RADAR_BI_PORT", 8088))
            say(f"done: report {report or '(not written)'} · alerts {server.url}/_demo/alerts · "
                f"BI {dashboard or 'not running (make bi)'} · run log {RUN_LOG.path}")
            if args.no_ui:
                return 0
            return serve_ui(args.port, stops="the UI, the demo market and PostgreSQL")


def command_simulate(args: argparse.Namespace) -> int:
    import dagster as dg

    from orchestration.automation.simulation import (
        HourlySimulator,
        SimulationError,
        draw_cost_chart,
        partition_key,
        read_costs,
    )
    from orchestration.clock import ClockResource, parse_instant
    from orchestration.definitions import build_definitions
    from orchestration.resources import resources_from_environment

    if "RADAR_HOME" not in os.environ:
        # Its own warehouse and Dagster instance: simulated hours never mix with `radar demo`'s.
        os.environ["RADAR_HOME"] = str(PROJECT_ROOT / ".radar" / "simulate")
    home = RadarHome.from_environment()
    out = home.root / "results"
    state_path = out / "simulation.json"
    if args.start:
        start = parse_instant(args.start).replace(minute=0, second=0, microsecond=0)
    elif state_path.exists():
        start = parse_instant(json.loads(state_path.read_text())["start"])
    else:
        start = current_hour() - timedelta(hours=args.hours)
    out.mkdir(parents=True, exist_ok=True)
    state_path.write_text(json.dumps({"start": start.isoformat(), "hours": args.hours}))
    csv_path = out / f"timings-{start:%Y%m%dT%H}.csv"

    with demo_runtime(home), serving_market(args.seed, args.market_port, home, clock_hook=True) as server:
        start_partitions_at_the_data(start)
        config = load_config()
        if not config.clock_url:
            raise SystemExit(f"[radar] {os.environ['RADAR_CONFIG']} has no clock_url: radar simulate needs a market "
                             "whose clock it can set")
        defs = build_definitions(config, resources=resources_from_environment(clock=ClockResource.configure_at_launch()))
        say(f"simulate: {args.hours} hours from {partition_key(start)} in {home.root} "
            f"(warehouse, Dagster runs); timings to {csv_path}")
        simulator = HourlySimulator(defs, dg.DagsterInstance.get(), config.clock_url, start, csv_path,
                                    with_creators=not args.no_creators, say=say)
        try:
            simulator.run(args.hours)
            report_simulation_against_truth(config, server.market,
                                            [start + timedelta(hours=offset) for offset in range(args.hours)])
        except SimulationError as error:
            say(f"simulate stopped: {error}")
            return 1
        except KeyboardInterrupt:
            say("simulate interrupted; the hours finished so far are kept. Run the same command to continue.")
            return 130
        finally:
            if csv_path.exists():
                chart = draw_cost_chart(read_costs(csv_path), out / f"cost-per-hour-{start:%Y%m%dT%H}.png",
                                        f"Commerce Radar: cost of each simulated hour from {partition_key(start)}")
                say(f"timings: {csv_path}; chart: {chart}")
        return 0


def demo_shops(config, market) -> list:
    """The demo Shopify shops the config scrapes (the ones the ground truth covers variant by variant)."""
    from radar_demo.history import demo_shop_name

    return [market.shop(demo_shop_name(source)) for source in config.product_sources if source.kind == "shopify"]


def report_simulation_against_truth(config, market, hours: list[datetime]) -> None:
    """The demo Shopify shops' price spells, KPIs and events next to the generator's ground truth."""
    from radar_demo.truth import shop_marts_against_truth

    warehouse = local_warehouse()
    shops = demo_shops(config, market)
    problems = [problem for shop in shops for problem in shop_marts_against_truth(warehouse.query, shop, hours)]
    names = ", ".join(shop.name for shop in shops)
    if problems:
        say(f"marts vs demo ground truth over {len(hours)} hours: {len(problems)} difference(s): " + "; ".join(problems[:5]))
    else:
        say(f"marts vs demo ground truth over {len(hours)} hours: price spells, current prices and the last day's "
            f"KPIs identical for {names}")
    report_events_against_truth(config, market, hours)


def report_events_against_truth(config, market, hours: list[datetime]) -> None:
    """Precision and recall of the event marts against the events the generator injected."""
    from radar_demo.event_scores import score_events

    shops = demo_shops(config, market)
    if shops and len(hours) > 1:
        scores = score_events(local_warehouse().query, shops, hours)
        say(f"events vs demo ground truth over {len(hours)} hours: {scores.describe()}"
            + ("" if scores.passes() else " (below 0.95 or events from noise: see docs/market_signals.md)"))




def command_market(args: argparse.Namespace) -> int:
    server = DemoMarketServer(DemoMarket(seed=args.seed), port=args.port)
    say(f"demo market (generated data, not real shops) on {server.url}; Ctrl-C to stop")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


def register_commands(commands: argparse._SubParsersAction) -> None:
    """Add `demo`, `simulate` and `market` to the `radar` parser (called through the entry point)."""
    demo = commands.add_parser(
        "demo", help="build the demo data and serve the Dagster UI",
        description="Start embedded PostgreSQL and the demo market, write HOURS of history snapshots, backfill "
                    "staging, the Great Expectations gate, publishing and dbt in one run, scrape the current hour live, then "
                    "serve the Dagster UI. Re-running reuses what is there and duplicates nothing.")
    demo.add_argument("--no-ui", action="store_true", help="build the data, print row counts and exit")
    demo.add_argument("--hours", type=int, default=72, help="hours of history to write and backfill (default 72)")
    demo.add_argument("--ui-port", "--port", dest="port", type=int, default=port_setting("RADAR_UI_PORT", 3000),
                      help="Dagster UI port on 127.0.0.1 (default $RADAR_UI_PORT or 3000)")
    demo.add_argument("--market-port", type=int, default=port_setting("RADAR_DEMO_MARKET_PORT", DEMO_MARKET_PORT),
                      help=f"demo market port on 127.0.0.1 (default $RADAR_DEMO_MARKET_PORT or {DEMO_MARKET_PORT}; "
                           "0 picks a free one)")
    demo.add_argument("--seed", type=int, default=DEFAULT_SEED, help="demo market seed (default: the bundled seed)")
    demo.add_argument("--no-live-scrape", action="store_true", help="skip the live scrape of the current hour")
    demo.set_defaults(handler=command_demo)

    simulate = commands.add_parser(
        "simulate", help="run the real hourly path hour after hour with a moving clock",
        description="Steady-state proof. For each simulated hour, in order: set the demo market's clock (the config's "
                    "clock_url), run the hourly schedule's snapshot runs (the real connectors scrape the market, filed "
                    "under that hour), then the staging sensor's run (staging, the Great Expectations gate, publishing, dbt), and "
                    "at 01:20 the daily creator search. Runs see the simulated time through the clock resource. "
                    "Prints progress with an ETA, writes per-hour, per-step timings to a CSV and draws a chart of cost "
                    "per hour. Ctrl-C stops cleanly; running the same command again continues where it stopped. "
                    "State lives in .radar/simulate (or $RADAR_HOME), apart from `radar demo`.")
    simulate.add_argument("--start", default=None,
                          help="first simulated hour, ISO 8601 UTC (e.g. 2026-11-01T00:00); default: the previous "
                               "simulation's start, else HOURS before the current hour")
    simulate.add_argument("--hours", type=int, default=24, help="hours to simulate (default 24)")
    simulate.add_argument("--no-creators", action="store_true", help="skip the daily creator search at 01:20")
    simulate.add_argument("--seed", type=int, default=DEFAULT_SEED, help="demo market seed (default: the bundled seed)")
    simulate.add_argument("--market-port", type=int, default=port_setting("RADAR_DEMO_MARKET_PORT", DEMO_MARKET_PORT),
                          help=f"demo market port (default $RADAR_DEMO_MARKET_PORT or {DEMO_MARKET_PORT}; 0 picks a free one)")
    simulate.set_defaults(handler=command_simulate)

    market = commands.add_parser("market", help="serve only the demo market",
                                 description="Serve the demo market (Shopify-format products.json for the demo shops).")
    market.add_argument("--port", type=int, default=port_setting("RADAR_DEMO_MARKET_PORT", DEMO_MARKET_PORT),
                        help=f"port on 127.0.0.1 (default $RADAR_DEMO_MARKET_PORT or {DEMO_MARKET_PORT})")
    market.add_argument("--seed", type=int, default=DEFAULT_SEED, help="demo market seed (default: the bundled seed)")
    market.set_defaults(handler=command_market)
