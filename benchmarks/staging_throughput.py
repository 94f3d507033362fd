"""Staging throughput: snapshot -> landing.product_observations, against two references.

  staging     stage_products_hour: read + gunzip + verify the snapshot, parse, normalize, COPY
  raw COPY    the same rows, already built in memory, COPY'd into the same table (the limit)
  baseline    the seed project's approach: pandas frame from the JSON, then one upsert per row
  gate        the Great Expectations gate of the staged hour (the rows and per-hour suites), warm:
              the first gate of a process also imports GX and builds its context, reported apart

All run in one process against the same PostgreSQL (embedded unless RADAR_DATABASE_URL is set),
so the ratios compare like with like. Prints rows/s and ratios; exits 0.

    .venv/bin/python benchmarks/staging_throughput.py [--rows 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

from orchestration.checks.gates import product_observations_gate  # noqa: E402
from orchestration.config import RadarConfig, ShopifySource  # noqa: E402
from orchestration.formats.responses import FetchedResponse  # noqa: E402
from orchestration.formats.rows import (  # noqa: E402
    PRODUCT_OBSERVATION_COLUMNS,
    PRODUCTS_DOMAIN,
    ProductObservation,
)
from orchestration.partitions import hourly_partitions  # noqa: E402
from orchestration.snapshots.manifest import SnapshotWriter  # noqa: E402
from orchestration.snapshots.store import LocalObjectStore  # noqa: E402
from orchestration.staging.products import iter_source_observations, stage_products_hour  # noqa: E402
from orchestration.warehouse.postgres import PartitionLoad, WarehouseResource  # noqa: E402

HOUR = datetime(2026, 11, 20, 12, tzinfo=UTC)
VARIANTS_PER_PRODUCT = 4
PRODUCTS_PER_PAGE = 250
SOURCE = ShopifySource(name="bench-shop", kind="shopify", base_url="https://bench.example.com", currency="USD")


def synthetic_page(page: int) -> bytes:
    """A products.json page in Shopify's real shape (ids, decimal strings, compare-at, vendor, type)."""
    products = []
    for index in range(PRODUCTS_PER_PAGE):
        product_id = 8_000_000_000_000 + page * 1000 + index
        variants = [
            {"id": product_id * 10 + v, "title": f"Size {v}", "option1": f"Size {v}", "option2": None, "option3": None,
             "sku": f"SKU-{product_id}-{v}", "requires_shipping": True, "taxable": True, "featured_image": None,
             "available": (index + v) % 7 != 0, "price": f"{10 + (index * 7 + v) % 90}.95", "grams": 100,
             "compare_at_price": f"{30 + (index * 7 + v) % 90}.00" if index % 3 == 0 else None, "position": v + 1,
             "product_id": product_id, "created_at": "2026-01-01T00:00:00-05:00", "updated_at": "2026-11-01T00:00:00-05:00"}
            for v in range(VARIANTS_PER_PRODUCT)
        ]
        products.append({"id": product_id, "title": f"Bench Product {product_id}", "handle": f"bench-product-{product_id}",
                         "body_html": "&lt;p&gt;benchmark&lt;/p&gt;", "vendor": f"Brand {index % 12}",
                         "product_type": f"Category {index % 8}", "tags": ["bench"], "variants": variants,
                         "images": [], "options": [], "published_at": "2026-01-01T00:00:00-05:00",
                         "created_at": "2026-01-01T00:00:00-05:00", "updated_at": "2026-11-01T00:00:00-05:00"})
    return json.dumps({"products": products}, separators=(",", ":")).encode()


