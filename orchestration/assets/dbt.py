"""dbt models as Dagster assets, partitioned by hour; the partition window becomes dbt vars."""


import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.config import CometThresholds, MarketSignals
from orchestration.executors import step_pod_tags
from orchestration.warehouse.dbt import dbt_executable, radar_dbt_project
from orchestration.warehouse.postgres import WarehouseResource, dbt_connection_environment

PARSED_WITH_FILE = "radar_parsed_with.sha256"
_PARSED_IN_THIS_PROCESS: set[str] = set()


def dbt_vars_json(dbt_vars: Mapping[str, Any] | None) -> str:
    """The vars as every invocation and the saved parse pass them: dbt compares them as text."""
    return json.dumps(dict(dbt_vars or {}), sort_keys=True)


def ensure_dbt_manifest(dbt_vars: Mapping[str, Any] | None = None, database_url: str | None = None) -> None:
    """`dbt parse` when the manifest is missing (fresh clone), older than the project's files (a
    pull or an edit) or parsed with other vars, and always under `dagster dev`.

    The runs pass the same vars, so dbt reuses this parse (partial parsing) instead of parsing the
    whole project on every run. The manifest bakes the database name into relation names (used
    for row counts), so it is parsed against the same connection settings the runs use.
    """
    settings = dbt_connection_environment(database_url) if database_url else {}
    vars_json = dbt_vars_json(dbt_vars)
    # dbt re-parses everything when the vars or the profile differ from the saved parse's; a hash
    # of both (no password in clear) tells whether the saved parse is the one the runs can reuse.
    wanted = hashlib.sha256(f"{vars_json}|{json.dumps(settings, sort_keys=True)}".encode()).hexdigest()
    target = radar_dbt_project().manifest_path.parent
    stamp = target / PARSED_WITH_FILE
    # A dbt command run by hand in the project writes its own parse over ours: the stamp also
    # names the saved parse file it was made for, so such a parse is not mistaken for ours.
    parsed_with = stamp.read_text() if stamp.exists() else None
    # Under `dagster dev` every load of the code location parses once (an edit may not have
    # touched a file's mtime), not once per dbt asset definition.
    reparse_for_dev = bool(os.environ.get("DAGSTER_IS_DEV_CLI")) and wanted not in _PARSED_IN_THIS_PROCESS
    if reparse_for_dev or manifest_is_stale() or parsed_with != f"{wanted} {saved_parse_fingerprint(target)}":
        with environment(settings):
            parse_manifest_atomically(vars_json)
        stamp.write_text(f"{wanted} {saved_parse_fingerprint(target)}")
        _PARSED_IN_THIS_PROCESS.add(wanted)


def saved_parse_fingerprint(target: Path) -> str:
    saved = target / "partial_parse.msgpack"
    return f"{saved.stat().st_size}-{saved.stat().st_mtime_ns}" if saved.exists() else "none"


