"""The product's wheel holds the product only; the demo is its own distribution that plugs into `radar`."""

import subprocess
import sys
import zipfile

from tests.support import PROJECT_ROOT


def build_wheel(project, out) -> zipfile.ZipFile:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(project)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = out.glob("*.whl")
    return zipfile.ZipFile(wheel)


def test_the_product_wheel_contains_no_demo(tmp_path):
    names = build_wheel(PROJECT_ROOT, tmp_path / "product").namelist()
    packages = {name.split("/")[0] for name in names if not name.startswith("commerce_radar-")}
    assert packages == {"orchestration"}
    assert "orchestration/definitions.py" in names and "orchestration/formats/recipes/tokoloka-demo.yaml" in names


def test_the_demo_wheel_registers_its_commands_with_radar(tmp_path):
    demo = build_wheel(PROJECT_ROOT / "demo", tmp_path / "demo")
    names = demo.namelist()
    assert "radar_demo/radar.demo.yaml" in names and not any(name.startswith("orchestration/") for name in names)
    (entry_points,) = [name for name in names if name.endswith("entry_points.txt")]
    assert "[commerce_radar.commands]\ndemo = radar_demo.cli:register_commands" in demo.read(entry_points).decode()


def test_radar_help_lists_the_plugged_in_demo_commands():
    result = subprocess.run([sys.executable, "-m", "orchestration.cli", "--help"], capture_output=True, text=True,
                            timeout=120, check=True)
    for command in ("ui", "dbt-docs", "check-config", "demo", "simulate", "market"):
        assert f"    {command}" in result.stdout
