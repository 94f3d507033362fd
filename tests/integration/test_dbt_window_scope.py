"""Per-run dbt work is scoped to the partition window: tests filter on the model's window column."""

import json
import re
import subprocess

from orchestration.assets.dbt import environment
from orchestration.warehouse.dbt import DBT_PROJECT_DIR, dbt_executable
from orchestration.warehouse.postgres import WarehouseResource

WINDOW = {"window_start": "2026-11-01T10:00:00+00:00", "window_end": "2026-11-01T11:00:00+00:00"}


def test_every_data_test_on_a_partitioned_model_checks_only_the_window(database_url, tmp_path):
    warehouse = WarehouseResource(database_url=database_url)
    warehouse.ensure_landing_schema()
    target = tmp_path / "target"
    with environment(warehouse.dbt_environment()):
        compiled = subprocess.run(
            [dbt_executable(), "compile", "--vars", json.dumps(WINDOW), "--select", "test_type:data",
             "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target)],
            capture_output=True, text=True, timeout=300)
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    manifest = json.loads((target / "manifest.json").read_text())
    models = {node["unique_id"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    tests = [node for node in manifest["nodes"].values() if node["resource_type"] == "test"]
    assert len(tests) > 50
    unscoped = []
    for test in tests:
        tested = models[test["attached_node"]]
        window_column = tested["config"]["meta"].get("window_column")
        if not window_column:
            continue  # the brand dictionary: replaced whole, no window
        sql = test["compiled_code"]
        if not re.search(rf"where \(?{window_column} >= .*'2026-11-01", sql):
            unscoped.append(test["name"])
    assert unscoped == []
    # Every model but the brand dictionary declares its window.
    assert sorted(name for name, node in ((m["name"], m) for m in models.values())
                  if not node["config"]["meta"].get("window_column")) == ["stg_landing__brand_aliases"]
