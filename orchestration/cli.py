"""`radar`: run Commerce Radar on embedded defaults.

  radar demo            embedded PostgreSQL + local lake + demo market, 72h of history, Dagster UI
  radar demo --no-ui    the same data build, then exit (tests, benchmarks, CI)
  radar simulate        the real hourly path hour after hour with a moving clock (steady-state proof)
  radar market          serve only the demo market on 127.0.0.1:8765
  radar dbt-docs        dbt docs generate against the warehouse (lineage, column docs, catalog)
  radar check-config    validate a config file and print what it configures
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from orchestration.config import DEMO_CONFIG_PATH, PROJECT_ROOT, ConfigError, load_config
from orchestration.environment import RadarHome, write_dagster_yaml

if TYPE_CHECKING:
    import dagster as dg

DEMO_MARKET_PORT = 8765


def _say(message: str) -> None:
    print(f"[radar] {message}", flush=True)


def current_hour(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)


def contiguous_ranges(hours: list[datetime]) -> Iterator[tuple[datetime, datetime]]:
    """(first, last) of each run of consecutive hours."""
    run_start = previous = None
    for hour in sorted(hours):
        if previous is not None and hour - previous != timedelta(hours=1):
            yield run_start, previous
            run_start = None
        run_start = run_start or hour
        previous = hour
    if run_start is not None:
        yield run_start, previous


def dagster_storage_url(url: str) -> str:
    """dagster-postgres speaks psycopg2; SQLAlchemy would pick psycopg 3 for a bare postgresql://."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def prepare_environment(home: RadarHome) -> bool:
    """Point everything at the embedded defaults unless the environment says otherwise.

    Returns True when this process started the embedded PostgreSQL (and so must stop it).
    """
    os.environ["RADAR_CONFIG"] = str(DEMO_CONFIG_PATH)
    from orchestration.demo.tikhub_pages import DEMO_API_KEY

    os.environ.setdefault("TIKHUB_API_KEY", DEMO_API_KEY)  # the demo's TikHub stand-in accepts only this key
    os.environ.setdefault("RADAR_LAKE_DIR", str(home.lake))
    os.environ["DAGSTER_HOME"] = str(home.dagster_home)
    write_dagster_yaml(home.dagster_home)
    if os.environ.get("RADAR_DATABASE_URL"):
        dagster_url = os.environ.get("RADAR_DAGSTER_DATABASE_URL") or os.environ["RADAR_DATABASE_URL"]
        os.environ["RADAR_DAGSTER_DATABASE_URL"] = dagster_storage_url(dagster_url)
        _say("warehouse: RADAR_DATABASE_URL (from the environment)")
        return False
    from orchestration.warehouse.embedded import start_embedded_postgres

    urls = start_embedded_postgres(home.pgdata)
    os.environ["RADAR_DATABASE_URL"] = urls["radar"]
    os.environ["RADAR_DAGSTER_DATABASE_URL"] = dagster_storage_url(urls["dagster"])
    _say(f"warehouse: embedded PostgreSQL, data in {home.pgdata}")
    return True


