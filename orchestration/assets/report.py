"""The market report as a daily asset: one self-contained HTML page per day in the object store."""

import time
from datetime import date

import dagster as dg

from orchestration.clock import ClockResource
from orchestration.reports.data import read_report_data
from orchestration.reports.html import render_report
from orchestration.snapshots.layout import market_report_key
from orchestration.snapshots.store import ObjectStore
from orchestration.warehouse.postgres import WarehouseResource

PRODUCT_REPORT_INPUTS = [dg.AssetKey(["marts", name]) for name in (
    "mart_market_kpis", "mart_brand_share", "mart_price_rating_heatmap", "mart_price_movers", "mart_discount_events",
    "mart_availability_events", "mart_discount_claims", "mart_scrape_health")]
CREATOR_REPORT_INPUTS = [dg.AssetKey(["marts", name]) for name in ("mart_comet_creators", "fct_creator_daily")]


def build_market_report(partitions_def: dg.TimeWindowPartitionsDefinition, creators_configured: bool) -> dg.AssetsDefinition:
    @dg.asset(
        name="market_report",
        deps=PRODUCT_REPORT_INPUTS + (CREATOR_REPORT_INPUTS if creators_configured else []),
        partitions_def=partitions_def,
        group_name="reports",
        kinds={"html"},
        description="The day's market report: KPI cards per source, brand share, the price x rating heatmap, top "
                    "movers, discounts in progress, restocks, misleading discounts, comets and scrape health, as one "
                    "HTML page with its charts inlined (opens offline). Written to reports/ in the object store.",
    )
    def market_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource, object_store: ObjectStore,
                      clock: ClockResource) -> dg.MaterializeResult:
        started = time.monotonic()
        day = date.fromisoformat(context.partition_key)
        data = read_report_data(warehouse, day, clock.now(), creators_configured)
        page = render_report(data).encode()
        key = market_report_key(day, context.run_id)
        object_store.put(key, page)
        empty = {section.key: section.empty_reason for section in data.sections if section.is_empty}
        if empty:
            context.log.info("sections without rows: " + "; ".join(f"{name}: {why}" for name, why in empty.items()))
        return dg.MaterializeResult(metadata={
            "report": dg.MetadataValue.url(object_store.location(key)),
            "object_key": key,
            "bytes": len(page),
            "sections_filled": len(data.sections) - len(empty),
            "sections_empty": dg.MetadataValue.json(empty),
            "duration_s": round(time.monotonic() - started, 2),
        })

    return market_report
