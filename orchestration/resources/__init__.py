"""Resources, chosen from the environment in one place.

Which object store is used is decided by whether ``RADAR_S3_BUCKET`` is set; every value,
secrets included, is passed as ``dg.EnvVar`` and resolved when a run starts, never at import.
"""

from __future__ import annotations

import os
from typing import Any

import dagster as dg
from dagster_aws.s3 import S3Resource
from dagster_dbt import DbtCliResource

from orchestration.environment import RadarHome
from orchestration.resources.clock import ClockResource
from orchestration.resources.dbt import dbt_executable, radar_dbt_project
from orchestration.resources.tikhub import TikHubResource
from orchestration.resources.warehouse import WarehouseResource
from orchestration.snapshots.store import LocalObjectStore, ObjectStore, S3ObjectStore


def object_store_from_environment() -> ObjectStore:
    if os.environ.get("RADAR_S3_BUCKET"):
        return S3ObjectStore(
            bucket=dg.EnvVar("RADAR_S3_BUCKET"),
            s3=S3Resource(
                endpoint_url=dg.EnvVar("RADAR_S3_ENDPOINT_URL") if os.environ.get("RADAR_S3_ENDPOINT_URL") else None,
                region_name=os.environ.get("AWS_REGION", "auto"),
                aws_access_key_id=dg.EnvVar("AWS_ACCESS_KEY_ID"),
                aws_secret_access_key=dg.EnvVar("AWS_SECRET_ACCESS_KEY"),
            ),
        )
    return LocalObjectStore(root=str(RadarHome.from_environment().lake))


def resources_from_environment() -> dict[str, Any]:
    return {
        "object_store": object_store_from_environment(),
        "warehouse": WarehouseResource(database_url=dg.EnvVar("RADAR_DATABASE_URL")),
        "dbt": DbtCliResource(project_dir=radar_dbt_project(), dbt_executable=dbt_executable()),
        "tikhub_api": TikHubResource(api_key=dg.EnvVar("TIKHUB_API_KEY")),
        "clock": ClockResource(),
    }
