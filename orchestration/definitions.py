"""The Commerce Radar code location: assembles assets, checks, jobs, schedules and resources.

Importing this module does nothing: Dagster calls ``defs`` when it loads the code location, and
only then are the config file (``RADAR_CONFIG``) and the dbt manifest read.
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets.alerts import (
    ALERT_OUTBOX,
    CREATOR_ALERT_INPUTS,
    CREATOR_ALERT_KINDS,
    PRODUCT_ALERT_INPUTS,
    PRODUCT_ALERT_KINDS,
    build_alert_detection_asset,
    build_delivery_job,
)
from orchestration.assets.creators import build_creator_assets
from orchestration.assets.dbt import (
    CREATOR_MODELS,
    PRODUCT_MODELS,
    build_dbt_models,
    comet_vars,
    market_signal_vars,
)
from orchestration.assets.ingest import SNAPSHOT_KEY_PREFIX, build_product_snapshot_asset
from orchestration.assets.publish import build_publish_asset
from orchestration.assets.report import build_market_report
from orchestration.assets.staging import build_staged_products
from orchestration.automation.alerts import build_alert_delivery_sensor, build_run_failure_alert_sensor
from orchestration.automation.schedules import (
    build_daily_creators_schedule,
    build_daily_report_schedule,
    build_hourly_snapshot_schedule,
)
from orchestration.automation.sensors import build_stage_products_sensor
from orchestration.config import CometThresholds, RadarConfig, load_config
from orchestration.executors import step_executor
from orchestration.partitions import daily_partitions, hourly_partitions
from orchestration.resources import resources_from_environment
from orchestration.warehouse.publication import (
    CREATOR_OBSERVATIONS,
    CREATOR_PUBLICATION,
    PRODUCT_OBSERVATIONS,
    PRODUCT_PUBLICATION,
    PRODUCT_SCRAPES,
    SEARCH_TARGETS,
    VIDEO_OBSERVATIONS,
)


def build_definitions(config: RadarConfig, resources: dict | None = None) -> dg.Definitions:
    resources = resources if resources is not None else resources_from_environment()
    hourly = hourly_partitions(config.partitions_start)
    snapshots = [build_product_snapshot_asset(source, hourly) for source in config.product_sources]
    snapshot_keys = [asset.key for asset in snapshots]
    staged_products, staged_products_gate = build_staged_products(config, hourly, snapshot_keys)
    published_products = build_publish_asset(
        PRODUCT_PUBLICATION, hourly,
        {"published_products": [PRODUCT_OBSERVATIONS], "published_product_scrapes": [PRODUCT_SCRAPES]},
        deps=["staged_products"], group_name="staging")
    # One set of vars for every dbt invocation, equal to the ones dbt parsed with (partial parsing).
    dbt_vars = {**market_signal_vars(config.market_signals),
                **comet_vars(config.creators.comet if config.creators else CometThresholds()),
                "bi_access": config.bi.dbt_var()}
    database_url = warehouse_url(resources)
    dbt_models = build_dbt_models(PRODUCT_MODELS, hourly, dbt_vars, database_url)
    product_alerts = build_alert_detection_asset("product_alerts", config.alerts, PRODUCT_ALERT_KINDS,
                                                 PRODUCT_ALERT_INPUTS, hourly, group_name="alerts")

    # Per-step pods (RADAR_STEP_EXECUTOR=k8s) for the jobs with browser scrapes and dbt.
    executor = step_executor()
    snapshots_job = dg.define_asset_job(
        "product_snapshots_job",
        selection=dg.AssetSelection.groups("ingest"),
        partitions_def=hourly,
        executor_def=executor,
        description="Scrape product sources for the current hour (the schedule runs one source per run).",
    )
    products_job = dg.define_asset_job(
        "hourly_products_job",
        selection=dg.AssetSelection.groups("ingest", "staging", "dbt_staging", "dbt_intermediate", "marts", "alerts"),
        partitions_def=hourly,
        executor_def=executor,
        description="Scrape every source, stage the hour, gate it with Great Expectations, publish it, build dbt: "
                    "and detect alerts, all in one run (manual use).",
    )
    restage_job = dg.define_asset_job(
        "restage_products_job",
        selection=dg.AssetSelection.groups("staging", "dbt_staging", "dbt_intermediate", "marts", "alerts"),
        partitions_def=hourly,
        executor_def=executor,
        description=f"Replay archived {SNAPSHOT_KEY_PREFIX} snapshots through staging, the gate, publishing and dbt "
                    "and alert detection (backfills, parser fixes; only fresh events alert).",
    )
    creator_assets, creator_checks, creator_jobs, creator_schedules = [], [], [], []
    if config.creators is not None:
        daily = daily_partitions(config.partitions_start)
        snapshot, staged, *gates = build_creator_assets(config.creators, daily, config.brands)
        published = build_publish_asset(
            CREATOR_PUBLICATION, daily,
            {"published_creators": [CREATOR_OBSERVATIONS], "published_videos": [VIDEO_OBSERVATIONS, SEARCH_TARGETS]},
            deps=["staged_creators", "staged_videos"], group_name="creators_staging")
        creator_models = build_dbt_models(CREATOR_MODELS, daily, dbt_vars, database_url)
        creator_alerts = build_alert_detection_asset("creator_alerts", config.alerts, CREATOR_ALERT_KINDS,
                                                     CREATOR_ALERT_INPUTS, daily, group_name="creators_alerts")
        creator_assets, creator_checks = [snapshot, staged, published, creator_models, creator_alerts], gates
        creators_job = dg.define_asset_job(
            "daily_creators_job",
            selection=dg.AssetSelection.assets(snapshot, staged, published, creator_models, creator_alerts),
            partitions_def=daily,
            description="Search TikHub for today's creators, stage creators and videos, gate them with Great "
                        "Expectations, publish them, build the creator marts (growth, velocity, comets, brand mentions).",
        )
        restage_creators_job = dg.define_asset_job(
            "restage_creators_job",
            selection=dg.AssetSelection.assets(staged, published, creator_models, creator_alerts),
            partitions_def=daily,
            description="Replay archived creator search snapshots through staging, the gates, publishing and the "
                        "creator marts.",
        )
        creator_jobs = [creators_job, restage_creators_job]
        creator_schedules = [build_daily_creators_schedule(creators_job, daily)]
    delivery_job = build_delivery_job(config.alerts)
    days = daily_partitions(config.partitions_start)
    market_report = build_market_report(days, creators_configured=config.creators is not None)
    report_job = dg.define_asset_job("market_report_job", selection=[market_report], partitions_def=days,
                                     description="Write a day's market report (HTML) to reports/ in the object store.")
    return dg.Definitions(
        assets=[*snapshots, staged_products, published_products, dbt_models, product_alerts, *creator_assets,
                market_report, ALERT_OUTBOX],
        asset_checks=[staged_products_gate, *creator_checks],
        jobs=[snapshots_job, products_job, restage_job, *creator_jobs, delivery_job, report_job],
        schedules=[build_hourly_snapshot_schedule(snapshots_job, hourly, snapshot_keys), *creator_schedules,
                   build_daily_report_schedule(report_job, days)],
        sensors=[build_stage_products_sensor(restage_job, hourly, snapshot_keys), build_alert_delivery_sensor(delivery_job),
                 build_run_failure_alert_sensor(config.alerts, (restage_job.name, products_job.name))],
        resources=resources,
    )


def warehouse_url(resources: dict) -> str | None:
    """The warehouse the runs will use, if it can be known now (an unset variable cannot)."""
    url = getattr(resources.get("warehouse"), "database_url", None)
    return url.get_value() if isinstance(url, dg.EnvVar) else url


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(load_config())
