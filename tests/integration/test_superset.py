"""`radar bi`: Superset (its own virtualenv) serves the Commerce Radar dashboard over marts the
pipeline built, connected as the read-only BI role; every chart renders in headless Chromium.

Slow: installing Superset takes minutes (`make test-slow` installs it first).
"""

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from orchestration.bi import SUPERSET_VENV
from orchestration.config import CreatorSearch
from orchestration.sources.browser.runtime import launch_chromium
from radar_demo import DEMO_CONFIG_PATH
from radar_demo.creator_history import write_creator_history
from radar_demo.history import write_history
from tests.integration.conftest import free_port
from tests.support import PROJECT_ROOT, build_test_definitions, demo_config, range_tags

pytestmark = pytest.mark.slow

DAY = datetime(2026, 11, 20, tzinfo=UTC)
HOURS = [DAY + timedelta(hours=offset) for offset in range(10, 14)]
CHARTS = ["Listings watched", "Share discounted", "Sold out", "Sources", "Brand share of listings",
          "Price x rating (listings)", "Top movers, 24 h", "Discount events", "Comets"]


@pytest.fixture
def marts(database_url, lake, demo_market):
    if not (SUPERSET_VENV / "bin" / "superset").exists():
        subprocess.run([str(PROJECT_ROOT / "scripts" / "bootstrap_bi.sh")], check=True, timeout=1800)
    search = CreatorSearch(hashtags=["skincare", "serum", "kopi"], keywords=["serum"], pages_per_hashtag=2,
                           rate_limit_per_second=50)
    config = demo_config("http://127.0.0.1:8765").model_copy(update={"creators": search})
    write_history(lake, demo_market, config.product_sources, HOURS)
    write_creator_history(lake, demo_market, search, [DAY])
    defs = build_test_definitions(config, database_url, lake)
    instance = dg.DagsterInstance.ephemeral()
    first, last = (f"{hour:%Y-%m-%d-%H}:00" for hour in (HOURS[0], HOURS[-1]))
    assert defs.resolve_job_def("restage_products_job").execute_in_process(
        instance=instance, tags=range_tags(first, last)).success
    assert defs.resolve_job_def("restage_creators_job").execute_in_process(
        instance=instance, partition_key=f"{DAY:%Y-%m-%d}").success
    return database_url


def test_make_bi_serves_the_dashboard_as_the_bi_role_and_every_chart_renders(marts, tmp_path):
    port = free_port()
    environment = {**os.environ, "RADAR_DATABASE_URL": marts, "RADAR_HOME": str(tmp_path / "home"),
                   "RADAR_CONFIG": str(DEMO_CONFIG_PATH)}
    server = subprocess.Popen([str(Path(sys.executable).parent / "radar"), "bi", "--port", str(port)], env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        said = wait_for_line(server, "Superset on http://", timeout=600)
        assert "as radar_bi" in said
        wait_for_http(f"http://127.0.0.1:{port}/health", timeout=120)
        password = (tmp_path / "home" / "superset" / "admin_password").read_text().strip()
        charts, errors = open_dashboard(port, password)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=30)

    assert sorted(charts) == sorted(CHARTS)
    for name, chart in charts.items():
        assert chart["error"] is None, (name, chart["error"])
        assert chart["graphics"] or chart["rows"] or chart["number"], (name, chart["text"])
    (listings,) = psycopg.connect(marts).execute(
        "select sum(listings) from marts.mart_market_kpis where market_date = (select max(market_date) "
        "from marts.mart_market_kpis)").fetchone()
    assert charts["Listings watched"]["number"] in (f"{listings:,}", f"{listings / 1000:.2f}k", str(listings))
    assert charts["Comets"]["rows"] > 0 and charts["Top movers, 24 h"]["rows"] > 0
    # Only the offline machine's refused external fetches (fonts, tiles), never a page error.
    assert not [error for error in errors if "ERR_NAME_NOT_RESOLVED" not in error], errors


def wait_for_line(process: subprocess.Popen, marker: str, timeout: float) -> str:
    deadline, seen = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError("radar bi did not start Superset:\n" + "".join(seen)[-3000:])


def wait_for_http(url: str, timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"{url} did not answer")


def open_dashboard(port: int, password: str) -> tuple[dict[str, dict], list[str]]:
    with launch_chromium() as (browser, _):
        page = browser.new_page(viewport={"width": 1600, "height": 1400})
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.goto(f"http://127.0.0.1:{port}/login/")
        page.fill("#username", "admin")
        page.fill("#password", password)
        page.click("[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"http://127.0.0.1:{port}/superset/dashboard/commerce-radar/")
        page.wait_for_selector(".dashboard-component-chart-holder", timeout=60_000)
        # Every chart has finished: a graphic, table rows, a number, or an error.
        page.wait_for_function(
            """() => [...document.querySelectorAll('.dashboard-component-chart-holder')].every(holder =>
                   holder.querySelector('canvas, tbody tr, .header-line, .alert, [role=alert]')
                   && !holder.querySelector('.loading'))""", timeout=120_000)
        charts = {}
        for holder in page.query_selector_all(".dashboard-component-chart-holder"):
            title = holder.query_selector("[data-test='editable-title'], .header-title")
            error = holder.query_selector(".alert, [role=alert], .ant-alert")
            number = holder.query_selector(".header-line")
            charts[title.inner_text().strip() if title else "?"] = {
                "error": error.inner_text()[:300] if error else None,
                "graphics": len(holder.query_selector_all("canvas")),  # ECharts draws on a canvas
                "rows": len(holder.query_selector_all("tbody tr")),
                "number": re.sub(r"\s+", "", number.inner_text()) if number else "",
                "text": holder.inner_text()[:200]}
        artifacts = PROJECT_ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / "superset_dashboard.png"), full_page=True)
        return charts, errors
