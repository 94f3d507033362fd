"""`radar`: Commerce Radar on one machine.

  radar ui              serve the Dagster UI for $RADAR_CONFIG on embedded defaults
  radar dbt-docs        dbt docs generate against the warehouse (lineage, column docs, catalog)
  radar check-config    validate a config file and print what it configures

Installed plugins add commands through the ``commerce_radar.commands`` entry point group; the
demo (``commerce-radar-demo``) adds ``radar demo``, ``radar simulate`` and ``radar market``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from importlib.metadata import entry_points

from orchestration.config import ConfigError, load_config
from orchestration.environment import RadarHome
from orchestration.local import local_runtime, local_warehouse, say, serve_ui

COMMAND_PLUGINS = "commerce_radar.commands"


def command_ui(args: argparse.Namespace) -> int:
    try:
        load_config()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    with local_runtime(RadarHome.from_environment()):
        return serve_ui(args.port)


def command_dbt_docs(args: argparse.Namespace) -> int:
    from orchestration.assets.dbt import environment
    from orchestration.warehouse.dbt import DBT_PROJECT_DIR, dbt_executable

    with local_runtime(RadarHome.from_environment()), environment(local_warehouse().dbt_environment()):
        code = subprocess.call([dbt_executable(), "docs", "generate", "--project-dir", str(DBT_PROJECT_DIR),
                                "--profiles-dir", str(DBT_PROJECT_DIR)], cwd=DBT_PROJECT_DIR)
    if code == 0:
        say(f"dbt docs in {DBT_PROJECT_DIR / 'target'} (index.html, catalog.json); "
            f"browse with: .venv/bin/dbt docs serve --project-dir dbt_project --profiles-dir dbt_project")
    return code


def command_check_config(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.path)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    from orchestration.sources.connectors import product_connector

    problems = []
    for source in config.product_sources:
        try:
            product_connector(source.kind).check(source)
        except Exception as error:  # noqa: BLE001 - every refusal is reported, one line each
            problems.append(f"  - product source {source.name}: {error}")
    if problems:
        print(f"{args.path or 'config'}: invalid config ({len(problems)} problem(s))", *problems, sep="\n", file=sys.stderr)
        return 2
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
        proxy = f", proxy from ${source.proxy_env}" if source.proxy_env else ""
        print(f"  - {source.name}: {source.kind} {where} ({budget}, {detail}{proxy})")
    gate = config.product_gate
    ceilings = ", ".join(f"{code} {gate.price_ceilings[code]:,}" for code in config.currencies if code in gate.price_ceilings)
    print(f"  audit: each source >= {gate.min_source_share:.0%} of its trailing median (new sources exempt for "
          f"{gate.new_source_grace_hours} h); prices held back beyond {gate.max_price_ratio}x of the last accepted one "
          f"or above their ceiling ({ceilings or 'none configured'}; others {gate.default_price_ceiling:,})")
    if config.creators is not None:
        creators = config.creators
        print(f"  creators: TikHub {creators.base_url}, {len(creators.hashtags)} hashtag(s) "
              f"({', '.join('#' + h.name for h in creators.hashtags)}), {len(creators.keywords)} keyword(s), "
              f"{creators.pages_per_hashtag} pages x {creators.videos_per_page} videos, min coverage {creators.min_coverage:.0%}, "
              f"comets {creators.comet.min_followers:,}-{creators.comet.max_followers:,} followers with a "
              f"{creators.comet.min_video_views:,}+ view video; key from $TIKHUB_API_KEY "
              f"({'set' if os.environ.get('TIKHUB_API_KEY') else 'NOT set'})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="radar",
        description="Commerce Radar on one machine: embedded PostgreSQL (unless RADAR_DATABASE_URL is set), a local "
                    "folder as object store (unless RADAR_S3_BUCKET is set), Dagster runs in PostgreSQL.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Environment: RADAR_CONFIG (default radar.yaml), RADAR_DATABASE_URL (else embedded PostgreSQL in "
               ".radar/pgdata), RADAR_LAKE_DIR (else .radar/lake), RADAR_HOME (default .radar). See README.md.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ui = commands.add_parser("ui", help="serve the Dagster UI for the config on embedded defaults",
                             description="Start (or reuse) the warehouse and serve the Dagster UI for $RADAR_CONFIG; "
                                         "turn the schedule and sensor on there to scrape every hour.")
    ui.add_argument("--port", type=int, default=3000, help="Dagster UI port on 127.0.0.1 (default 3000)")
    ui.set_defaults(handler=command_ui)

    docs = commands.add_parser("dbt-docs", help="generate dbt docs against the warehouse",
                               description="Run `dbt docs generate` against the embedded (or configured) warehouse.")
    docs.set_defaults(handler=command_dbt_docs)

    check = commands.add_parser("check-config", help="validate a config file",
                                description="Validate a config file; exit 2 with the problems if it is invalid.")
    check.add_argument("path", nargs="?", default=None, help="config file (default: $RADAR_CONFIG or radar.yaml)")
    check.set_defaults(handler=command_check_config)

    for plugin in entry_points(group=COMMAND_PLUGINS):
        plugin.load()(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
