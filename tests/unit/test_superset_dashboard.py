"""The dashboard kept as code (docker/superset/dashboard.py): a well-formed import bundle, and the
dbt exposure that puts it in the lineage names exactly the marts its charts read."""

import sys
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT / "docker" / "superset"))

import dashboard  # noqa: E402


def test_the_exposure_names_the_marts_the_charts_read():
    exposures = yaml.safe_load((PROJECT_ROOT / "dbt_project/models/marts/_exposures.yml").read_text())["exposures"]
    (exposure,) = [e for e in exposures if e["name"] == "superset_market_dashboard"]
    refs = {entry.removeprefix("ref('").removesuffix("')") for entry in exposure["depends_on"]}
    assert refs == {chart.mart for chart in dashboard.CHARTS}
    assert dashboard.DASHBOARD_SLUG in exposure["url"]


def test_the_bundle_links_every_chart_to_its_dataset_and_lays_out_every_chart():
    files = {name: yaml.safe_load(text) for name, text in dashboard.bundle("postgresql+psycopg2://radar_bi@db/radar").items()}
    assert files["metadata.yaml"]["type"] == "Dashboard"
    datasets = {content["uuid"]: content for name, content in files.items() if name.startswith("datasets/")}
    charts = [content for name, content in files.items() if name.startswith("charts/")]
    assert len(charts) == len(dashboard.CHARTS) == 9
    assert all(chart["dataset_uuid"] in datasets for chart in charts)
    # Latest-day datasets filter in their SQL: Superset refuses sub-queries in a chart's own filters.
    assert all("select" not in str(chart["params"].get("adhoc_filters")).lower() for chart in charts)
    (database,) = [content for name, content in files.items() if name.startswith("databases/")]
    assert database["sqlalchemy_uri"].startswith("postgresql+psycopg2://radar_bi@") and not database["allow_dml"]
    layout = files["dashboards/commerce_radar.yaml"]["position"]
    placed = {item["meta"]["uuid"] for item in layout.values() if isinstance(item, dict) and item.get("type") == "CHART"}
    assert placed == {chart["uuid"] for chart in charts}
    for row in (item for item in layout.values() if isinstance(item, dict) and item.get("type") == "ROW"):
        assert sum(layout[child]["meta"]["width"] for child in row["children"]) <= 12
    # Stable UUIDs: a re-import updates the same objects.
    assert dashboard.bundle("x").keys() == dashboard.bundle("y").keys()
