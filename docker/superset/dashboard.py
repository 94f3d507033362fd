"""The Commerce Radar dashboard, as code: its database, datasets, charts and layout, written as a
Superset import bundle (the YAML files of Superset's own export format).

Imported by provision.py (compose and `make bi`); declared as the dbt exposure
`superset_market_dashboard` (dbt_project/models/marts/_exposures.yml), so dbt's lineage shows
which marts it reads. Every chart reads one mart, with an explicit SQL metric, so the charts do
not depend on Superset's saved metrics.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import yaml

NAMESPACE = uuid.UUID("6d1f5a0e-3f0b-4a55-9a51-7f1e2c8b9a10")
DATABASE_NAME = "Commerce Radar marts"
DASHBOARD_SLUG = "commerce-radar"
DASHBOARD_TITLE = "Commerce Radar: the market"


def stable_uuid(name: str) -> str:
    """The same UUID on every import, so re-importing updates the objects in place."""
    return str(uuid.uuid5(NAMESPACE, name))


def sql_metric(expression: str, label: str) -> dict:
    return {"expressionType": "SQL", "sqlExpression": expression, "label": label}


@dataclass(frozen=True)
class Chart:
    name: str
    mart: str
    viz_type: str
    params: dict
    width: int = 4
    height: int = 50
    latest_day: bool = False  # read the mart's newest market_date only

    @property
    def dataset(self) -> str:
        return f"{self.mart}_latest_day" if self.latest_day else self.mart


def kpi(name: str, expression: str, subheader: str, number_format: str = "SMART_NUMBER") -> Chart:
    """A KPI card over the newest day of mart_market_kpis."""
    return Chart(name, "mart_market_kpis", "big_number_total",
                 {"metric": sql_metric(expression, name), "adhoc_filters": [], "subheader": subheader,
                  "y_axis_format": number_format}, width=3, height=30, latest_day=True)


CHARTS = [
    kpi("Listings watched", "SUM(listings)", "listings on the latest day, all sources"),
    kpi("Share discounted", "SUM(share_discounted * listings) / NULLIF(SUM(listings), 0)", "of listings, latest day",
        ".1%"),
    kpi("Sold out", "SUM(listings_sold_out)", "listings sold out, latest day"),
    kpi("Sources", "COUNT(DISTINCT source_name)", "sources reporting, latest day"),
    Chart("Brand share of listings", "mart_brand_share", "pie",
          {"groupby": ["brand"], "metric": sql_metric("SUM(listings)", "Listings"), "adhoc_filters": [],
           "row_limit": 12, "sort_by_metric": True, "show_labels": True, "label_type": "key_percent",
           "show_legend": False}, latest_day=True),
    Chart("Price x rating (listings)", "mart_price_rating_heatmap", "heatmap_v2",
          {"x_axis": "price_band", "groupby": "rating_band", "metric": sql_metric("SUM(listings)", "Listings"),
           "adhoc_filters": [], "linear_color_scheme": "blue_white_yellow", "show_values": True,
           "normalize_across": "heatmap", "row_limit": 1000}, latest_day=True),
    Chart("Top movers, 24 h", "mart_price_movers", "table",
          {"query_mode": "raw", "all_columns": ["source_name", "category", "product_key", "price", "price_24h_ago",
                                                "change_24h_pct", "is_all_time_low"],
           "adhoc_filters": [{"expressionType": "SQL", "clause": "WHERE", "sqlExpression": "mover_rank_24h <= 10"}],
           "order_by_cols": ['["change_24h_pct", true]'], "row_limit": 50}, latest_day=True),
    Chart("Discount events", "mart_discount_events", "table",
          {"query_mode": "raw", "all_columns": ["event_type", "source_name", "source_variant_id", "started_at",
                                                "ended_at", "reference_price", "lowest_price", "depth_pct"],
           "adhoc_filters": [], "order_by_cols": ['["started_at", false]'], "row_limit": 50}, width=6),
    Chart("Comets", "mart_comet_creators", "table",
          {"query_mode": "raw", "all_columns": ["comet_day", "handle", "followers", "qualifying_video_views",
                                                "avg_daily_growth_7d", "velocity_rank"],
           "adhoc_filters": [], "order_by_cols": ['["comet_day", false]', '["velocity_rank", true]'],
           "row_limit": 50}, width=6),
]


def database_file(sqlalchemy_uri: str) -> dict:
    return {"database_name": DATABASE_NAME, "sqlalchemy_uri": sqlalchemy_uri, "cache_timeout": None,
            "expose_in_sqllab": True, "allow_run_async": False, "allow_ctas": False, "allow_cvas": False,
            "allow_dml": False, "allow_file_upload": False, "extra": {"allows_virtual_table_explore": True},
            "uuid": stable_uuid("database"), "version": "1.0.0"}


def dataset_file(chart: Chart) -> dict:
    """A mart, or (latest_day) a SQL view of its newest day: a dashboard opens on today's market.
    Columns are read from the database after the import (provision.py), not listed here."""
    latest = (f"select * from marts.{chart.mart} where market_date = (select max(market_date) from marts.{chart.mart})"
              if chart.latest_day else None)
    return {"table_name": chart.dataset, "main_dttm_col": None, "description": None, "default_endpoint": None,
            "offset": 0, "cache_timeout": None, "schema": "marts", "sql": latest, "params": None,
            "template_params": None, "filter_select_enabled": True, "fetch_values_predicate": None,
            "extra": None, "uuid": stable_uuid(f"dataset:{chart.dataset}"), "metrics": [], "columns": [],
            "version": "1.0.0", "database_uuid": stable_uuid("database")}


def chart_file(chart: Chart) -> dict:
    return {"slice_name": chart.name, "description": None, "certified_by": None, "certification_details": None,
            "viz_type": chart.viz_type,
            "params": {"viz_type": chart.viz_type, "time_range": "No filter", **chart.params},
            "query_context": None, "cache_timeout": None, "uuid": stable_uuid(f"chart:{chart.name}"),
            "version": "1.0.0", "dataset_uuid": stable_uuid(f"dataset:{chart.dataset}")}


def dashboard_file() -> dict:
    position: dict = {"DASHBOARD_VERSION_KEY": "v2",
                      "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
                      "HEADER_ID": {"id": "HEADER_ID", "meta": {"text": DASHBOARD_TITLE}, "type": "HEADER"}}
    rows: list[list[Chart]] = []
    for chart in CHARTS:  # rows of at most 12 columns, in order
        if rows and sum(c.width for c in rows[-1]) + chart.width <= 12:
            rows[-1].append(chart)
        else:
            rows.append([chart])
    row_ids = []
    for number, row in enumerate(rows, start=1):
        row_id = f"ROW-{number}"
        row_ids.append(row_id)
        chart_ids = []
        for chart in row:
            chart_id = f"CHART-{stable_uuid(chart.name)[:8]}"
            chart_ids.append(chart_id)
            position[chart_id] = {"children": [], "id": chart_id, "type": "CHART",
                                  "parents": ["ROOT_ID", "GRID_ID", row_id],
                                  "meta": {"chartId": 0, "height": chart.height, "width": chart.width,
                                           "sliceName": chart.name, "uuid": stable_uuid(f"chart:{chart.name}")}}
        position[row_id] = {"children": chart_ids, "id": row_id, "type": "ROW", "parents": ["ROOT_ID", "GRID_ID"],
                            "meta": {"background": "BACKGROUND_TRANSPARENT"}}
    position["GRID_ID"] = {"children": row_ids, "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"}
    return {"dashboard_title": DASHBOARD_TITLE, "description": None, "css": "", "slug": DASHBOARD_SLUG,
            "certified_by": "", "certification_details": "", "published": True,
            "uuid": stable_uuid("dashboard"), "position": position,
            "metadata": {"color_scheme": "", "refresh_frequency": 0, "expanded_slices": {}, "label_colors": {},
                         "timed_refresh_immune_slices": [], "cross_filters_enabled": False,
                         "default_filters": "{}", "chart_configuration": {}, "native_filter_configuration": []},
            "version": "1.0.0"}


def bundle_metadata(kind: str) -> str:
    """metadata.yaml of a bundle exported as ``kind`` (Dashboard, Slice, SqlaTable, Database)."""
    return yaml.safe_dump({"version": "1.0.0", "type": kind, "timestamp": "2026-11-23T00:00:00+00:00"})


def bundle(sqlalchemy_uri: str) -> dict[str, str]:
    """The import bundle: file name -> YAML text, as Superset's export zip holds them."""
    files = {"metadata.yaml": yaml.safe_load(bundle_metadata("Dashboard")),
             "databases/commerce_radar_marts.yaml": database_file(sqlalchemy_uri),
             "dashboards/commerce_radar.yaml": dashboard_file()}
    for chart in CHARTS:
        files[f"datasets/commerce_radar_marts/{chart.dataset}.yaml"] = dataset_file(chart)
    for chart in CHARTS:
        files[f"charts/{stable_uuid(chart.name)[:8]}.yaml"] = chart_file(chart)
    return {name: yaml.safe_dump(content, sort_keys=False) for name, content in files.items()}
