"""The Commerce Radar code location: assembles assets, checks, jobs, schedules and resources."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import build_dbt_assets
from orchestration.assets.ingest import SNAPSHOT_KEY_PREFIX, build_product_snapshot_asset
from orchestration.assets.staging import build_staged_products
from orchestration.automation.schedules import build_hourly_products_schedule
from orchestration.config import RadarConfig, load_config
from orchestration.partitions import hourly_partitions
from orchestration.resources import resources_from_environment


def build_definitions(config: RadarConfig, resources: dict | None = None) -> dg.Definitions:
    hourly = hourly_partitions(config.partitions_start)
    snapshots = [build_product_snapshot_asset(source, hourly) for source in config.product_sources]
    staged_products, staged_products_gate = build_staged_products(config, hourly, [asset.key for asset in snapshots])
    dbt_models = build_dbt_assets(hourly)

    products_job = dg.define_asset_job(
        "hourly_products_job",
        selection=dg.AssetSelection.groups("ingest", "staging", "dbt_staging", "dbt_intermediate", "marts"),
        partitions_def=hourly,
        description="Scrape every product source, stage the hour, gate it with Great Expectations, build dbt.",
    )
    restage_job = dg.define_asset_job(
        "restage_products_job",
        selection=dg.AssetSelection.groups("staging", "dbt_staging", "dbt_intermediate", "marts"),
        partitions_def=hourly,
        description=f"Replay archived {SNAPSHOT_KEY_PREFIX} snapshots through staging, checks and dbt (backfills, parser fixes).",
    )
    return dg.Definitions(
        assets=[*snapshots, staged_products, dbt_models],
        asset_checks=[staged_products_gate],
        jobs=[products_job, restage_job],
        schedules=[build_hourly_products_schedule(products_job, hourly)],
        resources=resources if resources is not None else resources_from_environment(),
    )


defs = build_definitions(load_config())