def build_demo_data(market, hours: int, live_scrape: bool) -> None:
    """Write history snapshots, backfill staging + checks + dbt, then scrape the current hour live."""
    import dagster as dg

    from orchestration.assets.ingest import snapshot_asset_key
    from orchestration.demo.history import GENERATED_BY, history_exists, history_manifest, write_history
    from orchestration.partitions import hourly_partitions
    from orchestration.resources import object_store_from_environment

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
    _say(f"history: wrote {len(written)} snapshots ({len(history_hours)} hours x {len(config.product_sources)} sources, "
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
            instance.report_runless_asset_event(
                dg.AssetMaterialization(
                    asset_key=asset_key,
                    partition=key(hour),
                    description=f"Demo history snapshot written by the {GENERATED_BY}.",
                    metadata={"manifest_key": manifest["manifest_key"], "pages": manifest["pages"],
                              "records": manifest["records"], "bytes": manifest["bytes"],
                              "generated_by": GENERATED_BY},
                )
            )

    staged = instance.get_materialized_partitions(dg.AssetKey("staged_products"))
    marts = instance.get_materialized_partitions(dg.AssetKey(["marts", "mart_market_kpis"]))
    staged_sources = staged_sources_by_hour(history_hours[0]) if history_hours else {}
    configured = {source.name for source in config.product_sources}
    # Also rebuild hours staged before a source was added to the config (their rows lack it).
    missing = [hour for hour in history_hours
               if key(hour) not in staged or key(hour) not in marts or hour in newly_reported
               or not configured <= staged_sources.get(hour, set())]
    for first, last in contiguous_ranges(missing):
        _say(f"backfill: staging, Great Expectations gate and dbt for {key(first)} .. {key(last)} (one run)")
        started = time.monotonic()
        run_id = run_or_exit(instance, "restage_products_job", "backfill", range_keys=(key(first), key(last)))
        _say(f"backfill: done in {time.monotonic() - started:.0f}s (run {run_id})")
    if not missing:
        _say(f"backfill: all {len(history_hours)} history hours already built; nothing to do")

    if live_scrape and key(now_hour) not in instance.get_materialized_partitions(dg.AssetKey("staged_products")):
        _say(f"live: scraping the demo market over HTTP for the current hour {key(now_hour)}")
        run_or_exit(instance, "hourly_products_job", "live scrape", partition_key=key(now_hour))

    if config.creators is not None:
        build_creator_demo_data(market, config, instance, store, days=CREATOR_HISTORY_DAYS, live_search=live_scrape)

    warehouse = demo_warehouse()
    tables = ["landing.product_observations", "landing.quarantine", "marts.fct_price_history", "marts.dim_products",
              "marts.mart_market_kpis"]
    if config.creators is not None:
        tables += ["landing.creator_observations", "landing.video_observations", "marts.fct_creator_daily",
                   "marts.mart_creator_growth_velocity", "marts.mart_comet_creators", "marts.mart_creator_brand_mentions"]
    for table in tables:
        (count,) = warehouse.query(f"select count(*) from {table}")[0]
        _say(f"{table}: {count:,} rows")
    by_kind = warehouse.query(
        "select source_kind, count(distinct source_name), count(*) from landing.product_observations "
        "where partition_hour = (select max(partition_hour) from landing.product_observations) group by 1 order by 1")
    _say("latest hour by connector kind: " + ", ".join(f"{kind} {sources} source(s) {rows:,} rows" for kind, sources, rows in by_kind))


CREATOR_HISTORY_DAYS = 14


def build_creator_demo_data(market, config, instance, store, days: int, live_search: bool) -> None:
    """Creator history for the past ``days`` days (fetched by the real connector from the demo's
    TikHub stand-in, clock pinned to each day), one backfill run, then today's search live."""
    import dagster as dg

    from orchestration.demo.creator_history import (
        GENERATED_BY,
        creator_history_exists,
        creator_history_manifest_key,
        write_creator_history,
    )
    from orchestration.partitions import daily_partitions

    partitions = daily_partitions(config.partitions_start)
    today = current_hour().replace(hour=0)
    history_days = [today - timedelta(days=offset) for offset in range(days, 0, -1)]

    def key(day: datetime) -> str:
        return partitions.get_partition_key_for_timestamp(day.timestamp())

    started = time.monotonic()
    written = write_creator_history(store, market, config.creators, history_days)
    _say(f"creators: wrote {len(written)} daily search snapshots ({days} days, existing ones kept) "
         f"in {time.monotonic() - started:.1f}s")
    asset_key = dg.AssetKey("creator_search_snapshot")
    done = instance.get_materialized_partitions(asset_key)
    for day in history_days:
        if key(day) in done or not creator_history_exists(store, day):
            continue
        manifest_object = creator_history_manifest_key(day)
        instance.report_runless_asset_event(dg.AssetMaterialization(
            asset_key=asset_key, partition=key(day), description=f"Demo history snapshot written by the {GENERATED_BY}.",
            metadata={"manifest_key": manifest_object, "generated_by": GENERATED_BY}))
    built = instance.get_materialized_partitions(dg.AssetKey(["marts", "mart_comet_creators"]))
    missing = [day for day in history_days if key(day) not in built]
    if missing:
        _say(f"creators: backfill of staging, gates and creator marts for {key(missing[0])} .. {key(missing[-1])} (one run)")
        run_or_exit(instance, "restage_creators_job", "creator backfill", range_keys=(key(missing[0]), key(missing[-1])))
    if live_search and key(today) not in built:
        _say(f"creators: searching the demo TikHub API live for today {key(today)}")
        run_or_exit(instance, "daily_creators_job", "live creator search", partition_key=key(today))
    report_comets(market, config.creators, today)


def run_or_exit(instance, job_name: str, what: str, partition_key: str | None = None,
                range_keys: tuple[str, str] | None = None) -> str:
    """Run a job of the code location in this process (one partition or one range); exit on failure."""
    from orchestration.definitions import defs

    tags = {"radar/trigger": f"radar demo {what}"}
    if range_keys:
        tags |= {"dagster/asset_partition_range_start": range_keys[0], "dagster/asset_partition_range_end": range_keys[1]}
    result = _location_definitions(defs).resolve_job_def(job_name).execute_in_process(
        instance=instance, partition_key=partition_key, tags=tags, raise_on_error=False)
    if not result.success:
        raise SystemExit(f"[radar] {what} run {result.run_id} failed; open the Dagster UI to see why")
    return result.run_id


@functools.cache
def _location_definitions(load: Callable[[], dg.Definitions]) -> dg.Definitions:
    """The code location's Definitions, built once per process (they parse config and dbt)."""
    return load()


def report_comets(market, search, today: datetime, days: int = CREATOR_HISTORY_DAYS) -> None:
    """Comets in the mart next to the demo generator's ground truth, today and every history day."""
    def truth(day):
        return market.creators.comets_on(day, search.comet, hashtags=tuple(h.name for h in search.hashtags),
                                         keywords=tuple(search.keywords),
                                         per_target=search.pages_per_hashtag * search.videos_per_page)

    checked = [(today - timedelta(days=offset)).date() for offset in range(days, -1, -1)]
    rows = demo_warehouse().query(
        "select comet_day, handle, qualifying_video_id from marts.mart_comet_creators "
        "where comet_day >= %s order by comet_day, velocity_rank", [checked[0]])
    found: dict = {day: {} for day in checked}
    for day, handle, video in rows:
        found.setdefault(day, {})[handle] = video
    matches = [day for day in checked if found[day] == truth(day)]
    today_found, today_truth = found[today.date()], truth(today.date())
    _say(f"comets on {today:%Y-%m-%d}: mart {len(today_found)}, demo ground truth {len(today_truth)}: "
         f"{'match' if today_found == today_truth else 'DIFFER'}; fastest first: {', '.join(list(today_found)[:5])}")
    _say(f"comets vs ground truth: {len(matches)}/{len(checked)} days identical "
         f"({sum(len(found[d]) for d in checked)} comet-days in the mart)"
         + ("" if len(matches) == len(checked) else f"; differing days: {sorted(set(checked) - set(matches))}"))


def demo_warehouse():
    """The warehouse the demo runs against (embedded or RADAR_DATABASE_URL), as the one loader/query resource."""
    from orchestration.warehouse.postgres import WarehouseResource

    return WarehouseResource(database_url=os.environ["RADAR_DATABASE_URL"])


def staged_sources_by_hour(since: datetime) -> dict[datetime, set[str]]:
    """Which sources have rows in the warehouse, per hour since ``since`` (empty before the first load)."""
    if demo_warehouse().query("select to_regclass('landing.product_observations')")[0][0] is None:
        return {}
    rows = demo_warehouse().query(
        "select partition_hour, array_agg(distinct source_name) from landing.product_observations "
        "where partition_hour >= %s group by 1", [since])
    return {hour: set(sources) for hour, sources in rows}


def serve_ui(port: int) -> int:
    command = [os.path.join(os.path.dirname(sys.executable), "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port),
               "-w", str(PROJECT_ROOT / "workspace.yaml")]
    _say(f"Dagster UI on http://127.0.0.1:{port}  (Ctrl-C stops the UI, the demo market and PostgreSQL)")
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=os.environ.copy())
    try:
        return process.wait()
    except KeyboardInterrupt:
        # Ctrl-C is how a user stops the demo: shut dagster dev down and exit cleanly.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait()
        return 0


def start_partitions_at_the_data(earliest: datetime) -> None:
    """Partitions begin on the day the data begins (or the warehouse's first hour, if earlier), not at
    the config's fixed start, so the Dagster UI lists no thousands of partitions that can never exist."""
    from orchestration.config import PARTITIONS_START_VARIABLE

    warehouse = demo_warehouse()
    if warehouse.query("select to_regclass('landing.product_observations')")[0][0] is not None:
        (first,) = warehouse.query("select min(partition_hour) from landing.product_observations")[0]
        earliest = min(earliest, first) if first else earliest
    os.environ[PARTITIONS_START_VARIABLE] = earliest.astimezone(UTC).strftime("%Y-%m-%dT00:00:00")


def command_demo(args: argparse.Namespace) -> int:
    from orchestration.demo.catalog import DemoMarket
    from orchestration.demo.server import DemoMarketServer

    home = RadarHome.from_environment()
    started_postgres = prepare_environment(home)
    start_partitions_at_the_data(current_hour() - max(timedelta(hours=args.hours), timedelta(days=CREATOR_HISTORY_DAYS)))
    try:
        market = DemoMarket(seed=args.seed)
        try:
            server = DemoMarketServer(market, port=DEMO_MARKET_PORT).start()
        except OSError as error:
            raise SystemExit(f"[radar] cannot serve the demo market on 127.0.0.1:{DEMO_MARKET_PORT}: {error}. "
                             "Is another `radar demo` running?") from None
        _say(f"demo market (generated data, not real shops) on {server.url}")
        try:
            build_demo_data(market, args.hours, live_scrape=not args.no_live_scrape)
            if args.no_ui:
                return 0
            return serve_ui(args.port)
        finally:
            server.stop()
    finally:
        if started_postgres:
            from orchestration.warehouse.embedded import stop_embedded_postgres

            stop_embedded_postgres(home.pgdata)
            _say("embedded PostgreSQL stopped")


def command_simulate(args: argparse.Namespace) -> int:
    import json

    from orchestration.automation.simulation import (
        HourlySimulator,
        SimulationError,
        draw_cost_chart,
        partition_key,
        read_costs,
    )
    from orchestration.clock import parse_instant
    from orchestration.demo.catalog import DemoMarket
    from orchestration.demo.server import DemoMarketServer

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

    started_postgres = prepare_environment(home)
    start_partitions_at_the_data(start)
    try:
        import dagster as dg

        from orchestration.clock import ClockResource
        from orchestration.definitions import build_definitions
        from orchestration.resources import resources_from_environment

        config = load_config()
        if not config.clock_url:
            raise SystemExit(f"[radar] {os.environ['RADAR_CONFIG']} has no clock_url: radar simulate needs a market "
                             "whose clock it can set")
        defs = build_definitions(config, resources=resources_from_environment(clock=ClockResource.configure_at_launch()))
        try:
            server = DemoMarketServer(DemoMarket(seed=args.seed), port=DEMO_MARKET_PORT).start()
        except OSError as error:
            raise SystemExit(f"[radar] cannot serve the demo market on 127.0.0.1:{DEMO_MARKET_PORT}: {error}. "
                             "Is `radar demo` running?") from None
        _say(f"demo market (generated data, not real shops) on {server.url}; clock hook {config.clock_url}")
        _say(f"simulate: {args.hours} hours from {partition_key(start)} in {home.root} "
             f"(warehouse, Dagster runs); timings to {csv_path}")
        simulator = HourlySimulator(defs, dg.DagsterInstance.get(), config.clock_url, start, csv_path,
                                    with_creators=not args.no_creators, say=_say)
        try:
            simulator.run(args.hours)
            report_simulation_against_truth(config, DemoMarket(seed=args.seed),
                                            [start + timedelta(hours=offset) for offset in range(args.hours)])
        except SimulationError as error:
            _say(f"simulate stopped: {error}")
            return 1
        except KeyboardInterrupt:
            _say("simulate interrupted; the hours finished so far are kept. Run the same command to continue.")
            return 130
        finally:
            server.stop()
            if csv_path.exists():
                costs = read_costs(csv_path)
                chart = draw_cost_chart(costs, out / f"cost-per-hour-{start:%Y%m%dT%H}.png",
                                        f"Commerce Radar: cost of each simulated hour from {partition_key(start)}")
                _say(f"timings: {csv_path}; chart: {chart}")
        return 0
    finally:
        if started_postgres:
            from orchestration.warehouse.embedded import stop_embedded_postgres

            stop_embedded_postgres(home.pgdata)
            _say("embedded PostgreSQL stopped")


def report_simulation_against_truth(config, market, hours: list[datetime]) -> None:
    """The demo Shopify shops' price spells and KPIs next to the generator's ground truth."""
    from orchestration.demo.history import demo_shop_name
    from orchestration.demo.truth import shop_marts_against_truth

    warehouse = demo_warehouse()
    shops = [demo_shop_name(source) for source in config.product_sources if source.kind == "shopify"]
    problems = [problem for shop in shops
                for problem in shop_marts_against_truth(warehouse.query, market.shop(shop), hours)]
    if problems:
        _say(f"marts vs demo ground truth over {len(hours)} hours: {len(problems)} difference(s): " + "; ".join(problems[:5]))
    else:
        _say(f"marts vs demo ground truth over {len(hours)} hours: price spells, current prices and the last day's "
             f"KPIs identical for {', '.join(shops)}")


def command_dbt_docs(args: argparse.Namespace) -> int:
    from orchestration.assets.dbt import environment
    from orchestration.warehouse.dbt import DBT_PROJECT_DIR, dbt_executable

    home = RadarHome.from_environment()
    started_postgres = prepare_environment(home)
    try:
        with environment(demo_warehouse().dbt_environment()):
            code = subprocess.call([dbt_executable(), "docs", "generate", "--project-dir", str(DBT_PROJECT_DIR),
                                    "--profiles-dir", str(DBT_PROJECT_DIR)], cwd=DBT_PROJECT_DIR)
        if code == 0:
            _say(f"dbt docs in {DBT_PROJECT_DIR / 'target'} (index.html, catalog.json); "
                 f"browse with: .venv/bin/dbt docs serve --project-dir dbt_project --profiles-dir dbt_project")
        return code
    finally:
        if started_postgres:
            from orchestration.warehouse.embedded import stop_embedded_postgres

            stop_embedded_postgres(home.pgdata)


def command_market(args: argparse.Namespace) -> int:
    from orchestration.demo.catalog import DemoMarket
    from orchestration.demo.server import DemoMarketServer

    server = DemoMarketServer(DemoMarket(seed=args.seed), port=args.port)
    _say(f"demo market (generated data, not real shops) on {server.url}; Ctrl-C to stop")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


def command_check_config(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.path)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    from orchestration.formats.recipes import RecipeError, load_recipe

    problems = 0
    print(f"ok: {len(config.product_sources)} product source(s), {len(config.brands)} brand(s) in the dictionary, "
          f"partitions from {config.partitions_start:%Y-%m-%d %H:%M} UTC")
    for source in config.product_sources:
        budget = f"{source.currency}, {source.rate_limit_per_second}/s"
        if source.kind == "shopify":
            where = source.base_url + (f" collection {source.collection}" if source.collection else "")
            detail = f"max {source.max_pages} pages"
        elif source.kind == "jsonld":
            where = source.sitemap_url or f"{len(source.urls)} URLs"
            detail = f"max {source.max_pages} product pages" + (f", pattern {source.url_pattern}" if source.url_pattern else "")
        else:
            where = source.base_url
            detail = f"recipe {source.recipe}, {len(source.watchlist)} watch(es), max {source.max_items} items/{source.max_pages} pages each"
            try:
                load_recipe(source.recipe)
            except RecipeError as error:
                problems += 1
                detail += f"\n      ERROR {error}"
        proxy = f", proxy from ${source.proxy_env}" if source.proxy_env else ""
        print(f"  - {source.name}: {source.kind} {where} ({budget}, {detail}{proxy})")
    if config.creators is not None:
        creators = config.creators
        print(f"  creators: TikHub {creators.base_url}, {len(creators.hashtags)} hashtag(s) "
              f"({', '.join('#' + h.name for h in creators.hashtags)}), {len(creators.keywords)} keyword(s), "
              f"{creators.pages_per_hashtag} pages x {creators.videos_per_page} videos, min coverage {creators.min_coverage:.0%}, "
              f"comets {creators.comet.min_followers:,}-{creators.comet.max_followers:,} followers with a "
              f"{creators.comet.min_video_views:,}+ view video; key from $TIKHUB_API_KEY "
              f"({'set' if os.environ.get('TIKHUB_API_KEY') else 'NOT set'})")
    return 2 if problems else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="radar",
        description="Commerce Radar on embedded defaults: embedded PostgreSQL, a local folder as object "
                    "store, and the bundled offline demo market.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Environment: RADAR_DATABASE_URL (else embedded PostgreSQL in .radar/pgdata), RADAR_LAKE_DIR "
               "(else .radar/lake), RADAR_HOME (default .radar). See README.md.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="build the demo data and serve the Dagster UI",
        description="Start embedded PostgreSQL and the demo market, write HOURS of history snapshots, backfill "
                    "staging, the Great Expectations gate and dbt in one run, scrape the current hour live, then "
                    "serve the Dagster UI. Re-running reuses what is there and duplicates nothing.")
    demo.add_argument("--no-ui", action="store_true", help="build the data, print row counts and exit")
    demo.add_argument("--hours", type=int, default=72, help="hours of history to write and backfill (default 72)")
    demo.add_argument("--port", type=int, default=3000, help="Dagster UI port on 127.0.0.1 (default 3000)")
    demo.add_argument("--seed", type=int, default=None, help="demo market seed (default: the bundled seed)")
    demo.add_argument("--no-live-scrape", action="store_true", help="skip the live scrape of the current hour")
    demo.set_defaults(handler=command_demo)

    simulate = commands.add_parser(
        "simulate", help="run the real hourly path hour after hour with a moving clock",
        description="Steady-state proof. For each simulated hour, in order: set the demo market's clock (the config's "
                    "clock_url), run the hourly schedule's snapshot runs (the real connectors scrape the market, filed "
                    "under that hour), then the staging sensor's run (staging, the Great Expectations gate, dbt), and "
                    "at 01:00 the daily creator search. Runs see the simulated time through the clock resource. "
                    "Prints progress with an ETA, writes per-hour, per-step timings to a CSV and draws a chart of cost "
                    "per hour. Ctrl-C stops cleanly; running the same command again continues where it stopped. "
                    "State lives in .radar/simulate (or $RADAR_HOME), apart from `radar demo`.")
    simulate.add_argument("--start", default=None,
                          help="first simulated hour, ISO 8601 UTC (e.g. 2026-11-01T00:00); default: the previous "
                               "simulation's start, else HOURS before the current hour")
    simulate.add_argument("--hours", type=int, default=24, help="hours to simulate (default 24)")
    simulate.add_argument("--no-creators", action="store_true", help="skip the daily creator search at 01:20")
    simulate.add_argument("--seed", type=int, default=None, help="demo market seed (default: the bundled seed)")
    simulate.set_defaults(handler=command_simulate)

    market = commands.add_parser("market", help="serve only the demo market",
                                 description="Serve the demo market (Shopify-format products.json for the demo shops).")
    market.add_argument("--port", type=int, default=DEMO_MARKET_PORT)
    market.add_argument("--seed", type=int, default=None)
    market.set_defaults(handler=command_market)

    docs = commands.add_parser("dbt-docs", help="generate dbt docs against the warehouse",
                               description="Run `dbt docs generate` against the embedded (or configured) warehouse.")
    docs.set_defaults(handler=command_dbt_docs)

    check = commands.add_parser("check-config", help="validate a config file",
                                description="Validate a config file; exit 2 with the problems if it is invalid.")
    check.add_argument("path", nargs="?", default=None, help="config file (default: $RADAR_CONFIG or radar.yaml)")
    check.set_defaults(handler=command_check_config)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "seed", 0) is None:
        from orchestration.demo.catalog import DEFAULT_SEED

        args.seed = DEFAULT_SEED
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