def write_snapshot(store: LocalObjectStore, rows: int) -> None:
    pages = -(-rows // (PRODUCTS_PER_PAGE * VARIANTS_PER_PRODUCT))
    writer = SnapshotWriter(store, PRODUCTS_DOMAIN, SOURCE.name, "shopify", "bench", HOUR, run_id="bench")
    for page in range(1, pages + 1):
        body = synthetic_page(page)
        writer.add(FetchedResponse(f"{SOURCE.base_url}/products.json?limit=250&page={page}", 200, "application/json",
                                   body, HOUR + timedelta(minutes=5, seconds=page), 1), PRODUCTS_PER_PAGE)
    writer.finish()


def prebuilt_rows(store: LocalObjectStore) -> list[tuple]:
    from orchestration.snapshots.manifest import latest_manifest
    from orchestration.staging.products import StagedHour

    manifest = latest_manifest(store, PRODUCTS_DOMAIN, SOURCE.name, HOUR)
    return list(iter_source_observations(store, SOURCE, manifest, HOUR, [], StagedHour(HOUR)))


def run_staging(store, warehouse) -> int:
    return stage_products_hour(store, warehouse, [SOURCE], HOUR).rows


def run_raw_copy(rows, warehouse) -> int:
    load = PartitionLoad("landing.product_observations", PRODUCT_OBSERVATION_COLUMNS, "partition_hour = %s", [HOUR], rows)
    return warehouse.replace_partitions([load])[0]


# The seed approach knows the Shopify columns only; the listing-page facts keep their defaults.
BASELINE_COLUMNS = [name for name in ProductObservation._fields if name not in ProductObservation._field_defaults]

BASELINE_DDL = """
create schema if not exists bench;
drop table if exists bench.baseline_observations;
create table bench.baseline_observations (like landing.product_observations including defaults including generated);
create unique index on bench.baseline_observations (partition_hour, product_key);
"""


def run_baseline(store, warehouse) -> int:
    """The seed approach: json -> pandas -> one INSERT .. ON CONFLICT DO UPDATE per row."""
    from orchestration.formats.normalize import normalize_url, product_key
    from orchestration.snapshots.manifest import latest_manifest, read_pages

    manifest = latest_manifest(store, PRODUCTS_DOMAIN, SOURCE.name, HOUR)
    frames = []
    for request, body in read_pages(store, manifest):
        products = json.loads(body)["products"]
        frame = pd.json_normalize(products, record_path="variants",
                                  meta=["id", "title", "handle", "vendor", "product_type"], record_prefix="variant_")
        frame["observed_at"] = request["fetched_at"]
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    columns = ", ".join(BASELINE_COLUMNS)
    placeholders = ", ".join(["%s"] * len(BASELINE_COLUMNS))
    statement = (f"insert into bench.baseline_observations ({columns}) values ({placeholders}) "
                 f"on conflict (partition_hour, product_key) do update set price = excluded.price, "
                 f"compare_at_price = excluded.compare_at_price, is_available = excluded.is_available")
    count = 0
    with warehouse.connect() as connection:
        for row in frame.itertuples(index=False):
            identity = f"shopify:{row.id}:{row.variant_id}"
            connection.execute(statement, (
                HOUR, SOURCE.name, "shopify", "bench", row.observed_at, product_key(SOURCE.name, identity),
                str(row.id), str(row.variant_id), row.title, row.variant_title, row.vendor, row.product_type,
                row.variant_sku, normalize_url(f"{SOURCE.base_url}/products/{row.handle}?variant={row.variant_id}"),
                row.variant_price, row.variant_compare_at_price, SOURCE.currency, row.variant_available))
            count += 1
        connection.commit()
    return count


def time_gate(store, warehouse, repeat: int) -> tuple[float, float]:
    """(first gate in this process, best warm gate) over the staged hour; each must pass."""
    run_staging(store, warehouse)
    gate = product_observations_gate(RadarConfig(product_sources=[SOURCE]))
    partitions_def = hourly_partitions(HOUR - timedelta(days=1))
    times = []
    for attempt in range(repeat + 1):
        result = gate.run(warehouse, partitions_def, [HOUR])
        if not result.passed:
            raise SystemExit(f"the gate failed on the benchmark's rows: {result.describe()}")
        times.append(result.seconds)
        print(f"  {'gate':<10} run {attempt + 1}: {result.rows_validated:,} rows in {result.seconds:.2f}s"
              + (" (imports GX, builds its context)" if attempt == 0 else ""), flush=True)
    return times[0], min(times[1:])


def empty_tables(warehouse) -> None:
    """Every timed run starts from empty tables: dead tuples left by a previous run would slow
    whichever path runs later and bias the ratio by run order."""
    with warehouse.connect() as connection:
        connection.execute("truncate landing.product_observations, landing_pending.product_observations, "
                           "bench.baseline_observations")


def timed_interleaved(paths: dict, repeat: dict[str, int], warehouse) -> dict[str, float]:
    """Best-of-N wall time per path (the least disturbed run); paths alternate run by run."""
    times: dict[str, list[float]] = {name: [] for name in paths}
    for attempt in range(max(repeat.values())):
        for name, function in paths.items():
            if attempt >= repeat[name]:
                continue
            empty_tables(warehouse)
            started = time.perf_counter()
            rows = function()
            times[name].append(time.perf_counter() - started)
            print(f"  {name:<10} run {attempt + 1}: {rows:,} rows in {times[name][-1]:.2f}s", flush=True)
    return {name: min(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="variant observations to stage (default 200000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of staging and raw COPY; best is reported")
    parser.add_argument("--baseline-repeat", type=int, default=1, help="runs of the slow baseline (default 1)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="radar-bench-") as scratch:
        database_url = os.environ.get("RADAR_DATABASE_URL")
        embedded = None
        if not database_url:
            from orchestration.warehouse.embedded import start_embedded_postgres

            embedded = Path(scratch) / "pg"
            database_url = start_embedded_postgres(embedded, databases=("radar_bench",))["radar_bench"]
        try:
            warehouse = WarehouseResource(database_url=database_url)
            warehouse.ensure_landing_schema()
            with warehouse.connect() as connection:
                connection.execute(BASELINE_DDL)
            store = LocalObjectStore(root=str(Path(scratch) / "lake"))
            write_snapshot(store, args.rows)
            rows = prebuilt_rows(store)
            print(f"staging throughput: {len(rows):,} variant observations, {os.cpu_count()} cores, PostgreSQL at "
                  f"{'embedded' if embedded else 'RADAR_DATABASE_URL'}", flush=True)

            best = timed_interleaved(
                {"staging": lambda: run_staging(store, warehouse),
                 "raw COPY": lambda: run_raw_copy(rows, warehouse),
                 "baseline": lambda: run_baseline(store, warehouse)},
                {"staging": args.repeat, "raw COPY": args.repeat, "baseline": args.baseline_repeat},
                warehouse,
            )
            first_gate, best["gate"] = time_gate(store, warehouse, args.repeat)
        finally:
            if embedded:
                from orchestration.warehouse.embedded import stop_embedded_postgres

                stop_embedded_postgres(embedded)

    rate = {name: len(rows) / seconds for name, seconds in best.items() if name != "gate"}
    print()
    print("| path | rows/s | ratio |")
    print("|---|---:|---:|")
    for name in ("staging", "raw COPY", "baseline"):
        print(f"| {name} | {rate[name]:,.0f} | {rate[name] / rate['raw COPY']:.2f}x raw COPY |")
    print()
    vs_copy = rate["staging"] / rate["raw COPY"]
    vs_baseline = rate["staging"] / rate["baseline"]
    print(f"staging / raw COPY = {vs_copy:.2f}x (target >= 0.67x: {'met' if vs_copy >= 0.67 else 'NOT met'})")
    print(f"staging / baseline = {vs_baseline:.1f}x (target >= 10x: {'met' if vs_baseline >= 10 else 'NOT met'})")
    gate_share = best["gate"] / best["staging"]
    print(f"gate / staging     = {best['gate']:.2f}s / {best['staging']:.2f}s = {gate_share:.2f}x "
          f"(target <= 0.25x: {'met' if gate_share <= 0.25 else 'NOT met'}); first gate in a process {first_gate:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
