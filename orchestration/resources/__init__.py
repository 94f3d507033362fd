"""Resources, chosen from the environment in one place.

Which object store is used is decided by whether ``RADAR_S3_BUCKET`` is set; every value,
secrets included, is passed as ``dg.EnvVar`` and resolved when a run starts, never at import.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_aws.s3 import S3Resource
from dagster_dbt import DbtCliResource

from orchestration.environment import RadarHome
from orchestration.resources.clock import ClockResource
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


def dbt_executable() -> str:
    """The dbt installed next to this Python (the project venv), else whatever is on PATH."""
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else (shutil.which("dbt") or "dbt")


def resources_from_environment() -> dict[str, Any]:
    from orchestration.assets.creators import TikHubResource
    from orchestration.assets.dbt import dbt_project

    return {
        "object_store": object_store_from_environment(),
        "warehouse": WarehouseResource(database_url=dg.EnvVar("RADAR_DATABASE_URL")),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        "tikhub_api": TikHubResource(api_key=dg.EnvVar("TIKHUB_API_KEY")),
        "clock": ClockResource(),
    }
