"""Dagster's own storage on PostgreSQL (the dagster.yaml `radar demo` writes) and dbt docs."""

import subprocess

import dagster as dg

from orchestration.assets.dbt import environment
from orchestration.environment import write_dagster_yaml
from orchestration.local import dagster_storage_url
from orchestration.warehouse.dbt import DBT_PROJECT_DIR, dbt_executable
from orchestration.warehouse.embedded import DAGSTER_DATABASE
from orchestration.warehouse.postgres import WarehouseResource


def test_dagster_yaml_puts_runs_and_events_in_postgres(tmp_path, postgres_urls, monkeypatch):
    home = tmp_path / "dagster_home"
    write_dagster_yaml(home)
    monkeypatch.setenv("RADAR_DAGSTER_DATABASE_URL", dagster_storage_url(postgres_urls[DAGSTER_DATABASE]))

    @dg.asset
    def probe() -> None:
        pass

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert not instance.nux_enabled  # no "Join the community" dialog when the UI opens
        # A run whose process died is marked failed by the daemon, not left STARTED forever.
        assert instance.run_monitoring_enabled
        assert instance.run_monitoring_max_resume_run_attempts == 0
        assert instance.run_monitoring_poll_interval_seconds == 60
        result = dg.materialize([probe], instance=instance)
        assert instance.get_run_by_id(result.run_id).is_success
    with dg.DagsterInstance.from_config(str(home)) as reopened:
        assert reopened.get_run_by_id(result.run_id) is not None  # persisted, not in memory


def test_dbt_docs_generate(database_url, tmp_path):
    warehouse = WarehouseResource(database_url=database_url)
    warehouse.ensure_landing_schema()
    with environment(warehouse.dbt_environment()):
        completed = subprocess.run(
            [dbt_executable(), "docs", "generate", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
             str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target")],
            capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert (tmp_path / "target" / "index.html").exists()
    assert (tmp_path / "target" / "catalog.json").exists()
