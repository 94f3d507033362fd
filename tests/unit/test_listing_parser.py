"""Card extraction from stored listing HTML, and cards -> observations (pure, offline)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from orchestration.formats.listing import ListingCard, extract_cards, first_sightings, observations_from_cards
from orchestration.formats.normalize import BrandDictionary, product_key
from orchestration.formats.normalize.urls import PLATFORM_KEYSPACE
from orchestration.formats.recipes import load_recipe
from radar_demo.catalog import DemoMarket
from radar_demo.marketplace import DemoMarketplace
from radar_demo.marketplace_pages import render_listing_dom
from tests.support import FIXTURES

HOUR = datetime(2026, 11, 21, 9, tzinfo=UTC)
LISTINGS = FIXTURES / "listings"
BRANDS = BrandDictionary({"Lumiere": [], "Dewdrop": [], "Toraja Hills": ["toraja"]})


def observe(cards, page_url, currency="IDR"):
    return observations_from_cards(cards, source_name="marketplace", page_url=page_url, currency=currency,
                                   category="Serum", brands=BRANDS, partition_hour=HOUR, observed_at=HOUR,
                                   snapshot_key="raw/x/page-0001.html.gz")


@pytest.fixture(scope="module")
def tokopedia_cards():
    return extract_cards((LISTINGS / "tokopedia_search.html").read_text(), load_recipe("tokoloka-demo"))


def test_cards_are_read_by_test_ids_and_reading_order(tokopedia_cards):
    first, ad, preorder, no_price = tokopedia_cards  # the lazy placeholder is not a card
    assert (first.title, first.price, first.original_price, first.discount_badge) == (
        "Lumiere Serum Niacinamide 10% 30ml", "Rp85.000", "Rp130.000", "35%")
    # "Mall" and "Bisa COD" sit between the texts and are skipped; the rest is read in order.
    assert (first.rating, first.sold, first.shop_name, first.shop_city) == ("4.9", "10rb+ terjual", "Glowhaus Official", "Jakarta Barat")
    assert not first.is_sponsored and first.is_sold_out is False
    # No rating on the ad: the sold count and the shop still land in the right fields.
    assert (ad.rating, ad.sold, ad.shop_name, ad.shop_city, ad.is_sponsored) == (None, "250+ terjual", "Dewdrop Store", "Surabaya", True)
    assert (preorder.rating, preorder.sold, preorder.shop_name, preorder.is_sold_out) == (None, None, "Kosmetikku", True)
    assert no_price.price == "Rp -"


def test_observations_normalize_prices_urls_brands_and_quarantine_unreadable_cards(tokopedia_cards):
    page_url = "https://www.tokopedia.com/search?st=product&q=serum"
    observations, quarantined = observe(tokopedia_cards, page_url)
    first, ad, preorder = observations
    assert first.product_url == "https://www.tokopedia.com/glowhaus/serum-niacinamide-10-30ml"  # tracking dropped
    assert (first.price, first.compare_at_price, first.sold_count, first.rating) == (Decimal(85000), Decimal(130000), 10000, Decimal("4.9"))
    assert first.brand == "Lumiere" and first.category == "Serum" and first.currency_code == "IDR"
    # The ad's click redirect is unwrapped to the product it advertises; the range's low end is the price.
    assert ad.product_url == "https://www.tokopedia.com/skinmart/sunscreen-spf50"
    assert (ad.price, ad.is_sponsored, ad.sold_count) == (Decimal(50000), True, 250)
    assert ad.brand == "Dewdrop"  # not in the title: taken from the shop name
    assert preorder.product_url == "https://www.tokopedia.com/kosmetikku/toner-baru"  # relative link resolved
    assert (preorder.price, preorder.is_available, preorder.brand) == (Decimal(1_200_000), False, None)  # never guessed
    (rejected,) = quarantined
    assert rejected.record_locator == "card[3]" and "price 'Rp -' is unreadable" in rejected.reason
    assert 'data-testid="master-product-card"' in rejected.record
    assert len({o.product_key for o in observations}) == 3


def test_another_site_is_a_recipe_not_code():
    recipe = load_recipe(str(LISTINGS / "shopee-like.yaml"))
    cards = extract_cards((LISTINGS / "shopee_search.html").read_text(), recipe)
    observations, quarantined = observe(cards, "https://shopee.co.id/search?keyword=kopi")
    assert quarantined == []
    gayo, robusta = observations
    # One identity for the listing: the canonical /product/<shop>/<item> URL, keyed on Shopee's ids.
    assert gayo.product_url == "https://shopee.co.id/product/123456/7890123"
    assert gayo.source_product_id == "123456.7890123"
    assert gayo.product_key == product_key(PLATFORM_KEYSPACE, "shopee:123456.7890123")  # the same in every source
    assert (gayo.price, gayo.rating, gayo.sold_count, gayo.shop_city, gayo.brand) == (
        Decimal(85000), Decimal("4.8"), 1200, "KOTA MEDAN", "Toraja Hills")
    assert (robusta.price, robusta.rating, robusta.sold_count, robusta.shop_city) == (Decimal(12500), None, None, "KAB. LAMPUNG BARAT")


def test_absurd_prices_are_quarantined():
    html = (LISTINGS / "tokopedia_search.html").read_text().replace("Rp85.000", "Rp999.999.999.999.999")
    observations, quarantined = observe(extract_cards(html, load_recipe("tokoloka-demo")), "https://www.tokopedia.com/search")
    assert any("absurd" in q.reason for q in quarantined)
    assert len(observations) == 2


def test_ads_repeating_a_listing_keep_the_organic_sighting(tokopedia_cards):
    observations, _ = observe(tokopedia_cards, "https://www.tokopedia.com/search")
    organic_copy = observations[1]._replace(is_sponsored=False, shop_name="organic")
    assert [o.shop_name for o in first_sightings([*observations, organic_copy])] == ["Glowhaus Official", "organic", "Kosmetikku"]


@pytest.mark.parametrize("hours_ago", [0, 5, 30])
@pytest.mark.parametrize("keyword", ["serum", "sunscreen", "kopi"])
def test_demo_tiles_round_trip_through_the_recipe(keyword, hours_ago):
    marketplace = DemoMarketplace(DemoMarket().marketplace)
    moment = HOUR - timedelta(hours=hours_ago)
    items = [item for page in (1, 2, 3) for item in marketplace.search_page(keyword, page, moment, "http://demo/marketplace")["items"]]
    cards = extract_cards(render_listing_dom(items, keyword, None, True).decode(), load_recipe("tokoloka-demo"))
    assert len(cards) == len(items) > 0
    for card, item in zip(cards, items, strict=True):
        assert (card.title, card.price, card.original_price or "", card.rating or "", card.sold or "",
                card.shop_name, card.shop_city, card.is_sponsored, card.is_sold_out) == (
            item["name"], item["price"], item["slash_price"], item["rating"], item["sold"],
            item["shop"]["name"], item["shop"]["city"], item["is_ad"], item["sold_out"])
    observations, quarantined = observe(cards, "http://demo/marketplace/search")
    assert quarantined == [] and len(observations) == len(items)


def card(**values) -> ListingCard:
    defaults = {"position": 1, "link": "https://www.tokopedia.com/glowlab/serum-niacinamide", "title": "Serum Niacinamide",
                "price": "Rp75.000", "original_price": None, "discount_badge": None, "rating": None, "sold": None,
                "shop_name": "Glowlab", "shop_city": "Jakarta", "is_sponsored": False, "is_sold_out": False,
                "html": "<div></div>"}
    return ListingCard(**(defaults | values))


@pytest.mark.parametrize(("badge", "original", "derived"), [
    ("-25%", Decimal("100000.00"), True), ("25%", Decimal("100000.00"), True), ("Diskon 25%", Decimal("100000.00"), True),
    ("-0%", None, False), ("100%", None, False), ("Hemat", None, False), (None, None, False),
])
def test_a_discount_badge_without_a_slashed_price_implies_the_original(badge, original, derived):
    (row,), _ = observe([card(discount_badge=badge)], "https://www.tokopedia.com/search?q=serum")
    assert (row.compare_at_price, row.compare_at_is_derived) == (original, derived)


def test_a_slashed_price_is_printed_not_derived_and_wins_over_the_badge():
    (row,), _ = observe([card(original_price="Rp90.000", discount_badge="-25%")], "https://www.tokopedia.com/search?q=serum")
    assert (row.compare_at_price, row.compare_at_is_derived) == (Decimal(90000), False)


def test_a_price_range_keeps_its_high_end():
    (ranged, single), _ = observe([card(price="Rp50.000 - Rp75.000"),
                                   card(position=2, link="https://www.tokopedia.com/glowlab/toner", price="Rp60.000")],
                                  "https://www.tokopedia.com/search?q=serum")
    assert (ranged.price, ranged.price_max) == (Decimal(50000), Decimal(75000))
    assert single.price_max is None


def test_a_card_linking_to_a_shop_is_quarantined_not_a_product():
    observations, quarantined = observe([card(link="https://www.tokopedia.com/glowlab")], "https://www.tokopedia.com/search")
    assert observations == [] and "card links to no product" in quarantined[0].reason


def test_card_fixes_on_a_lazada_like_grid():
    """The card's root is the link, the title an img alt; a badge without a slashed price, a price
    range, a sold count over a window, a card linking to a shop (fixture: lazada_like_catalog.html)."""
    cards = extract_cards((LISTINGS / "lazada_like_catalog.html").read_text(), load_recipe(str(LISTINGS / "lazada-like.yaml")))
    observations, quarantined = observe(cards, "https://www.lazada.co.id/catalog/?q=serum")
    serum, toner, sunscreen = observations
    assert serum.title == "Serum Niacinamide 10% & Zinc 30ml"
    assert (serum.product_url, serum.source_product_id, serum.source_variant_id) == (
        "https://www.lazada.co.id/products/i160040421.html", "160040421", "200123456")
    assert (serum.price, serum.compare_at_price, serum.compare_at_is_derived) == (Decimal(75000), Decimal("100000.00"), True)
    assert (serum.sold_count, serum.sold_period) == (1200, None)
    assert (toner.price, toner.price_max, toner.sold_count, toner.sold_period) == (Decimal(50000), Decimal(75000), 250, "P30D")
    assert (sunscreen.compare_at_price, sunscreen.compare_at_is_derived, sunscreen.sold_count) == (Decimal(99000), False, 0)
    (shop,) = quarantined
    assert "card links to no product" in shop.reason and "/shop/glowlab" in shop.reason