def parse_manifest_atomically(vars_json: str = "{}") -> None:
    """`dbt parse` into a scratch folder, then swap the manifest in with one rename: a run or
    another process reading target/manifest.json meanwhile sees the old file or the new one,
    never half of one. Runs this environment's dbt even when the venv is not activated."""
    project = radar_dbt_project()
    target = project.manifest_path.parent
    target.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".parse-", dir=target))
    try:
        partial_parse = target / "partial_parse.msgpack"
        if partial_parse.exists():
            shutil.copy2(partial_parse, scratch / partial_parse.name)
        parsed = subprocess.run(
            [dbt_executable(), "parse", "--quiet", "--project-dir", str(project.project_dir),
             "--profiles-dir", str(project.profiles_dir), "--target-path", str(scratch), "--vars", vars_json],
            capture_output=True, text=True, timeout=600)
        if parsed.returncode != 0:
            raise RuntimeError(f"dbt parse failed for {project.project_dir}:\n{(parsed.stdout + parsed.stderr)[-4000:]}")
        for name in ("partial_parse.msgpack", "manifest.json"):  # the manifest last: it is what readers open
            if (scratch / name).exists():
                os.replace(scratch / name, target / name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def manifest_is_stale() -> bool:
    manifest = radar_dbt_project().manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    project = Path(radar_dbt_project().project_dir)
    sources = [project / "dbt_project.yml", project / "profiles.yml",
               *(path for folder in ("models", "macros", "tests") for path in (project / folder).rglob("*") if path.is_file())]
    return any(path.exists() and path.stat().st_mtime > built for path in sources)


def partition_window_environment(window: dg.TimeWindow) -> dict[str, str]:
    """The partition window for dbt's window macros: ISO timestamps, end exclusive. Environment,
    not vars, so the saved parse stays valid from one hour to the next (macros/partition_window.sql)."""
    return {"RADAR_WINDOW_START": window.start.isoformat(), "RADAR_WINDOW_END": window.end.isoformat()}


def dbt_build_args(dbt_vars: Mapping[str, Any] | None = None) -> list[str]:
    # dbt unit tests check SQL logic, not a partition's data: pytest runs them once, not every hour.
    return ["build", "--vars", dbt_vars_json(dbt_vars), "--exclude-resource-type", "unit_test"]


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


@dataclass(frozen=True)
class DbtModelSet:
    """One dbt asset definition: which models, under which asset groups, with which partitions."""

    name: str
    select: str
    exclude: str | None
    group_prefix: str  # groups are <prefix>dbt_staging, <prefix>dbt_intermediate, <prefix>marts
    description: str


PRODUCT_MODELS = DbtModelSet("radar_dbt_models", select="fqn:*", exclude="tag:creators", group_prefix="",
                             description="Build the hourly product models and run their tests for the run's window.")
CREATOR_MODELS = DbtModelSet("radar_dbt_creator_models", select="tag:creators", exclude=None, group_prefix="creators_",
                             description="Build the daily creator models and run their tests for the run's days.")
LAYER_GROUPS = {"staging": "dbt_staging", "intermediate": "dbt_intermediate", "marts": "marts"}


class LayerGroupTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (staging, intermediate, marts) and keeps dbt descriptions."""

    def __init__(self, group_prefix: str):
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_code_references=False))
        self.group_prefix = group_prefix

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 else "dbt"
        return self.group_prefix + LAYER_GROUPS.get(layer, "dbt")


def build_dbt_models(models: DbtModelSet, partitions_def: dg.TimeWindowPartitionsDefinition,
                     dbt_vars: Mapping[str, Any] | None = None, database_url: str | None = None) -> dg.AssetsDefinition:
    """The models of ``models`` as one partitioned asset definition; ``dbt_vars`` (thresholds from the
    config file) are passed to every build next to the partition window. ``database_url`` is the
    warehouse the runs build in, when known: dbt's saved parse is made for it."""
    ensure_dbt_manifest(dbt_vars, database_url)

    @dbt_assets(
        manifest=radar_dbt_project().manifest_path,
        project=radar_dbt_project(),
        select=models.select,
        exclude=models.exclude,
        name=models.name,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        dagster_dbt_translator=LayerGroupTranslator(models.group_prefix),
        op_tags=step_pod_tags("dbt"),
    )
    def _models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
        yield from _build_window(context, dbt, warehouse, dbt_vars or {})

    _models.__doc__ = models.description
    return _models


def comet_vars(comet: CometThresholds) -> dict[str, int]:
    return {"comet_min_followers": comet.min_followers, "comet_max_followers": comet.max_followers,
            "comet_min_video_views": comet.min_video_views}


def market_signal_vars(signals: MarketSignals) -> dict[str, float | int]:
    """The config's market_signals as dbt vars (same names); decimals as JSON numbers."""
    return {name: float(value) if isinstance(value, Decimal) else value for name, value in signals.model_dump().items()}


def _build_window(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource,
                  extra_vars: Mapping[str, Any]):
    window = context.partition_time_window
    context.log.info(f"dbt window {window.start.isoformat()} .. {window.end.isoformat()}")
    with environment({**warehouse.dbt_environment(), **partition_window_environment(window)}):
        invocation = dbt.cli(dbt_build_args(extra_vars), context=context)
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
