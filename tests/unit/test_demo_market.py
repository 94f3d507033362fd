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
    assert kinds == {"flash_sale", "gradual_discount", "misleading_discount", "price_jitter", "sold_out"}
    index_of = {v.variant_id: i for i, v in enumerate(shop.variants)}

    def state(event, moment):
        return shop.states_at(moment)[index_of[event.variant_id]]

    flash = next(e for e in events if e.kind == "flash_sale")
    during, before = state(flash, flash.starts_at), state(flash, flash.starts_at - timedelta(hours=1))
    assert float(during.price) <= float(before.price) * 0.75 and during.compare_at_price is not None
    assert state(flash, flash.ends_at).price == before.price
    misleading = next(e for e in events if e.kind == "misleading_discount")
    during, before = state(misleading, misleading.starts_at), state(misleading, misleading.starts_at - timedelta(hours=1))
    assert during.price == before.price and before.compare_at_price is None
    assert float(during.compare_at_price) >= float(during.price) * 1.2
    jitter = next(e for e in events if e.kind == "price_jitter")
    moved = float(state(jitter, jitter.starts_at).price) / float(state(jitter, jitter.ends_at).price)
    assert 0.975 <= moved <= 1.025 and moved != 1
    sold_out = next(e for e in events if e.kind == "sold_out" and e.starts_at >= start)
    assert state(sold_out, sold_out.starts_at).available is False
    assert state(sold_out, sold_out.ends_at).available is True


def test_promotions_of_a_variant_lie_more_than_30_days_apart(demo_market):
    # so an honest promotion's reference is the lowest price of the 30 days before it (EU Omnibus)
    for shop in demo_market.shops.values():
        promotions: dict[int, list] = {}
        for event in injected_events(shop, HOUR - timedelta(days=200), HOUR):
            if event.kind in ("flash_sale", "gradual_discount", "misleading_discount"):
                promotions.setdefault(event.variant_id, []).append(event)
        assert sum(len(events) for events in promotions.values()) > len(shop.variants)
        for events in promotions.values():
            for earlier, later in zip(events, events[1:], strict=False):
                assert later.starts_at - earlier.ends_at > timedelta(days=30)


def test_record_faults_corrupt_as_asked(demo_market):
    faults = RecordFaults(negative_price=2, missing_id=1, unparseable_price=1)
    products = json.loads(render_products_page(demo_market.shop("glow-lab"), HOUR, 1, 5, faults=faults))["products"]
    variants = [v for p in products for v in p["variants"]]
    assert sum(v["price"].startswith("-") for v in variants) == 2
    assert sum("id" not in p for p in products) == 1
    assert variants[-1]["price"] == "call for price"


def test_the_demo_alert_inbox_keeps_slack_messages_once_per_idempotency_key():
    import json

    from radar_demo.alert_inbox import AlertInbox

    inbox = AlertInbox()
    message = json.dumps({"text": "Flash sale started", "blocks": []}).encode()
    assert inbox.receive("key-1", message)[0] == 200
    assert inbox.receive("key-1", message)[0] == 200  # a resend after a crash: accepted, kept once
    assert inbox.receive("key-2", b'{"attachments": []}')[:2] == (400, b"no_text")
    assert inbox.receive("key-3", b"not json")[0] == 400
    listing = json.loads(inbox.listing()[1])
    assert listing == {"messages": [{"text": "Flash sale started", "blocks": []}], "repeats_dropped": 1}
