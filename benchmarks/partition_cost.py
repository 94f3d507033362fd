"""Partition cost against history: does one live hour cost more when the warehouse holds more?

For each history size H (hours), on a fresh warehouse:

  1. history   the hour before the timed hours is scraped from the demo market (history
               snapshot, real staging); the H-1 hours before it are written straight into
               landing by INSERT .. SELECT in SQL (the same listings shifted back an hour at a
               time, each product repricing once a day at its own hour, so about 4% of products
               change price per hour, as in the demo market). One dbt run then builds every
               product model over the whole history, as a backfill would.
  2. timed     K consecutive hours after the history, each snapshotted by the demo history
               writer and run through `restage_products_job` in a real Dagster run, one run per
               hour, in order, as the staging sensor launches them: snapshot read, staging,
               the Great Expectations gate, the dbt build of the hour with its tests.

The ratio is the median cost of a timed hour at the largest H over the smallest H (target <= 1.2).
Then a backfill of B hours runs as one run (staging, gate, dbt over the whole range) on a fresh
warehouse, and its cost per hour is compared with the live per-hour cost.

    .venv/bin/python benchmarks/partition_cost.py [--history-hours 72,7200] [--hours 6]
        [--backfill-hours 168] [--json]

Uses the embedded PostgreSQL unless RADAR_DATABASE_URL is set (its landing, analytics and marts
schemas are dropped). Prints a table, or with --json one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from radar_demo import DEMO_CONFIG_PATH  # noqa: E402

os.environ.setdefault("RADAR_CONFIG", str(DEMO_CONFIG_PATH))  # definitions are imported below
warnings.filterwarnings("ignore")  # Dagster's beta/preview notices would bury the numbers

import dagster as dg  # noqa: E402
import psycopg  # noqa: E402

from orchestration.automation.simulation import QUIET_LOGS, STEPS, partition_key  # noqa: E402
from orchestration.checks.gates import product_observations_gate  # noqa: E402
from orchestration.config import load_config  # noqa: E402
from orchestration.formats.rows import PRODUCT_OBSERVATION_COLUMNS  # noqa: E402
from orchestration.partitions import hourly_partitions  # noqa: E402
from orchestration.snapshots.store import LocalObjectStore  # noqa: E402
from orchestration.staging.products import stage_products_hour  # noqa: E402
from orchestration.warehouse.postgres import WarehouseResource  # noqa: E402
from orchestration.warehouse.publication import PRODUCT_PUBLICATION, publish  # noqa: E402
from radar_demo.catalog import DemoMarket  # noqa: E402
from radar_demo.history import write_history  # noqa: E402

# The first timed hour. Fixed, so every run sees the same demo market.
FIRST_TIMED_HOUR = datetime(2026, 11, 1, tzinfo=UTC)
REPLICATION_BATCH_HOURS = 240


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def reset_warehouse(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("drop schema if exists landing, landing_pending, analytics, marts, alerts cascade")


def replicate_history(warehouse: WarehouseResource, seed_hour: datetime, hours_back: int) -> int:
    """Copy the seed hour's rows to each of the ``hours_back`` hours before it, oldest first."""
    columns = [c for c in PRODUCT_OBSERVATION_COLUMNS if c not in ("partition_hour", "observed_at", "price", "snapshot_key")]
    shifted = ", ".join(columns)
    written = 0
    with warehouse.connect() as connection:
        for high in range(hours_back, 0, -REPLICATION_BATCH_HOURS):
            low = max(1, high - REPLICATION_BATCH_HOURS + 1)
            cursor = connection.execute(
                f"""
                insert into landing.product_observations (partition_hour, observed_at, price, snapshot_key, {shifted})
                select
                    base.partition_hour - make_interval(hours => back.hours),
                    base.observed_at - make_interval(hours => back.hours),
                    -- each product reprices once a day, at an hour of its own
                    round(base.price * (1 + 0.02 * (((back.hours + abs(hashtext(base.product_key)) %% 24) / 24) %% 4)), 2),
                    'benchmark/replicated-history',
                    {", ".join(f"base.{c}" for c in columns)}
                from landing.product_observations as base
                cross join generate_series(%s::integer, %s::integer) as back (hours)
                where base.partition_hour = %s
                order by back.hours desc
                """,
                [low, high, seed_hour],
            )
            written += cursor.rowcount
            connection.commit()
        connection.execute("analyze landing.product_observations")
        connection.commit()
    return written


