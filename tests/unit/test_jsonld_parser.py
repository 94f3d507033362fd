"""JSON-LD Product extraction over every shape in FORMATS.md (fixtures: tests/fixtures/jsonld/)."""

from decimal import Decimal

import pytest

from orchestration.formats.jsonld import NoProductError, extract_offers, json_ld_blocks
from tests.support import FIXTURES

D = Decimal


def offers(name: str, page_url: str | None = None):
    return extract_offers((FIXTURES / "jsonld" / name).read_text(), page_url)


def test_single_offer_with_strikethrough_brand_object_and_localized_rating():
    (offer,) = offers("single_offer_top_level.html")
    assert (offer.product_name, offer.brand, offer.category, offer.sku) == (
        "Aurora Vitamin C Serum", "Aurora Labs", "Serum", "AUR-VC-30")
    assert (offer.price, offer.compare_at_price, offer.currency, offer.is_available) == (D("64.95"), D("79.00"), "USD", True)
    assert (offer.rating, offer.review_count) == (D("4.8"), 1234)
    assert offer.url == "https://aurora.example.com/products/vc-serum"
    assert offer.identity == "AUR-VC-30"


def test_invalid_blocks_are_skipped_and_related_products_ignored():
    html = (FIXTURES / "jsonld" / "single_offer_top_level.html").read_text()
    assert len(json_ld_blocks(html)) == 3  # the broken app block is dropped
    assert [o.product_name for o in extract_offers(html)] == ["Aurora Vitamin C Serum"]


def test_graph_with_id_references_and_ten_point_rating():
    (offer,) = offers("graph_with_ids.html")
    assert (offer.product_name, offer.brand, offer.sku) == ("Toraja Sapan 200 g", "Toraja Hills", "TRJ-200")
    assert (offer.price, offer.currency, offer.is_available) == (D(85000), "IDR", False)
    assert (offer.rating, offer.review_count) == (D("4.50"), 87)


def test_top_level_array_with_one_offer_per_variant():
    result = offers("array_offers_variants.html", "https://trail.example.eu/products/jacket")
    assert [(o.sku, o.price, o.currency, o.is_available) for o in result] == [
        ("JKT-S", D("189.00"), "EUR", True), ("JKT-M", D(189), "EUR", False), ("JKT-L", D("199.00"), "EUR", True)]
    assert result[0].url == "https://trail.example.eu/products/jacket?variant=111"
    assert {o.brand for o in result} == {"Kestrel"}


def test_aggregate_offer_in_main_entity():
    (offer,) = offers("aggregate_offer.html")
    assert (offer.price, offer.price_max, offer.offer_count, offer.currency) == (D(350000), D(2500000), 4, "IDR")
    assert (offer.brand, offer.identity, offer.is_available) == ("Gayo Select", "grinder-77", True)


def test_product_group_variants_inherit_brand_and_rating():
    result = offers("product_group.html")
    assert [(o.variant_name, o.sku, o.price, o.is_available) for o in result] == [
        ("Dewdrop Gel Cream 30 ml", "DGC-30", D("24.5"), True),
        ("Dewdrop Gel Cream 50 ml", "DGC-50", D("34.50"), False)]
    assert {(o.product_name, o.brand, o.rating, o.review_count, o.currency) for o in result} == {
        ("Dewdrop Gel Cream", "Dewdrop", D("4.6"), 210, "GBP")}


def test_page_without_a_product_is_an_error():
    with pytest.raises(NoProductError):
        offers("no_product.html")
