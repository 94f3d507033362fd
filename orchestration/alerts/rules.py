"""Detection: each rule kind is one query over the marts for a run's window.

A query reads only rows whose window column lies in the window (through that column's index),
so detection costs the same in month six as on day one. It returns events no older than the
freshness horizon: backfilling last month never alerts about last month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from orchestration.alerts.messages import AlertMessage
from orchestration.config.alerts import PRODUCT_KINDS, AlertRule, Alerts

# Every product query yields: product_key, event_at, price, previous_price, details (jsonb).
_PRODUCT_EVENTS = {
    "price_below": """
        select s.product_key, s.valid_from as event_at, s.price, s.previous_price, '{}'::jsonb as details
        from marts.fct_price_history as s
        where s.valid_from >= %(start)s and s.valid_from < %(end)s and s.valid_from >= %(fresh_after)s
          and s.price <= %(target_price)s and (s.previous_price is null or s.previous_price > %(target_price)s)
    """,
    ("price_drop", "previous"): """
        select s.product_key, s.valid_from as event_at, s.price, s.previous_price, '{}'::jsonb as details
        from marts.fct_price_history as s
        where s.valid_from >= %(start)s and s.valid_from < %(end)s and s.valid_from >= %(fresh_after)s
          and s.previous_price > 0 and (s.previous_price - s.price) / s.previous_price * 100 >= %(min_drop_pct)s
    """,
    ("price_drop", "median_7d"): """
        select m.product_key, m.changed_at as event_at, m.price, m.reference_price as previous_price,
               jsonb_build_object('compared_with', 'median of the 7 days before') as details
        from analytics.int_product_price_moves as m
        where m.partition_hour >= %(start)s and m.partition_hour < %(end)s and m.changed_at >= %(fresh_after)s
          and m.reference_price > 0 and (m.reference_price - m.price) / m.reference_price * 100 >= %(min_drop_pct)s
    """,
    "back_in_stock": """
        select e.product_key, e.event_at, null::numeric as price, null::numeric as previous_price,
               jsonb_build_object('hours_unavailable', e.hours_unavailable) as details
        from marts.mart_availability_events as e
        where e.partition_hour >= %(start)s and e.partition_hour < %(end)s and e.event_at >= %(fresh_after)s
          and e.event_type = 'restocked'
    """,
    # A new low needs an earlier price to beat: a price that never moved is not a low.
    "all_time_low": """
        select s.product_key, s.valid_from as event_at, s.price, previous_low.price as previous_price,
               jsonb_build_object('previous_low', previous_low.price) as details
        from marts.fct_price_history as s
        cross join lateral (
            select min(h.price) as price from marts.fct_price_history as h
            where h.product_key = s.product_key and h.valid_from < s.valid_from
        ) as previous_low
        where s.valid_from >= %(start)s and s.valid_from < %(end)s and s.valid_from >= %(fresh_after)s
          and s.price < previous_low.price
    """,
    "flash_sale_started": """
        select e.product_key, e.started_at as event_at, e.lowest_price as price, e.reference_price as previous_price,
               jsonb_build_object('depth_pct', e.depth_pct) as details
        from marts.mart_discount_events as e
        where e.detected_at >= %(start)s and e.detected_at < %(end)s and e.started_at >= %(fresh_after)s
          and e.event_type = 'flash_sale'
    """,
    "misleading_discount": """
        select c.product_key, c.claim_started_at as event_at, c.price_at_start as price,
               c.claimed_reference_price as previous_price,
               jsonb_build_object('claimed_discount_pct', c.claimed_discount_pct,
                                  'lowest_price_30d', c.lowest_price_30d) as details
        from marts.mart_discount_claims as c
        where c.partition_hour >= %(start)s and c.partition_hour < %(end)s and c.claim_started_at >= %(fresh_after)s
          and c.is_misleading
    """,
}

# The listing behind each event, and the rule's scope (a null parameter matches everything).
_WITH_LISTING = """
    select events.product_key, events.event_at, events.price, events.previous_price, events.details,
           concat_ws(' – ', p.product_title, nullif(p.variant_title, 'Default Title')) as title,
           p.source_name, p.product_url, p.currency_code
    from ({events}) as events
    inner join marts.dim_products as p on p.product_key = events.product_key
    where (%(source)s::text is null or p.source_name = %(source)s)
      and (%(category)s::text is null or p.category = %(category)s)
      and (%(brand)s::text is null or p.brand = %(brand)s)
      and (%(urls)s::text[] is null or p.product_url = any(%(urls)s))
    order by events.event_at, events.product_key
