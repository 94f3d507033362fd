"""The dbt project and the dbt executable, shared by the dbt resource and the dbt assets."""

from __future__ import annotations

import functools
import importlib.metadata
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from orchestration.config import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DBT_DOCS_DIR = DBT_PROJECT_DIR / "target" / "docs"


@functools.cache
def radar_dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_executable() -> str:
    """The dbt installed next to this Python (the project venv), else whatever is on PATH."""
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else (shutil.which("dbt") or "dbt")


class RadarDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two costs it pays on every `dbt.cli()` call, which in an hourly
    run are a fifth of the whole hour:

    - `dbt --version` in a subprocess (about 2.5 s: importing dbt) to learn the version. Our dbt is
      the one installed next to this Python (``dbt_executable``), so the installed dbt-core
      package says the same for free.
    - An in-process dbt adapter (about 1.5 s: loading every macro), which dagster-dbt uses only
      for ``fetch_row_counts()`` and ``fetch_column_metadata()``; the assets take row counts from
      dbt's own results instead (``assets/dbt.py``).

    Both are private hooks of dagster-dbt 0.29; ``tests/integration/test_dbt_resource.py`` fails
    if an upgrade renames them.
    """

    @property
    def _cli_version(self) -> version.Version:
        if Path(self.dbt_executable).resolve() == Path(dbt_executable()).resolve() and Path(dbt_executable()).exists():
            return version.parse(importlib.metadata.version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - the signature dagster-dbt calls
        return None
