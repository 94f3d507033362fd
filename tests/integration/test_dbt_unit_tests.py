"""dbt unit tests (price changes, spells, dim_products ties, market KPIs incl. a multi-currency source, creator growth, velocity, comet thresholds; the market-signal rules at their edges: steps and jitter, flash sales and price cuts, gradual discounts, restocks, discount claims against the 30-day low, brand share, the sweet spot) on the real warehouse."""

import json
import subprocess

from orchestration.assets.dbt import environment
from orchestration.warehouse.dbt import DBT_PROJECT_DIR, dbt_executable
from orchestration.warehouse.postgres import WarehouseResource


def dbt(*args: str, target_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(target_path)],
        capture_output=True, text=True, timeout=300)


def test_dbt_unit_tests_pass(database_url, tmp_path):
    warehouse = WarehouseResource(database_url=database_url)
    warehouse.ensure_landing_schema()
    with environment(warehouse.dbt_environment()):
        # Unit tests read column types from the upstream relations, so create them empty first.
        empty = dbt("run", "--empty", target_path=tmp_path / "target")
        assert empty.returncode == 0, empty.stdout[-3000:]
        unit = dbt("test", "--select", "test_type:unit", target_path=tmp_path / "target")
    assert unit.returncode == 0, unit.stdout[-4000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    unit_tests = [result for result in results if result["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) == 17 and {result["status"] for result in unit_tests} == {"pass"}, unit.stdout[-2000:]
