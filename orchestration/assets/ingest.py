"""Snapshot assets: one per configured product source, each scraped and retried on its own."""


import re
import time
from datetime import UTC, timedelta

import dagster as dg

from orchestration.assets.scrape_window import refuse_unless_current
from orchestration.clock import ClockResource
from orchestration.config import ConfigError, ProductSource
from orchestration.executors import step_pod_tags
from orchestration.formats.rows import PRODUCTS_DOMAIN
from orchestration.snapshots.layout import attempt_id
from orchestration.snapshots.manifest import SnapshotWriter
from orchestration.snapshots.store import ObjectStore
from orchestration.sources.connectors import product_connector

SNAPSHOT_KEY_PREFIX = "raw_products"
# Slack for a queued run to still file its scrape under the hour it was meant for.
LATE_SCRAPE_GRACE = timedelta(minutes=15)


def snapshot_asset_key(source_name: str) -> dg.AssetKey:
    return dg.AssetKey([SNAPSHOT_KEY_PREFIX, re.sub(r"[^A-Za-z0-9_]", "_", source_name)])


def source_address(source: ProductSource) -> str:
    return getattr(source, "base_url", None) or getattr(source, "sitemap_url", None) or source.urls[0]


def build_product_snapshot_asset(source: ProductSource, partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    connector = product_connector(source.kind)
    try:
        connector.check(source)
    except Exception as error:  # noqa: BLE001 - whatever the connector refuses, the code location refuses
        raise ConfigError(f"product source {source.name}: {error}") from None

    @dg.asset(
        key=snapshot_asset_key(source.name),
        partitions_def=partitions_def,
        group_name="ingest",
        kinds={"s3", "python", "chromium"} if source.kind == "browser" else {"s3", "python"},
        description=f"Raw {connector.describes} of {source.name} ({source_address(source)}), as fetched, plus a manifest.",
        metadata={"source": source.name, "kind": source.kind,
                  "connector": f"{connector.kind} {connector.version}", "address": source_address(source)},
        retry_policy=dg.RetryPolicy(max_retries=1, delay=30),
        pool=f"source-{source.name}",
        op_tags=step_pod_tags("browser" if source.kind == "browser" else "http"),
    )
    def _snapshot(context: dg.AssetExecutionContext, object_store: ObjectStore, clock: ClockResource) -> dg.MaterializeResult:
        with clock.in_effect():
            return _scrape(context, object_store)

    def _scrape(context: dg.AssetExecutionContext, object_store: ObjectStore) -> dg.MaterializeResult:
        partition_hour = context.partition_time_window.start.astimezone(UTC)
        refuse_unless_current(f"scrape {source.name}", partition_hour, timedelta(hours=1), LATE_SCRAPE_GRACE,
                              replay="re-materialize staged_products for it (it replays the archived snapshot)")
        started = time.monotonic()
        writer = SnapshotWriter(object_store, PRODUCTS_DOMAIN, source.name, connector.kind, connector.version,
                                partition_hour, run_id=attempt_id(context.run.run_id, context.retry_number))
        try:
            extras = connector.fetch(source, writer, context.log, secrets={})
        except connector.permanent_errors as error:
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
