"""The code location as Dagster loads it."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.config import PROJECT_ROOT, load_config
from orchestration.definitions import build_definitions
from radar_demo import DEMO_CONFIG_PATH


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return build_definitions(load_config(DEMO_CONFIG_PATH))


def test_importing_any_module_reads_no_config_environment_or_files(tmp_path):
    """With no config, no database and an empty working directory, every module imports, and
    the lazy code location fails only when Dagster calls it (naming the missing config)."""
    package = PROJECT_ROOT / "orchestration"
    modules = sorted(
        ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in package.rglob("*.py"))
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "from orchestration.definitions import defs\n"
        "try:\n    defs()\nexcept Exception as error:\n    print(type(error).__name__, error)\n"
    )
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "RADAR_CONFIG": str(tmp_path / "missing.yaml"),
           "PYTHONPATH": str(PROJECT_ROOT)}
    completed = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                               timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "missing.yaml: config file not found" in completed.stdout
    assert list(tmp_path.iterdir()) == [], "importing wrote files"


def test_definitions_load_and_every_asset_is_described_and_grouped(defs):
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    assert {"staged_products", "raw_products/glow_lab", "marts/fct_price_history", "marts/dim_products",
            "marts/mart_market_kpis", "analytics/stg_landing__product_observations"} <= {k.to_user_string() for k in keys}
    for key in keys:
        node = graph.get(key)
        assert node.description, f"{key.to_user_string()} has no description"
        assert node.group_name and node.group_name != "default", f"{key.to_user_string()} has no group"
        # Every asset a run materializes is partitioned; the alert outbox is declared, not materialized.
        assert node.partitions_def is not None or (not node.is_materializable and key == dg.AssetKey(["alerts", "outbox"])), \
            f"{key.to_user_string()} is not partitioned"


def test_lineage_snapshots_feed_staging_feed_publishing_feeds_dbt(defs):
    graph = defs.resolve_asset_graph()
    staged = graph.get(dg.AssetKey("staged_products"))
    assert {k.to_user_string() for k in staged.parent_keys} == {
        "raw_products/glow_lab", "raw_products/kopi_nusantara", "raw_products/trail_and_tide",
        "raw_products/tokoloka", "raw_products/hearth_and_loom"}
    assert graph.get(dg.AssetKey("published_products")).parent_keys == {dg.AssetKey("staged_products")}
    staging_model = graph.get(dg.AssetKey(["analytics", "stg_landing__product_observations"]))
    assert staging_model.parent_keys == {dg.AssetKey("published_products")}  # dbt never reads unaudited rows
    for creators_model, published in (("stg_landing__creator_observations", "published_creators"),
                                      ("stg_landing__video_observations", "published_videos")):
        assert graph.get(dg.AssetKey(["analytics", creators_model])).parent_keys == {dg.AssetKey(published)}
        assert graph.get(dg.AssetKey(published)).parent_keys == {dg.AssetKey("staged_creators"),
                                                                  dg.AssetKey("staged_videos")}


def test_staged_products_is_gated_by_a_blocking_gx_check(defs):
    specs = [spec for checks in defs.asset_checks for spec in checks.check_specs if spec.name == "gx_staged_products"]
    (spec,) = specs
    assert spec.asset_key == dg.AssetKey("staged_products")
    assert spec.blocking
    assert "expectations/staged_products.json" in spec.description


def test_jobs_and_schedule(defs):
    assert defs.resolve_job_def("hourly_products_job").partitions_def is not None
    assert defs.resolve_job_def("restage_products_job")
    schedule = defs.resolve_schedule_def("hourly_snapshot_schedule")
    assert schedule.cron_schedule == "5 * * * *"
    assert defs.resolve_sensor_def("stage_products_sensor").job_name == "restage_products_job"


def test_code_location_loads_like_dagster_dev_without_an_activated_venv(tmp_path):
    """`dagster dev` re-parses dbt in the code server; plain `dbt` must not need to be on PATH."""
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env = {**os.environ, "PATH": path, "DAGSTER_IS_DEV_CLI": "1", "DAGSTER_HOME": str(tmp_path),
           "RADAR_CONFIG": str(DEMO_CONFIG_PATH)}
    completed = subprocess.run(
        [str(Path(venv_bin) / "dagster"), "definitions", "validate", "-w", str(PROJECT_ROOT / "workspace.yaml")],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-3000:]
