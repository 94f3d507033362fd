"""The product's wheel holds the product only; the demo is its own distribution that plugs into `radar`."""

import shutil
import subprocess
import sys
import zipfile

from tests.support import PROJECT_ROOT

# What each distribution is built from; copied out so the build leaves nothing in the checkout.
PRODUCT_FILES = ("pyproject.toml", "README.md", "LICENSE", "orchestration")
DEMO_FILES = ("pyproject.toml", "radar_demo")


def build_wheel(source, files, scratch) -> zipfile.ZipFile:
    tree = scratch / "tree"
    tree.mkdir()
    for name in files:
        if (source / name).is_dir():
            shutil.copytree(source / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source / name, tree / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(scratch / "dist"),
                    str(tree)], check=True, capture_output=True, timeout=300)
    (wheel,) = (scratch / "dist").glob("*.whl")
    return zipfile.ZipFile(wheel)


def test_the_product_wheel_contains_no_demo(tmp_path):
    names = build_wheel(PROJECT_ROOT, PRODUCT_FILES, tmp_path).namelist()
    packages = {name.split("/")[0] for name in names if not name.startswith("commerce_radar-")}
    assert packages == {"orchestration"}
    assert "orchestration/definitions.py" in names and "orchestration/formats/recipes/tokoloka-demo.yaml" in names


def test_the_demo_wheel_registers_its_commands_with_radar(tmp_path):
    demo = build_wheel(PROJECT_ROOT / "demo", DEMO_FILES, tmp_path)
    names = demo.namelist()
    assert "radar_demo/radar.demo.yaml" in names and not any(name.startswith("orchestration/") for name in names)
    (entry_points,) = [name for name in names if name.endswith("entry_points.txt")]
    assert "[commerce_radar.commands]\ndemo = radar_demo.cli:register_commands" in demo.read(entry_points).decode()


def test_radar_help_lists_the_plugged_in_demo_commands():
    result = subprocess.run([sys.executable, "-m", "orchestration.cli", "--help"], capture_output=True, text=True,
                            timeout=120, check=True)
    for command in ("ui", "dbt-docs", "check-config", "demo", "simulate", "market"):
        assert f"    {command}" in result.stdout
