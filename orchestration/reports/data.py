"""What the market report shows, read from the marts for one UTC day.

Every query reads one day (or one bounded lookback) through the marts' window-column indexes,
so a report costs the same in month six as on day one. Each section names its mart, how fresh
its rows are, and, when it has none, why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd

# Events and claims are found through their detection or partition indexes; nothing that starts
# more than this long before the report day is "in progress" in the demo or, in practice, real shops.
IN_PROGRESS_LOOKBACK = timedelta(days=60)
TOP = 10
UNRATED = "(unrated)"  # mart_price_rating_heatmap's rating band for listings without a rating


@dataclass
class SectionData:
    key: str
    title: str
    question: str
    mart: str
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    fresh_until: datetime | None = None
    empty_reason: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.empty_reason is not None


@dataclass
class ReportData:
    day: date
    generated_at: datetime
    sections: list[SectionData]


def _day_bounds(day: date) -> dict:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return {"day": day, "day_start": start, "day_end": start + timedelta(days=1),
            "lookback_start": start - IN_PROGRESS_LOOKBACK}


QUERIES = {
    "kpis": """
        select source_name, category, currency_code, listings, listings_sold_out, median_price, share_discounted,
               avg_discount_pct, avg_rating, hours_observed
        from marts.mart_market_kpis where market_date = %(day)s
        order by source_name, category, currency_code""",
    "active_sales": """
        select source_name, count(*) as active_sales
        from marts.mart_discount_events
        where detected_at >= %(lookback_start)s and detected_at < %(day_end)s
          and (ended_at is null or ended_at >= %(day_end)s)
        group by source_name""",
    "brand_share": """
        select source_name, category, currency_code, brand, listings, listing_share, units_sold, units_sold_share,
               median_price, brand_rank
        from marts.mart_brand_share where market_date = %(day)s and brand_rank <= 8
        order by source_name, category, brand_rank, brand""",
    "heatmap": """
        select category, currency_code, price_band, price_band_low, price_band_high, rating_band, rating_band_order,
               listings, is_sweet_spot
        from marts.mart_price_rating_heatmap where market_date = %(day)s
        order by category, currency_code, price_band, rating_band_order""",
    "movers": """
        select m.source_name, m.category, m.currency_code, coalesce(p.product_title, m.product_key) as title,
               m.price, m.price_24h_ago, m.change_24h_pct, m.price_7d_ago, m.change_7d_pct
        from marts.mart_price_movers as m
        left join marts.dim_products as p on p.product_key = m.product_key
        where m.market_date = %(day)s and (m.change_24h_pct <> 0 or m.change_7d_pct <> 0)""",
    "discounts": """
        select e.event_type, e.source_name, coalesce(p.product_title, e.product_key) as title, e.currency_code,
               e.started_at, e.detected_at, e.reference_price, e.lowest_price, e.depth_pct, e.steps
        from marts.mart_discount_events as e
        left join marts.dim_products as p on p.product_key = e.product_key
        where e.detected_at >= %(lookback_start)s and e.detected_at < %(day_end)s
          and (e.ended_at is null or e.ended_at >= %(day_end)s)
        order by e.depth_pct desc, e.started_at""",
    "restocks": """
        select a.source_name, coalesce(p.product_title, a.product_key) as title, a.event_at, a.hours_unavailable
        from marts.mart_availability_events as a
        left join marts.dim_products as p on p.product_key = a.product_key
        where a.partition_hour >= %(day_start)s and a.partition_hour < %(day_end)s and a.event_type = 'restocked'
        order by a.event_at""",
    "misleading": """
        select c.source_name, coalesce(p.product_title, c.product_key) as title, c.currency_code, c.claim_started_at,
               c.price_at_start, c.claimed_reference_price, c.claimed_discount_pct, c.lowest_price_30d,
               c.discount_vs_30d_low_pct
        from marts.mart_discount_claims as c
        left join marts.dim_products as p on p.product_key = c.product_key
        where c.partition_hour >= %(lookback_start)s and c.partition_hour < %(day_end)s and c.is_misleading
          and (c.claim_ended_at is null or c.claim_ended_at >= %(day_start)s)
        order by c.claimed_discount_pct desc, c.claim_started_at""",
    "comets": """
        select c.comet_day, c.creator_id, c.handle, c.followers, c.qualifying_video_views, c.avg_daily_growth_7d,
               c.growth_rate_pct_7d, c.velocity_rank
        from marts.mart_comet_creators as c
        where c.comet_day = (select max(comet_day) from marts.mart_comet_creators where comet_day <= %(day)s)
        order by c.velocity_rank limit 10""",
    "comet_growth": """
        select creator_id, creator_day, followers
        from marts.fct_creator_daily
        where creator_day > %(day)s - 14 and creator_day <= %(day)s and creator_id = any(%(creator_ids)s)
        order by creator_id, creator_day""",
    "health": """
        select source_name, partition_hour, rows_published, rows_trailing_median, rows_vs_trailing_median,
               quarantine_rate, pages, failed_pages, retries
        from marts.mart_scrape_health
        where partition_hour >= %(day_start)s and partition_hour < %(day_end)s
        order by source_name, partition_hour""",
}


def latest_market_day(warehouse) -> date | None:
    """The newest day with market KPIs (through the market_date index)."""
    ((day,),) = warehouse.query("select max(market_date) from marts.mart_market_kpis")
    return day


def read_report_data(warehouse, day: date, generated_at: datetime, creators_configured: bool) -> ReportData:
    """Every section's rows for ``day`` (UTC)."""
    bounds = _day_bounds(day)

    def frame(name: str, **extra) -> pd.DataFrame:
        return warehouse.read_frame(QUERIES[name], {**bounds, **extra})

    def newest(frame_: pd.DataFrame, column: str) -> datetime | None:
        if frame_.empty:
            return None
        value = pd.to_datetime(frame_[column], utc=True, format="ISO8601").max()
        return None if pd.isna(value) else value.to_pydatetime()

    day_text = f"{day:%Y-%m-%d}"
    kpis, active = frame("kpis"), frame("active_sales")
    health = frame("health")
    sections = [
        SectionData("kpis", "Market KPIs per source", "How big and how discounted is each source today?",
                    "marts.mart_market_kpis", {"kpis": kpis, "active_sales": active}, newest(health, "partition_hour"),
                    None if not kpis.empty else f"no listing was observed on {day_text}"),
    ]
    brand_share = frame("brand_share")
    sections.append(SectionData(
        "brand_share", "Brand share", "Who wins share in each category?", "marts.mart_brand_share",
        {"brand_share": brand_share}, newest(health, "partition_hour"),
        None if not brand_share.empty else f"no listing was observed on {day_text}"))
    heatmap = frame("heatmap")
    sections.append(SectionData(
        "heatmap", "Price × rating", "Where is the price/rating sweet spot?", "marts.mart_price_rating_heatmap",
        {"heatmap": heatmap}, newest(health, "partition_hour"),
        None if (heatmap["rating_band"] != UNRATED).any() else f"no listing observed on {day_text} carries a rating"))
    movers = frame("movers")
    sections.append(SectionData(
        "movers", "Top movers, 24 h and 7 d", "Which prices moved most?", "marts.mart_price_movers",
        {"movers": movers}, newest(health, "partition_hour"),
        None if not movers.empty else f"no listing's price differs from 24 h or 7 d before {day_text} "
                                      "(or there is not a day of history yet)"))
    discounts = frame("discounts")
    sections.append(SectionData(
        "discounts", "Flash sales and gradual discounts in progress", "Who runs flash sales or slow discounts?",
        "marts.mart_discount_events", {"discounts": discounts}, newest(discounts, "detected_at"),
        None if not discounts.empty else f"no flash sale or gradual discount was in progress at the end of {day_text}"))
    restocks = frame("restocks")
    sections.append(SectionData(
        "restocks", "Restocks", "What came back in stock?", "marts.mart_availability_events",
        {"restocks": restocks}, newest(restocks, "event_at"),
        None if not restocks.empty else f"no sold-out listing came back on {day_text}"))
    misleading = frame("misleading")
    sections.append(SectionData(
        "misleading", "Misleading discounts", "Whose claimed discount is measured from a price nobody paid?",
        "marts.mart_discount_claims", {"misleading": misleading}, newest(misleading, "claim_started_at"),
        None if not misleading.empty else f"no misleading discount claim was live on {day_text}"))
    sections.append(_comets_section(frame, day, day_text, creators_configured))
    sections.append(SectionData(
        "health", "Scrape health", "Is every source delivering as usual?", "marts.mart_scrape_health",
        {"health": health}, newest(health, "partition_hour"),
        None if not health.empty else f"no source was scraped on {day_text}"))
    return ReportData(day, generated_at, sections)


def _comets_section(frame, day: date, day_text: str, creators_configured: bool) -> SectionData:
    section = SectionData("comets", "Comet creators", "Which small creators are breaking out?",
                          "marts.mart_comet_creators")
    if not creators_configured:
        section.empty_reason = "creator discovery is not configured (no creators section in the config file)"
        return section
    comets = frame("comets")
    if comets.empty:
        section.empty_reason = f"no creator qualified as a comet on or before {day_text}"
        return section
    growth = frame("comet_growth", creator_ids=[str(creator) for creator in comets["creator_id"]])
    section.frames = {"comets": comets, "growth": growth}
    section.fresh_until = datetime.combine(pd.to_datetime(comets["comet_day"], format="ISO8601").max().date(), time(),
                                           tzinfo=UTC) + timedelta(days=1)
    return section
