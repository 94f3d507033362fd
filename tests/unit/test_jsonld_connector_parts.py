"""Sitemaps and JSON-LD pages -> observations: pure parts of the jsonld connector."""

import gzip
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from orchestration.formats.jsonld import observations_from_page
from orchestration.formats.normalize import BrandDictionary
from orchestration.formats.responses import SourceFormatError
from orchestration.formats.sitemap import parse_sitemap
from radar_demo.catalog import DemoMarket
from radar_demo.jsonld_pages import SHAPES, render_product_page

HOUR = datetime(2026, 11, 21, 9, tzinfo=UTC)
URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc> https://shop.example/products/a </loc><image:image><image:loc>https://cdn.example/a.jpg</image:loc></image:image></url>
  <url><loc>https://shop.example/products/b</loc><lastmod>2026-11-20</lastmod></url>
</urlset>"""


def test_sitemap_urlset_and_index():
    # Image extension <image:loc> entries are not pages.
    assert parse_sitemap(URLSET).page_urls == ["https://shop.example/products/a", "https://shop.example/products/b"]
    index = parse_sitemap(b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                          b"<sitemap><loc>https://shop.example/sitemap_products_1.xml</loc></sitemap></sitemapindex>")
    assert index.child_sitemaps == ["https://shop.example/sitemap_products_1.xml"] and index.page_urls == []
    assert parse_sitemap(gzip.compress(URLSET)).page_urls == parse_sitemap(URLSET).page_urls


@pytest.mark.parametrize("body", [b"<html><body>blocked</body></html", b"<rss><channel/></rss>", b""])
def test_a_non_sitemap_is_an_error(body):
    with pytest.raises(SourceFormatError):
        parse_sitemap(body, "https://shop.example/sitemap.xml")


def observe(html, page_url="https://shop.example/products/x"):
    return observations_from_page(html, page_url=page_url, source_name="shop", currency="GBP",
                                  brands=BrandDictionary({"Fernhill": []}), partition_hour=HOUR, observed_at=HOUR,
                                  snapshot_key="raw/k")


@pytest.mark.parametrize("index", range(len(SHAPES) * 2))
def test_every_demo_page_shape_yields_its_offers(index):
    shop = DemoMarket().jsonld_shop
    product = shop.products[index]
    states = dict(zip((v.variant_id for v in shop.variants), shop.states_at(HOUR), strict=True))
    html = render_product_page(shop, product, HOUR, "https://shop.example").decode()
    observations, quarantined = observe(html, f"https://shop.example/products/{product.handle}")
    assert quarantined == []
    prices = sorted(Decimal(states[v.variant_id].price) for v in product.variants)
    if SHAPES[index % len(SHAPES)] == "main_entity" and len(product.variants) > 1:
        (only,) = observations  # an AggregateOffer: the low price stands for the product
        assert only.price == prices[0]
    else:
        assert sorted(o.price for o in observations) == prices
    assert {o.brand for o in observations} == {product.vendor}
    assert {o.category for o in observations} == {product.product_type}
    assert {o.currency_code for o in observations} == {"GBP"}
    assert all(o.source_kind == "jsonld" and o.rating is not None for o in observations)
    assert "Gift Card" not in {o.title for o in observations}  # related products are not the product


def test_a_page_without_a_product_and_an_offer_without_a_price_are_quarantined():
    observations, (page,) = observe('<html><script type="application/ld+json">{"@type": "Organization", "name": "x"}</script></html>')
    assert observations == [] and page.record_locator == "page" and "Organization" in page.record
    html = ('<script type="application/ld+json">{"@type": "Product", "name": "Mug", "sku": "M1", '
            '"offers": [{"@type": "Offer", "price": "call us"}, {"@type": "Offer", "sku": "M2", "price": "12.50", "priceCurrency": "gbp"}]}'
            "</script>")
    (observation,), (offer,) = observe(html)
    assert (observation.price, observation.currency_code, observation.brand) == (Decimal("12.50"), "GBP", None)
    assert offer.record_locator == "offers[0]" and offer.reason == "offer has no readable price"


def test_a_brand_missing_from_the_page_comes_from_the_dictionary_only():
    html = '<script type="application/ld+json">{"@type": "Product", "name": "Fernhill Wool Throw", "offers": {"price": 40}}</script>'
    (observation,), _ = observe(html)
    assert observation.brand == "Fernhill"
