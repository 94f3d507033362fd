"""The import-linter contracts in pyproject.toml hold, and they would catch an upward import."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(project / "pyproject.toml")], cwd=project,
                          env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


def test_the_package_keeps_its_layers_and_has_no_cycles():
    result = lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers_contract(tmp_path):
    shutil.copytree(PROJECT_ROOT / "orchestration", tmp_path / "orchestration",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    rows = tmp_path / "orchestration" / "formats" / "rows.py"
    rows.write_text(rows.read_text() + "\nfrom orchestration.assets import ingest  # noqa: E402,F401\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert "orchestration.formats.rows -> orchestration.assets.ingest" in result.stdout
