"""The project's dbt resource skips dagster-dbt's per-call `dbt --version` subprocess and adapter
load, and still runs dbt."""

import subprocess

import dagster_dbt.core.resource as dagster_dbt_resource
import pytest
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt import environment
from orchestration.warehouse.dbt import RadarDbtCliResource, dbt_executable, radar_dbt_project
from orchestration.warehouse.postgres import WarehouseResource


def test_the_hooks_it_overrides_still_exist_in_dagster_dbt():
    assert isinstance(DbtCliResource.__dict__["_cli_version"], dagster_dbt_resource.cached_property)
    assert callable(DbtCliResource.__dict__["_initialize_dbt_core_adapter"])


def test_it_runs_dbt_without_asking_dbt_for_its_version(database_url, monkeypatch):
    def no_version_subprocess(*args, **kwargs):
        raise AssertionError(f"dagster-dbt ran {args[0]}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_version_subprocess)
    dbt = RadarDbtCliResource(project_dir=radar_dbt_project(), dbt_executable=dbt_executable())
    installed = subprocess.run([dbt_executable(), "--version"], capture_output=True, text=True).stdout
    assert f"installed: {dbt._cli_version}" in installed.replace("- installed: ", "installed: ")
    with environment(WarehouseResource(database_url=database_url).dbt_environment()):
        invocation = dbt.cli(["ls", "--select", "stg_landing__brand_aliases", "--resource-type", "model"])
        assert invocation.wait().is_successful()
    # Another dbt than the project's: asks it, as dagster-dbt does.
    other = RadarDbtCliResource(project_dir=radar_dbt_project(), dbt_executable="/usr/bin/false")
    with pytest.raises(AssertionError, match="dagster-dbt ran"):
        assert other._cli_version is None  # never reached: asking raises