def dbt_build_history(warehouse: WarehouseResource, start: datetime, end: datetime, scratch: Path) -> None:
    """One dbt run of the product models over the whole history window (a backfill's shape), in its
    own target folder: the project's saved parse stays the one the timed runs reuse."""
    from orchestration.assets.dbt import environment
    from orchestration.warehouse.dbt import DBT_PROJECT_DIR, dbt_executable

    variables = json.dumps({"window_start": start.isoformat(), "window_end": end.isoformat()})
    with environment(warehouse.dbt_environment()):
        subprocess.run([dbt_executable(), "--quiet", "run", "--vars", variables, "--exclude", "tag:creators",
                        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                        "--target-path", str(scratch / "dbt-history-target")],
                       cwd=DBT_PROJECT_DIR, check=True)
    with warehouse.connect() as connection:
        tables = connection.execute("select table_schema || '.' || table_name from information_schema.tables "
                                    "where table_type = 'BASE TABLE' and table_schema in ('analytics', 'marts')").fetchall()
        for (table,) in tables:
            connection.execute(f"analyze {table}")


def run_restage(defs, instance, first: datetime, last: datetime) -> tuple[float, dict[str, float]]:
    """Wall seconds of one restage_products_job run over [first, last], and seconds per step."""
    job = defs.resolve_job_def("restage_products_job")
    tags = {"dagster/asset_partition_range_start": partition_key(first),
            "dagster/asset_partition_range_end": partition_key(last)}
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):  # dbt's console output
        result = job.execute_in_process(instance=instance, tags=tags, raise_on_error=False, run_config=QUIET_LOGS)
    elapsed = time.perf_counter() - started
    if not result.success:
        raise SystemExit(f"restage run {result.run_id} for {partition_key(first)}..{partition_key(last)} failed")
    steps = {STEPS.get(stat.step_key, stat.step_key): stat.end_time - stat.start_time
             for stat in instance.get_run_step_stats(result.run_id) if stat.end_time and stat.start_time}
    return elapsed, steps


def measure_history_size(history_hours: int, timed_hours: int, database_url: str, scratch: Path, market, config,
                         defs_for) -> dict:
    reset_warehouse(database_url)
    warehouse = WarehouseResource(database_url=database_url)
    warehouse.ensure_landing_schema()
    store = LocalObjectStore(root=str(scratch / f"lake-{history_hours}"))
    seed_hour = FIRST_TIMED_HOUR - timedelta(hours=1)
    timed = [FIRST_TIMED_HOUR + timedelta(hours=offset) for offset in range(timed_hours)]

    started = time.perf_counter()
    write_history(store, market, config.product_sources, [seed_hour, *timed])
    stage_products_hour(store, warehouse, config.product_sources, seed_hour)
    audit = product_observations_gate(config).run(warehouse, hourly_partitions(seed_hour), [seed_hour])
    if not audit.passed:
        raise SystemExit(f"the seed hour failed its gate: {audit.describe()}")
    publish(warehouse, PRODUCT_PUBLICATION, [seed_hour])
    replicated = replicate_history(warehouse, seed_hour, history_hours - 1)
    dbt_build_history(warehouse, seed_hour - timedelta(hours=history_hours - 1), FIRST_TIMED_HOUR, scratch)
    (rows,) = warehouse.query("select count(*) from landing.product_observations")[0]
    (variants,) = warehouse.query("select count(distinct product_key) from landing.product_observations "
                                  "where partition_hour = %s", [seed_hour])[0]
    progress(f"history {history_hours:,} h: {rows:,} landing rows ({replicated:,} replicated), {variants:,} variants, "
          f"built in {time.perf_counter() - started:.0f}s")

    defs = defs_for(store, database_url)
    instance = dg.DagsterInstance.ephemeral()
    per_hour = []
    for hour in timed:
        elapsed, steps = run_restage(defs, instance, hour, hour)
        per_hour.append({"hour": partition_key(hour), "seconds": elapsed, **steps})
        progress(f"  {partition_key(hour)}: {elapsed:.1f}s  " + "  ".join(f"{name} {seconds:.1f}s" for name, seconds in steps.items()))
    return {"history_hours": history_hours, "landing_rows": rows, "variants": variants, "hours": per_hour,
            "median_seconds": statistics.median(h["seconds"] for h in per_hour),
            "median_dbt_seconds": statistics.median(h.get("dbt", 0.0) for h in per_hour)}


