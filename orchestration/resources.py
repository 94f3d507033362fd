"""The one place resources are built: from the environment for the code location and the CLI,
or from explicit values for tests and benchmarks.

Which object store is used is decided by whether ``RADAR_S3_BUCKET`` is set; every value,
secrets included, is passed as ``dg.EnvVar`` and resolved when a run starts, never at import.
"""

from __future__ import annotations

import os
from typing import Any

import dagster as dg
from dagster_aws.s3 import S3Resource

from orchestration.clock import ClockResource
from orchestration.environment import RadarHome
from orchestration.snapshots.store import LocalObjectStore, ObjectStore, S3ObjectStore
from orchestration.sources.tikhub import TikHubResource
from orchestration.warehouse.dbt import RadarDbtCliResource, dbt_executable, radar_dbt_project
from orchestration.warehouse.postgres import WarehouseResource

Setting = str | dg.EnvVar


def object_store_from_environment() -> ObjectStore:
    if os.environ.get("RADAR_S3_BUCKET"):
        return S3ObjectStore(
            bucket=dg.EnvVar("RADAR_S3_BUCKET"),
            s3=S3Resource(
                endpoint_url=dg.EnvVar("RADAR_S3_ENDPOINT_URL") if os.environ.get("RADAR_S3_ENDPOINT_URL") else None,
                region_name=dg.EnvVar("AWS_REGION") if os.environ.get("AWS_REGION") else "auto",
                aws_access_key_id=dg.EnvVar("AWS_ACCESS_KEY_ID"),
                aws_secret_access_key=dg.EnvVar("AWS_SECRET_ACCESS_KEY"),
            ),
        )
    return LocalObjectStore(root=str(RadarHome.from_environment().lake))


def build_resources(*, database_url: Setting, object_store: ObjectStore, tikhub_api_key: Setting,
                    clock: ClockResource | None = None) -> dict[str, Any]:
    """Every resource the code location's assets, checks and sensors ask for."""
    return {
        "object_store": object_store,
        "warehouse": WarehouseResource(database_url=database_url),
        "dbt": RadarDbtCliResource(project_dir=radar_dbt_project(), dbt_executable=dbt_executable()),
        "tikhub_api": TikHubResource(api_key=tikhub_api_key),
        "clock": clock or ClockResource(),
    }


def resources_from_environment(clock: ClockResource | None = None) -> dict[str, Any]:
    return build_resources(database_url=dg.EnvVar("RADAR_DATABASE_URL"), object_store=object_store_from_environment(),
                           tikhub_api_key=dg.EnvVar("TIKHUB_API_KEY"), clock=clock)
