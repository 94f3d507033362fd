"""Staged products: every source's latest snapshot for the hour, parsed and loaded with COPY."""


import time

import dagster as dg
import pandas as pd

from orchestration.checks.gates import product_observations_gate
from orchestration.checks.gx_suite import build_gx_check
from orchestration.config import RadarConfig
from orchestration.formats.normalize import BrandDictionary
from orchestration.partitions import hours_in_window
from orchestration.snapshots.manifest import SnapshotIntegrityError
from orchestration.snapshots.store import ObjectStore
from orchestration.staging.products import AcceptedPrices, price_plausibility, stage_products_hour
from orchestration.warehouse.postgres import WarehouseResource
from orchestration.warehouse.publication import PRODUCT_OBSERVATIONS


def build_staged_products(config: RadarConfig, partitions_def: dg.TimeWindowPartitionsDefinition,
                          snapshot_keys: list[dg.AssetKey]) -> list[dg.AssetsDefinition | dg.AssetChecksDefinition]:
    sources = list(config.product_sources)
    brands = BrandDictionary(config.brands)
    plausibility = price_plausibility(config.product_gate)

    @dg.asset(
        partitions_def=partitions_def,
        deps=snapshot_keys,
        group_name="staging",
        kinds={"postgres", "python"},
        backfill_policy=dg.BackfillPolicy.single_run(),
        description="Product observations (one row per variant, offer or listing per hour), replayed from snapshots "
                    "of every source kind (shopify, jsonld, browser) into landing_pending.product_observations, where "
                    "the gate audits them before published_products moves them to landing.",
        metadata={"table": PRODUCT_OBSERVATIONS.pending, "quarantine_table": "landing.quarantine"},
    )
    def staged_products(context: dg.AssetExecutionContext, object_store: ObjectStore,
                        warehouse: WarehouseResource) -> dg.MaterializeResult:
        started = time.monotonic()
        warehouse.ensure_landing_schema()
        rows_by_source: dict[str, int] = {}
        quarantined = 0
        hours = list(hours_in_window(context.partition_time_window))
        manifests: dict[str, str] = {}
        prices = AcceptedPrices(warehouse)  # later hours of the run compare with the earlier ones
        for position, hour in enumerate(hours, start=1):
            try:
                staged = stage_products_hour(object_store, warehouse, sources, hour, brands, plausibility, prices)
            except SnapshotIntegrityError as error:
                # Retrying reads the same damaged object; the message says how to repair it.
                raise dg.Failure(description=str(error), allow_retries=False) from None
            for source, rows in staged.rows_by_source.items():
                rows_by_source[source] = rows_by_source.get(source, 0) + rows
            quarantined += staged.quarantined
            manifests.update(staged.manifests)
            context.log.info(
                f"[{position}/{len(hours)}] {hour:%Y-%m-%d %H:00}: {staged.rows} rows, {staged.quarantined} quarantined"
                + (f"; no snapshot from {', '.join(staged.missing_sources)}" if staged.missing_sources else "")
            )
        sample = warehouse.query(
            "select distinct on (source_name) source_name, source_kind, title, variant_title, brand, price::text, "
            f"currency_code, discount_pct::text, sold_count from {PRODUCT_OBSERVATIONS.pending} "
            "where partition_hour = %s order by source_name, product_key", [hours[-1]])
        return dg.MaterializeResult(
            metadata={
                "rows": sum(rows_by_source.values()),
                "rows_by_source": dg.MetadataValue.json(rows_by_source),
                "quarantined": quarantined,
                "partitions": len(hours),
                "snapshot_manifests": dg.MetadataValue.json(manifests) if len(hours) == 1 else len(manifests),
                "duration_s": round(time.monotonic() - started, 2),
                "sample": dg.MetadataValue.md(pd.DataFrame(sample, columns=["source", "kind", "title", "variant", "brand", "price", "currency", "discount_pct", "sold"]).to_markdown(index=False)),
            }
        )

    gx_check = build_gx_check(product_observations_gate(config), asset=staged_products,
                              partitions_def=partitions_def)
    return [staged_products, gx_check]

