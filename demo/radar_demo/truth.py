"""DEMO / TEST FIXTURE: what the demo generator injected, for tests to compare marts against."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from radar_demo.catalog import EPOCH, DemoShop, hour_index


@dataclass(frozen=True)
class InjectedEvent:
    shop: str
    variant_id: int
    kind: str  # flash_sale | gradual_discount | misleading_discount | price_jitter (noise) | sold_out
    starts_at: datetime
    ends_at: datetime


def injected_events(shop: DemoShop, start: datetime, end: datetime) -> list[InjectedEvent]:
    """Everything the generator injected overlapping [start, end): promotions, noise and sell-outs."""
    def moment(hour: int) -> datetime:
        return EPOCH + timedelta(hours=hour)

    return [InjectedEvent(shop.name, shop.variants[interval.variant_index].variant_id, interval.kind,
                          moment(interval.start_hour), moment(interval.end_hour))
            for interval in shop.calendar.intervals(hour_index(start), hour_index(end - timedelta(microseconds=1)) + 1)]


@dataclass(frozen=True)
class CategoryDay:
    listings: int
    median_price: Decimal
    avg_price: Decimal
    share_discounted: Decimal
    avg_discount_pct: Decimal | None


def expected_category_day(shop: DemoShop, last_hour: datetime) -> dict[str, CategoryDay]:
    """The market KPIs per category from each variant's state in the day's last scraped hour."""
    states = dict(zip((v.variant_id for v in shop.variants), shop.states_at(last_hour), strict=True))
    by_category: dict[str, list[tuple[Decimal, Decimal | None]]] = {}
    for product in shop.products:
        for variant in product.variants:
            state = states[variant.variant_id]
            compare_at = Decimal(state.compare_at_price) if state.compare_at_price else None
            by_category.setdefault(product.product_type, []).append((Decimal(state.price), compare_at))
    result = {}
    for category, rows in by_category.items():
        prices = [price for price, _ in rows]
        discounts = [
            round((1 - price / compare_at) * 100, 2)
            for price, compare_at in rows
            if compare_at is not None and compare_at > price
        ]
        result[category] = CategoryDay(
            listings=len(rows),
            median_price=Decimal(str(statistics.median(prices))),
            avg_price=sum(prices) / len(prices),
            share_discounted=Decimal(len(discounts)) / len(rows),
            avg_discount_pct=(sum(discounts) / len(discounts)) if discounts else None,
        )
    return result


def expected_price_changes(shop: DemoShop, hours: list[datetime]) -> int:
    """Number of hour-to-hour price changes across all variants over consecutive ``hours``."""
    changes = 0
    previous = None
    for hour in hours:
        prices = [state.price for state in shop.states_at(hour)]
        if previous is not None:
            changes += sum(1 for before, after in zip(previous, prices, strict=True) if before != after)
        previous = prices
    return changes


def shop_marts_against_truth(query, shop: DemoShop, hours: list[datetime]) -> list[str]:
    """Differences between the product marts and what the generator injected for one demo shop
    staged over consecutive ``hours`` (from the first): price spells, current spells and the
    last day's KPIs. ``query(sql, params)`` returns rows from the warehouse. Empty when they agree."""
    problems = []

    def scalar(statement: str) -> int:
        return query(statement, [shop.name])[0][0]

    spells = scalar("select count(*) from marts.fct_price_history join marts.dim_products using (product_key) "
                    "where source_name = %s")
    expected_spells = len(shop.variants) + expected_price_changes(shop, hours)
    if spells != expected_spells:
        problems.append(f"{shop.name}: {spells} price spells, ground truth {expected_spells}")
    current = scalar("select count(*) from marts.fct_price_history join marts.dim_products using (product_key) "
                     "where source_name = %s and is_current")
    if current != len(shop.variants):
        problems.append(f"{shop.name}: {current} current spells for {len(shop.variants)} variants")
    truth = expected_category_day(shop, hours[-1])
    kpis = query("select category, listings, median_price, avg_price, share_discounted from marts.mart_market_kpis "
                 "where source_name = %s and market_date = %s", [shop.name, hours[-1].date()])
    if {row[0] for row in kpis} != set(truth):
        problems.append(f"{shop.name}: KPI categories {sorted(row[0] for row in kpis)}, ground truth {sorted(truth)}")
    for category, listings, median, average, share in kpis:
        expected = truth.get(category)
        if expected and (listings != expected.listings or median != expected.median_price
                         or abs(average - expected.avg_price) >= Decimal("0.0001")
                         or abs(share - expected.share_discounted) >= Decimal("0.0001")):
            problems.append(f"{shop.name}/{category} on {hours[-1].date()}: KPIs ({listings}, {median}, {average}, "
                            f"{share}), ground truth {expected}")
    return problems
