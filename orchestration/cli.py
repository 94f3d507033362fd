"""`radar`: Commerce Radar on one machine.

  radar ui              serve the Dagster UI for $RADAR_CONFIG on embedded defaults
  radar dbt-docs        dbt docs generate against the warehouse (lineage, column docs, catalog)
  radar report          write the market report (one offline HTML page) for a day
  radar check-config    validate a config file and print what it configures

Installed plugins add commands through the ``commerce_radar.commands`` entry point group; the
demo (``commerce-radar-demo``) adds ``radar demo``, ``radar simulate`` and ``radar market``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from contextlib import suppress
from importlib.metadata import entry_points

from orchestration.config import ConfigError, load_config
from orchestration.environment import RadarHome
from orchestration.local import local_runtime, local_warehouse, port_setting, say, serve_ui

COMMAND_PLUGINS = "commerce_radar.commands"


def command_ui(args: argparse.Namespace) -> int:
    load_config()  # an invalid file stops here, before PostgreSQL starts
    with local_runtime(RadarHome.from_environment()):
        return serve_ui(args.port)


def command_bi(args: argparse.Namespace) -> int:
    from orchestration.bi import serve_superset

    config = load_config()
    with local_runtime(RadarHome.from_environment()) as home:
        return serve_superset(home, os.environ["RADAR_DATABASE_URL"], config.bi.role, args.port)


def command_dbt_docs(args: argparse.Namespace) -> int:
    from orchestration.assets.dbt import environment
    from orchestration.warehouse.dbt import DBT_DOCS_DIR, DBT_PROJECT_DIR, dbt_executable

    with local_runtime(RadarHome.from_environment()), environment(local_warehouse().dbt_environment()):
        # Its own target folder: the runs' saved parse in target/ stays theirs to reuse.
        code = subprocess.call([dbt_executable(), "docs", "generate", "--project-dir", str(DBT_PROJECT_DIR),
                                "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(DBT_DOCS_DIR)],
                               cwd=DBT_PROJECT_DIR)
    if code == 0:
        say(f"dbt docs in {DBT_DOCS_DIR} (index.html, catalog.json); browse with: .venv/bin/dbt docs serve "
            f"--project-dir dbt_project --profiles-dir dbt_project --target-path {DBT_DOCS_DIR.relative_to(DBT_PROJECT_DIR)}")
    return code


def command_report(args: argparse.Namespace) -> int:
    from datetime import UTC, date, datetime
    from pathlib import Path

    from orchestration.reports.data import latest_market_day, read_report_data
    from orchestration.reports.html import render_report

    config = load_config()
    with local_runtime(RadarHome.from_environment()):
        warehouse = local_warehouse()
        day = date.fromisoformat(args.day) if args.day else latest_market_day(warehouse)
        if day is None:
            print("no market day in marts.mart_market_kpis yet: run `radar demo` or the hourly jobs first",
                  file=sys.stderr)
            return 1
        data = read_report_data(warehouse, day, datetime.now(UTC), creators_configured=config.creators is not None)
    out = Path(args.out)
    out.write_text(render_report(data), encoding="utf-8")
    empty = [section for section in data.sections if section.is_empty]
    say(f"market report for {day:%Y-%m-%d}: {out.resolve()} ({len(data.sections) - len(empty)}/{len(data.sections)} "
        "sections with rows; opens offline)")
    for section in empty:
        say(f"  {section.title}: {section.empty_reason}")
    return 0


def command_check_config(args: argparse.Namespace) -> int:
    config = load_config(args.path)
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
    print_alerts(config.alerts)
    print(f"  bi: marts readable by {config.bi.role}"
          + "".join(f"; {tenant.role} sees only {tenant.describe()}" for tenant in config.bi.tenants))
    return 0


def print_alerts(alerts) -> None:
    if not alerts.rules and not alerts.run_failure_channel:
        print("  alerts: none configured")
        return
    print(f"  alerts: {len(alerts.rules)} rule(s), events from the last {alerts.freshness_hours:g} h only, "
          f"dead-lettered after {alerts.max_attempts} failed POSTs"
          + (f"; failed runs to {alerts.run_failure_channel}" if alerts.run_failure_channel else ""))
    for rule in alerts.rules:
        scope = ", ".join(f"{key} {value}" for key, value in rule.scope.model_dump().items() if value) or "everything"
        print(f"    - {rule.name}: {rule.kind} on {scope} -> {rule.channel}")
    for channel in alerts.channels:
        # Names of the variables and whether they are set; never their values.
        variables = [name for name in (channel.url_env, channel.token_env) if name]
        state = ", ".join(f"${name} ({'set' if os.environ.get(name) else 'NOT set'})" for name in variables)
        print(f"    channel {channel.name}: {channel.kind}, {state}")


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
    ui.add_argument("--ui-port", "--port", dest="port", type=int, default=port_setting("RADAR_UI_PORT", 3000),
                    help="Dagster UI port on 127.0.0.1 (default $RADAR_UI_PORT or 3000)")
    ui.set_defaults(handler=command_ui)

    bi = commands.add_parser(
        "bi", help="serve the Superset dashboard over the marts, as the read-only BI role",
        description="Import the Commerce Radar dashboard (docker/superset/dashboard.py) into Superset and serve it "
                    "over the warehouse's marts, connected as the config's bi.role. Superset runs from .venv-bi, "
                    "which `make bi` installs; its metadata and admin password live in $RADAR_HOME/superset.")
    bi.add_argument("--port", type=int, default=port_setting("RADAR_BI_PORT", 8088),
                    help="Superset port on 127.0.0.1 (default $RADAR_BI_PORT or 8088)")
    bi.set_defaults(handler=command_bi)

    docs = commands.add_parser("dbt-docs", help="generate dbt docs against the warehouse",
                               description="Run `dbt docs generate` against the embedded (or configured) warehouse.")
    docs.set_defaults(handler=command_dbt_docs)

    report = commands.add_parser(
        "report", help="write the market report (HTML) for a day",
        description="Render the market report from the marts into one self-contained HTML file (charts inlined, "
                    "no network needed to view it). The Dagster asset market_report writes the same page to the "
                    "object store every day.")
    report.add_argument("--out", default="report.html", help="output file (default report.html)")
    report.add_argument("--day", default=None, help="UTC day YYYY-MM-DD (default: the latest day in the marts)")
    report.set_defaults(handler=command_report)

    check = commands.add_parser("check-config", help="validate a config file",
                                description="Validate a config file; exit 2 with the problems if it is invalid.")
    check.add_argument("path", nargs="?", default=None, help="config file (default: $RADAR_CONFIG or radar.yaml)")
    check.set_defaults(handler=command_check_config)

    for plugin in entry_points(group=COMMAND_PLUGINS):
        plugin.load()(commands)
    return parser


def silence_warnings_users_cannot_act_on() -> None:
    """Library deprecations and preview notices are for us, not for someone running `radar`."""
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", module="platformdirs")  # XDG_RUNTIME_DIR unset: harmless
    warnings.filterwarnings("ignore", message=".*(is currently in beta|is in preview|get_sensor_def).*")
    with suppress(ImportError):
        import dagster as dg

        for category in (dg.BetaWarning, dg.PreviewWarning, dg.SupersessionWarning):
            warnings.filterwarnings("ignore", category=category)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    silence_warnings_users_cannot_act_on()
    try:
        return args.handler(args)
    except ConfigError as error:  # names the file, the key and what was expected
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
