"""Every benchmark runs at a tiny size, so none can silently rot: the price-string benchmark in the
default suite, the three that build warehouses or drive Chromium (about two minutes together) in
`make test-slow` (and `make bench` runs them at full size).

These check that the benchmarks run and report, not how fast anything is: numbers belong in the
benchmarks' own output and the README.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def run_benchmark(name: str, *args: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "RADAR_DATABASE_URL"}
    completed = subprocess.run([sys.executable, str(BENCHMARKS / name), *args], capture_output=True, text=True,
                               timeout=600, env=environment)
    assert completed.returncode == 0, (completed.stdout[-2000:], completed.stderr[-3000:])
    return completed


@pytest.mark.slow
def test_staging_throughput_runs():
    output = run_benchmark("staging_throughput.py", "--rows", "2000", "--repeat", "1").stdout
    assert "| staging |" in output and "| raw COPY |" in output and "| baseline |" in output
    assert "staging / raw COPY = " in output


@pytest.mark.slow
def test_scrape_throughput_runs():
    output = run_benchmark("scrape_throughput.py", "--http-pages", "20", "--pages", "6").stdout
    assert "pages/s" in output


@pytest.mark.slow
def test_partition_cost_runs_and_reports_json():
    output = run_benchmark("partition_cost.py", "--history-hours", "3,6", "--hours", "1", "--backfill-hours", "2",
                           "--json").stdout
    report = json.loads(output.strip().splitlines()[-1])
    assert report["history_hours"] == [3, 6]
    assert len(report["seconds_per_partition"]) == 2 and all(s > 0 for s in report["seconds_per_partition"])
    assert report["ratio"] > 0
    assert report["landing_rows"][1] == 2 * report["landing_rows"][0]
    assert report["variants"] > 1_500
    assert report["backfill"]["hours"] == 2 and report["backfill"]["backfill_over_live"] > 0


def test_price_strings_runs_and_reports_json():
    report = json.loads(run_benchmark("price_strings.py", "--json").stdout)
    assert report["ours"]["strings"] >= 180
    assert report["ours"]["broken_by_overrides"] == [] and report["ours"]["ten_times_off"] == []