def measure_backfill(backfill_hours: int, database_url: str, scratch: Path, market, config, defs_for) -> dict:
    reset_warehouse(database_url)
    store = LocalObjectStore(root=str(scratch / "lake-backfill"))
    hours = [FIRST_TIMED_HOUR - timedelta(hours=offset) for offset in range(backfill_hours, 0, -1)]
    write_history(store, market, config.product_sources, hours)
    defs = defs_for(store, database_url)
    elapsed, steps = run_restage(defs, dg.DagsterInstance.ephemeral(), hours[0], hours[-1])
    progress(f"backfill of {backfill_hours} h in one run: {elapsed:.0f}s, {elapsed / backfill_hours:.2f}s per hour  "
             + "  ".join(f"{name} {seconds:.0f}s" for name, seconds in steps.items()))
    return {"hours": backfill_hours, "seconds": elapsed, "seconds_per_hour": elapsed / backfill_hours, "steps": steps}


def build_defs_factory(config):
    from orchestration.definitions import build_definitions
    from orchestration.resources import build_resources

    product_config = config.model_copy(update={"creators": None})

    def defs_for(store, database_url):
        return build_definitions(product_config, resources=build_resources(
            database_url=database_url, object_store=store, tikhub_api_key="unused"))

    return defs_for


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--history-hours", default="72,7200",
                        help="comma-separated history sizes in hours, smallest first (default 72,7200)")
    parser.add_argument("--hours", type=int, default=6, help="consecutive live hours timed per size (default 6)")
    parser.add_argument("--backfill-hours", type=int, default=168,
                        help="hours of the one-run backfill timed at the end; 0 skips it (default 168)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.history_hours.split(",")]
    if sorted(sizes) != sizes or sizes[0] < 2 or args.hours < 1:
        parser.error("--history-hours takes increasing sizes of at least 2 hours; --hours at least 1")

    config = load_config(DEMO_CONFIG_PATH)
    market = DemoMarket()
    defs_for = build_defs_factory(config)
    with tempfile.TemporaryDirectory(prefix="radar-partition-cost-") as scratch_dir:
        scratch = Path(scratch_dir)
        database_url = os.environ.get("RADAR_DATABASE_URL")
        embedded = None
        if not database_url:
            from orchestration.warehouse.embedded import WAREHOUSE_DATABASE, start_embedded_postgres

            embedded = scratch / "pg"
            # The warehouse database is named as in production: dbt bakes the name into its manifest.
            database_url = start_embedded_postgres(embedded, databases=(WAREHOUSE_DATABASE,))[WAREHOUSE_DATABASE]
        try:
            results = [measure_history_size(size, args.hours, database_url, scratch, market, config, defs_for)
                       for size in sizes]
            backfill = (measure_backfill(args.backfill_hours, database_url, scratch, market, config, defs_for)
                        if args.backfill_hours else None)
        finally:
            if embedded:
                from orchestration.warehouse.embedded import stop_embedded_postgres

                stop_embedded_postgres(embedded)

    ratio = results[-1]["median_seconds"] / results[0]["median_seconds"]
    summary = {
        "history_hours": sizes,
        "landing_rows": [r["landing_rows"] for r in results],
        "variants": results[0]["variants"],
        "timed_hours": args.hours,
        "seconds_per_partition": [round(r["median_seconds"], 3) for r in results],
        "dbt_seconds_per_partition": [round(r["median_dbt_seconds"], 3) for r in results],
        "dbt_share": [round(r["median_dbt_seconds"] / r["median_seconds"], 3) for r in results],
        "ratio": round(ratio, 3),
        "per_hour": {str(r["history_hours"]): r["hours"] for r in results},
        "backfill": backfill and {**backfill, "live_seconds_per_hour": round(results[0]["median_seconds"], 3),
                                  "backfill_over_live": round(backfill["seconds_per_hour"] / results[0]["median_seconds"], 3)},
    }
    if args.json:
        print(json.dumps(summary))
        return 0
    print()
    print(f"partition cost: {summary['variants']:,} variants, median of {args.hours} consecutive live hours per size")
    print("| history (hours) | landing rows | seconds per partition | of which dbt | dbt share |")
    print("|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['history_hours']:,} | {r['landing_rows']:,} | {r['median_seconds']:.2f} | "
              f"{r['median_dbt_seconds']:.2f} | {r['median_dbt_seconds'] / r['median_seconds']:.0%} |")
    print(f"\nratio (largest / smallest history): {ratio:.2f} (target <= 1.2)")
    if backfill:
        print(f"backfill of {backfill['hours']} h as one run: {backfill['seconds_per_hour']:.2f}s per hour, "
              f"{summary['backfill']['backfill_over_live']:.2f}x the live per-hour cost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
