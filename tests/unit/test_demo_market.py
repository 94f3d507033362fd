"""The demo market is a deterministic fixture: same seed and hour, same bytes."""

import json
from datetime import UTC, datetime, timedelta

from radar_demo.catalog import DemoMarket
from radar_demo.shopify_pages import RecordFaults, render_products_page
from radar_demo.truth import injected_events

HOUR = datetime(2026, 11, 20, 13, tzinfo=UTC)


def test_catalogue_sizes_and_shape(demo_market):
    for shop in demo_market.shops.values():
        assert 50 <= len(shop.products) <= 500
        assert any(len(p.variants) > 1 for p in shop.products)
        assert len({p.vendor for p in shop.products}) >= 5
        assert len({p.product_type for p in shop.products}) >= 4


def test_rendering_is_deterministic_across_instances():
    a = render_products_page(DemoMarket().shop("glow-lab"), HOUR, 1, 250)
    b = render_products_page(DemoMarket().shop("glow-lab"), HOUR + timedelta(minutes=59), 1, 250)
    assert a == b
    assert a != render_products_page(DemoMarket(seed=1).shop("glow-lab"), HOUR, 1, 250)


def test_pages_partition_the_catalogue(demo_market):
    shop = demo_market.shop("trail-and-tide")
    ids = []
    for page in range(1, 4):
        ids += [p["id"] for p in json.loads(render_products_page(shop, HOUR, page, 250))["products"]]
    assert len(ids) == len(set(ids)) == len(shop.products)
    assert json.loads(render_products_page(shop, HOUR, 3, 250)) == {"products": []}


def test_real_shopify_variant_shape(demo_market):
    product = json.loads(render_products_page(demo_market.shop("kopi-nusantara"), HOUR, 1, 1))["products"][0]
    variant = product["variants"][0]
    assert isinstance(variant["price"], str) and "." in variant["price"]
    assert {"id", "title", "sku", "available", "compare_at_price", "product_id", "grams"} <= variant.keys()
    assert product["created_at"].endswith("+07:00")


def test_prices_move_and_events_happen_over_a_week(demo_market):
    shop = demo_market.shop("glow-lab")
    start = HOUR - timedelta(days=7)
    events = injected_events(shop, start, HOUR)
    kinds = {event.kind for event in events}
    assert kinds == {"flash_sale", "gradual_discount", "sold_out"}
    for event in (e for e in events if e.kind == "flash_sale"):
        index = [v.variant_id for v in shop.variants].index(event.variant_id)
        during = shop.states_at(event.starts_at)[index]
        before = shop.states_at(event.starts_at - timedelta(hours=1))[index]
        assert float(during.price) < float(before.price) * 0.8
        assert during.compare_at_price is not None
        break
    sold_out = next(e for e in events if e.kind == "sold_out" and e.starts_at >= start)
    index = [v.variant_id for v in shop.variants].index(sold_out.variant_id)
    assert shop.states_at(sold_out.starts_at)[index].available is False
    assert shop.states_at(sold_out.ends_at)[index].available is True


def test_record_faults_corrupt_as_asked(demo_market):
    faults = RecordFaults(negative_price=2, missing_id=1, unparseable_price=1)
    products = json.loads(render_products_page(demo_market.shop("glow-lab"), HOUR, 1, 5, faults=faults))["products"]
    variants = [v for p in products for v in p["variants"]]
    assert sum(v["price"].startswith("-") for v in variants) == 2
    assert sum("id" not in p for p in products) == 1
    assert variants[-1]["price"] == "call for price"
