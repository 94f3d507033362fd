"""Snapshot assets: one per configured product source, each scraped and retried on its own."""


import re
import time
from datetime import UTC, timedelta

import dagster as dg

from orchestration.clock import ClockResource, utc_now
from orchestration.config import ProductSource
from orchestration.formats.recipes import RecipeError
from orchestration.formats.responses import SourceFormatError
from orchestration.snapshots.layout import attempt_id
from orchestration.snapshots.manifest import SnapshotWriter
from orchestration.snapshots.store import ObjectStore
from orchestration.sources import jsonld, shopify
from orchestration.sources.browser import scraper as browser
from orchestration.sources.browser.runtime import BrowserUnavailableError
from orchestration.sources.browser.scraper import BlockedPageError
from orchestration.sources.proxy import ProxyUnreachableError

PERMANENT_FAILURES = (ProxyUnreachableError, BlockedPageError, SourceFormatError, BrowserUnavailableError, RecipeError)
# kind -> the connector module: CONNECTOR_NAME, CONNECTOR_VERSION, write_snapshot(source, writer, log)
CONNECTORS = {"shopify": shopify, "jsonld": jsonld, "browser": browser}
DESCRIPTIONS = {
    "shopify": "products.json pages",
    "jsonld": "sitemap and product pages (schema.org JSON-LD)",
    "browser": "rendered listing pages (HTML, via headless Chromium)",
}

SNAPSHOT_KEY_PREFIX = "raw_products"
# A scrape shows the market as it is now, so it may only be filed under the current hour (plus
# a little slack for a queued run). Past hours are replayed from the archive, never re-scraped.
LATE_SCRAPE_GRACE = timedelta(minutes=15)


def snapshot_asset_key(source_name: str) -> dg.AssetKey:
    return dg.AssetKey([SNAPSHOT_KEY_PREFIX, re.sub(r"[^A-Za-z0-9_]", "_", source_name)])


def source_address(source: ProductSource) -> str:
    return getattr(source, "base_url", None) or getattr(source, "sitemap_url", None) or source.urls[0]


def build_product_snapshot_asset(source: ProductSource, partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    connector = CONNECTORS[source.kind]

    @dg.asset(
        key=snapshot_asset_key(source.name),
        partitions_def=partitions_def,
        group_name="ingest",
        kinds={"s3", "python", "chromium"} if source.kind == "browser" else {"s3", "python"},
        description=f"Raw {DESCRIPTIONS[source.kind]} of {source.name} ({source_address(source)}), as fetched, plus a manifest.",
        metadata={"source": source.name, "kind": source.kind,
                  "connector": f"{connector.CONNECTOR_NAME} {connector.CONNECTOR_VERSION}", "address": source_address(source)},
        retry_policy=dg.RetryPolicy(max_retries=1, delay=30),
        pool=f"source-{source.name}",
    )
    def _snapshot(context: dg.AssetExecutionContext, object_store: ObjectStore, clock: ClockResource) -> dg.MaterializeResult:
        with clock.in_effect():
            return _scrape(context, object_store)

    def _scrape(context: dg.AssetExecutionContext, object_store: ObjectStore) -> dg.MaterializeResult:
        partition_hour = context.partition_time_window.start.astimezone(UTC)
        now = utc_now()
        if not (partition_hour <= now < partition_hour + timedelta(hours=1) + LATE_SCRAPE_GRACE):
            raise dg.Failure(
                f"refusing to scrape {source.name} for hour {partition_hour:%Y-%m-%d %H:00} at {now:%Y-%m-%d %H:%M} UTC: "
                "a scrape shows the market now, so it can only be filed under the current hour. "
                "To rebuild a past hour, re-materialize staged_products for it (it replays the archived snapshot).",
                allow_retries=False,
            )
        started = time.monotonic()
        writer = SnapshotWriter(object_store, "products", source.name, connector.CONNECTOR_NAME, connector.CONNECTOR_VERSION,
                                partition_hour, run_id=attempt_id(context.run.run_id, context.retry_number))
        try:
            extras = connector.write_snapshot(source, writer, context.log)
        except PERMANENT_FAILURES as error:
            # Retrying cannot help (a dead proxy, a captcha, a wrong format): fail the partition now.
            raise dg.Failure(description=f"{source.name}: {error}", allow_retries=False) from error
        manifest = writer.finish(**extras)
        return dg.MaterializeResult(
            metadata={
                "manifest_key": manifest["manifest_key"],
                "object_store": object_store.describe(),
                "pages": manifest["pages"],
                "records": manifest["records"],
                "bytes": manifest["bytes"],
                "retries": manifest["retries"],
                "truncated": manifest["truncated"],
                **({"watches": dg.MetadataValue.json(manifest["watches"]), "browser": manifest["browser"]}
                   if source.kind == "browser" else {}),
                "duration_s": round(time.monotonic() - started, 2),
            }
        )

    return _snapshot
