"""The dbt project and the dbt executable, shared by the dbt resource and the dbt assets."""

from __future__ import annotations

import functools
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.config import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


@functools.cache
def radar_dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_executable() -> str:
    """The dbt installed next to this Python (the project venv), else whatever is on PATH."""
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else (shutil.which("dbt") or "dbt")
