"""Snapshot assets: one per configured product source, each scraped and retried on its own."""


import re
import time
from datetime import UTC, datetime, timedelta

import dagster as dg

from orchestration.config import ProductSource
from orchestration.snapshots.manifest import SnapshotWriter
from orchestration.snapshots.store import ObjectStore
from orchestration.sources.http import PoliteHttpClient
from orchestration.sources.shopify import CONNECTOR_NAME, CONNECTOR_VERSION, fetch_catalog_pages

SNAPSHOT_KEY_PREFIX = "raw_products"
# A scrape shows the market as it is now, so it may only be filed under the current hour (plus
# a little slack for a queued run). Past hours are replayed from the archive, never re-scraped.
LATE_SCRAPE_GRACE = timedelta(minutes=15)


def snapshot_asset_key(source_name: str) -> dg.AssetKey:
    return dg.AssetKey([SNAPSHOT_KEY_PREFIX, re.sub(r"[^A-Za-z0-9_]", "_", source_name)])


def build_product_snapshot_asset(source: ProductSource, partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=snapshot_asset_key(source.name),
        partitions_def=partitions_def,
        group_name="ingest",
        kinds={"s3", "python"},
        description=f"Raw {source.kind} products.json pages of {source.name} ({source.base_url}), as fetched, plus a manifest.",
        metadata={"source": source.name, "connector": f"{CONNECTOR_NAME} {CONNECTOR_VERSION}", "base_url": source.base_url},
        retry_policy=dg.RetryPolicy(max_retries=1, delay=30),
        pool=f"source-{source.name}",
    )
    def _snapshot(context: dg.AssetExecutionContext, object_store: ObjectStore) -> dg.MaterializeResult:
        partition_hour = context.partition_time_window.start.astimezone(UTC)
        now = datetime.now(UTC)
        if not (partition_hour <= now < partition_hour + timedelta(hours=1) + LATE_SCRAPE_GRACE):
            raise dg.Failure(
                f"refusing to scrape {source.name} for hour {partition_hour:%Y-%m-%d %H:00} at {now:%Y-%m-%d %H:%M} UTC: "
                "a scrape shows the market now, so it can only be filed under the current hour. "
                "To rebuild a past hour, re-materialize staged_products for it (it replays the archived snapshot)."
            )
        started = time.monotonic()
        writer = SnapshotWriter(object_store, "products", source.name, CONNECTOR_NAME, CONNECTOR_VERSION,
                                partition_hour, run_id=context.run.run_id)
        with PoliteHttpClient(source.rate_limit_per_second) as client:
            reached_end = False
            for pages, (response, products) in enumerate(fetch_catalog_pages(client, source), start=1):
                writer.add(response, products)
                reached_end = products == 0
                context.log.info(f"{source.name}: page {pages} -> {products} products ({len(response.body):,} bytes)")
            manifest = writer.finish(truncated=not reached_end, retries=client.stats.retries,
                                     rate_limit_per_second=source.rate_limit_per_second)
        if not reached_end:
            context.log.warning(f"{source.name}: stopped at max_pages={source.max_pages} before an empty page; catalogue truncated")
        return dg.MaterializeResult(
            metadata={
                "manifest_key": manifest["manifest_key"],
                "object_store": object_store.describe(),
                "pages": manifest["pages"],
                "records": manifest["records"],
                "bytes": manifest["bytes"],
                "retries": client.stats.retries,
                "truncated": manifest["truncated"],
                "duration_s": round(time.monotonic() - started, 2),
            }
        )

    return _snapshot