"""

_NEW_COMETS = """
    select c.creator_id, c.comet_day, c.handle, c.nickname, c.followers, c.qualifying_video_views,
           c.avg_daily_growth_7d
    from marts.mart_comet_creators as c
    where c.comet_day >= %(start)s::date and c.comet_day < %(end)s::date
      and c.comet_day + 1 >= %(fresh_after)s::date
      and coalesce(c.avg_daily_growth_7d, 0) >= %(min_velocity)s
      and not exists (select 1 from marts.mart_comet_creators as earlier
                      where earlier.creator_id = c.creator_id and earlier.comet_day < c.comet_day)
    order by c.comet_day, c.creator_id
"""

_UNHEALTHY_HOURS = """
    select h.source_name, h.partition_hour, h.rows_published, h.rows_trailing_median, h.rows_vs_trailing_median,
           h.failed_pages
    from marts.mart_scrape_health as h
    where h.partition_hour >= %(start)s and h.partition_hour < %(end)s and h.partition_hour >= %(fresh_after)s
      and h.rows_vs_trailing_median < %(min_rows_vs_median)s
      and (%(source)s::text is null or h.source_name = %(source)s)
    order by h.partition_hour, h.source_name
"""


@dataclass(frozen=True)
class DetectionWindow:
    start: datetime
    end: datetime
    now: datetime
    freshness: timedelta

    @property
    def fresh_after(self) -> datetime:
        return self.now - self.freshness


def product_events_query(rule: AlertRule) -> str:
    key = (rule.kind, rule.against) if rule.kind == "price_drop" else rule.kind
    return _WITH_LISTING.format(events=_PRODUCT_EVENTS[key])


def rule_parameters(rule: AlertRule, alerts: Alerts, window: DetectionWindow) -> dict:
    scope = rule.scope
    urls = list(alerts.watchlists[scope.watchlist]) if scope.watchlist else None
    if scope.product_url:
        urls = [*(urls or []), scope.product_url]
    return {"start": window.start, "end": window.end, "fresh_after": window.fresh_after,
            "target_price": rule.target_price, "min_drop_pct": rule.min_drop_pct, "min_velocity": rule.min_velocity,
            "min_rows_vs_median": rule.min_rows_vs_median, "source": scope.source, "category": scope.category,
            "brand": scope.brand, "urls": urls}


def detect(connection, alerts: Alerts, window: DetectionWindow, kinds: tuple[str, ...]) -> list[tuple[AlertMessage, str]]:
    """The alerts of every rule of ``kinds`` for ``window``, as (message, channel name) pairs."""
    found: list[tuple[AlertMessage, str]] = []
    for rule in alerts.rules:
        if rule.kind not in kinds:
            continue
        parameters = rule_parameters(rule, alerts, window)
        if rule.kind in PRODUCT_KINDS:
            rows = connection.execute(product_events_query(rule), parameters).fetchall()
            messages = [_product_message(rule, *row) for row in rows]
        elif rule.kind == "new_comet":
            messages = [_comet_message(rule, *row) for row in connection.execute(_NEW_COMETS, parameters).fetchall()]
        else:
            rows = connection.execute(_UNHEALTHY_HOURS, parameters).fetchall()
            messages = [_unhealthy_message(rule, *row) for row in rows]
        found.extend((message, rule.channel) for message in messages)
    return found


def _product_message(rule: AlertRule, product_key, event_at, price, previous_price, details, title, source, url,
                     currency) -> AlertMessage:
    return AlertMessage(rule=rule.name, kind=rule.kind, subject_key=product_key, event_at=event_at,
                        title=title or product_key, source=source, url=url, currency=currency,
                        price=_decimal(price), previous_price=_decimal(previous_price),
                        details={name: _plain(value) for name, value in (details or {}).items()})


def _comet_message(rule: AlertRule, creator_id, comet_day, handle, nickname, followers, video_views,
                   daily_growth) -> AlertMessage:
    return AlertMessage(rule=rule.name, kind=rule.kind, subject_key=str(creator_id),
                        event_at=datetime.combine(comet_day, time(), tzinfo=UTC),
                        title=f"@{handle}" + (f" ({nickname})" if nickname else ""), source="tiktok",
                        url=f"https://www.tiktok.com/@{handle}",
                        details={"followers": followers, "breakout_video_views": video_views,
                                 "avg_daily_follower_growth_7d": _plain(daily_growth)})


def _unhealthy_message(rule: AlertRule, source, hour, rows, median, ratio, failed_pages) -> AlertMessage:
    return AlertMessage(rule=rule.name, kind=rule.kind, subject_key=source, event_at=hour, title=source, source=source,
                        details={"hour": f"{hour:%Y-%m-%d %H:00}", "rows": rows, "trailing_median_rows": _plain(median),
                                 "rows_vs_median": _plain(ratio), "failed_pages": failed_pages})


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _plain(value):
    """JSON-friendly: decimals as strings with their scale kept."""
    return str(value) if isinstance(value, Decimal) else value
