"""dbt models as Dagster assets, partitioned by hour; the partition window becomes dbt vars."""


import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.config import CometThresholds
from orchestration.warehouse.dbt import dbt_executable, radar_dbt_project
from orchestration.warehouse.postgres import WarehouseResource, dbt_connection_environment


def ensure_dbt_manifest() -> None:
    """`dbt parse` when the manifest is missing (fresh clone) or older than the project's files
    (a pull or an edit), and always under `dagster dev`.

    The manifest bakes the database name into relation names (used for row counts), so it is
    parsed against the same connection settings the runs use.
    """
    if os.environ.get("DAGSTER_IS_DEV_CLI") or manifest_is_stale():
        settings = dbt_connection_environment(os.environ["RADAR_DATABASE_URL"]) if os.environ.get("RADAR_DATABASE_URL") else {}
        # The preparer runs plain `dbt`: make it this environment's dbt even when the venv is not activated.
        path = f"{Path(dbt_executable()).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        with environment({**settings, "PATH": path}):
            radar_dbt_project().preparer.prepare(radar_dbt_project())


def manifest_is_stale() -> bool:
    manifest = radar_dbt_project().manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    project = Path(radar_dbt_project().project_dir)
    sources = [project / "dbt_project.yml", project / "profiles.yml",
               *(path for folder in ("models", "macros", "tests") for path in (project / folder).rglob("*") if path.is_file())]
    return any(path.exists() and path.stat().st_mtime > built for path in sources)


def partition_window_vars(window: dg.TimeWindow) -> dict[str, str]:
    """dbt vars for a partition window: ISO timestamps, end exclusive."""
    return {"window_start": window.start.isoformat(), "window_end": window.end.isoformat()}


def dbt_build_args(window: dg.TimeWindow, extra_vars: Mapping[str, Any] | None = None) -> list[str]:
    # dbt unit tests check SQL logic, not a partition's data: pytest runs them once, not every hour.
    variables = {**partition_window_vars(window), **(extra_vars or {})}
    return ["build", "--vars", json.dumps(variables), "--exclude-resource-type", "unit_test"]


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for a dbt subprocess started inside the block."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class RadarDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (staging, intermediate, marts) and keeps dbt descriptions."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 else "dbt"
        return {"staging": "dbt_staging", "intermediate": "dbt_intermediate", "marts": "marts"}.get(layer, "dbt")


class CreatorDbtTranslator(DagsterDbtTranslator):
    """Creator models get their own groups, apart from the hourly product layers."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 else "dbt"
        return {"staging": "creators_dbt_staging", "intermediate": "creators_dbt_intermediate",
                "marts": "creators_marts"}.get(layer, "creators_dbt")


CREATOR_MODELS = "tag:creators"


def build_dbt_assets(partitions_def: dg.TimeWindowPartitionsDefinition) -> dg.AssetsDefinition:
    """The hourly product models (everything but the creator models)."""
    ensure_dbt_manifest()

    @dbt_assets(
        manifest=radar_dbt_project().manifest_path,
        project=radar_dbt_project(),
        exclude=CREATOR_MODELS,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        dagster_dbt_translator=RadarDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_code_references=False)),
    )
    def radar_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
        """Build the dbt models and run their tests for the run's partition window."""
        yield from _build_window(context, dbt, warehouse, {})

    return radar_dbt_models


def build_creator_dbt_assets(partitions_def: dg.TimeWindowPartitionsDefinition,
                             comet: CometThresholds) -> dg.AssetsDefinition:
    """The daily creator models; comet thresholds come from the config file as dbt vars."""
    ensure_dbt_manifest()
    comet_vars = {"comet_min_followers": comet.min_followers, "comet_max_followers": comet.max_followers,
                  "comet_min_video_views": comet.min_video_views}

    @dbt_assets(
        manifest=radar_dbt_project().manifest_path,
        project=radar_dbt_project(),
        select=CREATOR_MODELS,
        name="radar_dbt_creator_models",
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        dagster_dbt_translator=CreatorDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_code_references=False)),
    )
    def radar_dbt_creator_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
        """Build the creator models and run their tests for the run's days."""
        yield from _build_window(context, dbt, warehouse, comet_vars)

    return radar_dbt_creator_models


def _build_window(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource,
                  extra_vars: Mapping[str, Any]):
    window = context.partition_time_window
    context.log.info(f"dbt window {window.start.isoformat()} .. {window.end.isoformat()}")
    with environment(warehouse.dbt_environment()):
        invocation = dbt.cli(dbt_build_args(window, extra_vars), context=context)
        # Row counts come from each statement's own result ("INSERT 0 58"), not a count(*) per
        # model afterwards, which would scan whole tables and grow with history.
        for raw_event in invocation.stream_raw_events():
            rows = rows_affected(raw_event.raw_event)
            for event in raw_event.to_default_asset_events(
                manifest=invocation.manifest, dagster_dbt_translator=invocation.dagster_dbt_translator,
                context=context, target_path=invocation.target_path, project=invocation.project,
            ):
                if rows is not None and isinstance(event, dg.Output | dg.AssetMaterialization):
                    event = event.with_metadata({**event.metadata, "rows_written": rows})
                yield event


ROWS_STATUS = re.compile(r"^(?:INSERT \d+|SELECT|UPDATE|DELETE|MERGE|COPY) (\d+)$")


def rows_affected(raw_event: Mapping[str, Any]) -> int | None:
    """Rows a model's statement wrote, from dbt's result event (``INSERT 0 58``, ``SELECT 1800``)."""
    if raw_event.get("info", {}).get("name") != "LogModelResult":
        return None
    match = ROWS_STATUS.match(str(raw_event.get("data", {}).get("status", "")).strip())
    return int(match.group(1)) if match else None
