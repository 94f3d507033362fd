"""JSON-LD Product extraction over every shape in FORMATS.md (fixtures: tests/fixtures/jsonld/)."""

from decimal import Decimal

import pytest

from orchestration.formats.jsonld import NoProductError, extract_offers, json_ld_blocks, read_json_ld_blocks
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


BROKEN_BUT_READABLE = [
    ('// theme comment\n{"@type": "Product", /* inline */ "name": "Serum", "url": "https://x.example/a//b"}', "Serum"),
    ('<!--\n{"@type": "Product", "name": "Serum"}\n-->', "Serum"),
    ('//<![CDATA[\n{"@type": "Product", "name": "Serum"}\n//]]>', "Serum"),
    ('<![CDATA[{"@type": "Product", "name": "Serum"}]]>', "Serum"),
    ('<!-- the theme says hello -->\n{"@type": "Product", "name": "Serum", "html": "<!-- kept -->"}', "Serum"),
    ('{"@type": "Product",\x0b "name": "Serum", "offers": [{"price": "1.00",},],}', "Serum"),
    ('{"@type": "Product", "name": "Serum", "offers": {"price": "12.00"}', "Serum"),  # a lost closing brace
    ('{"@type": "Product", "name": "Serum", "offers": [{"price": "12.00"}', "Serum"),  # two closers lost
    ('{"@type": "Product", "name": "Serum // not a comment", "description": "/* nor this */"}', "Serum // not a comment"),
]
UNREADABLE = [
    '{"@type": "Product", "name": "Ser',  # a string cut short: not guessed
    '{"@type": "Product" "name": "x"}',  # a missing comma in the middle
    '{"@type": "Product", "name": undefined}',
]


def script(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


@pytest.mark.parametrize(("block", "name"), BROKEN_BUT_READABLE)
def test_json_ld_that_browsers_read_is_repaired(block, name):
    blocks, unreadable = read_json_ld_blocks(script(block))
    assert unreadable == [] and blocks[0]["name"] == name


@pytest.mark.parametrize("block", UNREADABLE)
def test_json_ld_that_cannot_be_repaired_is_reported_not_guessed(block):
    blocks, unreadable = read_json_ld_blocks(script(block))
    assert blocks == [] and len(unreadable) == 1 and unreadable[0].startswith("ld+json block 1: ")


def test_a_page_with_damaged_json_ld_still_gives_its_product():
    html = (FIXTURES / "jsonld" / "broken_blocks.html").read_text()
    (offer,) = extract_offers(html)
    assert (offer.product_name, offer.brand, offer.price, offer.currency, offer.is_available) == (
        "Lumiere Night Cream 50ml", "Lumiere", D("34.00"), "EUR", True)
    assert len(read_json_ld_blocks(html)[1]) == 1  # the cut breadcrumb block, reported


def test_placeholder_offers_of_zero_take_the_aggregate_range_and_never_a_zero_price():
    low, high = offers("placeholder_offers.html")
    assert [(o.sku, o.price, o.price_max) for o in (low, high)] == [
        ("VER-CM-50", D("19.00"), D("29.00")), ("VER-CM-100", D("19.00"), D("29.00"))]
    sold_out = ('{"@type": "Product", "name": "Sample", "sku": "S", "offers": {"@type": "Offer", "price": "0", '
                '"priceCurrency": "GBP", "availability": "https://schema.org/SoldOut"}}')
    (offer,) = extract_offers(script(sold_out))
    assert offer.price is None  # quarantined downstream as "no readable price", never a price of 0
    free = ('{"@type": "Product", "name": "Free sample", "offers": {"@type": "Offer", "price": "0", '
            '"priceCurrency": "GBP", "availability": "https://schema.org/InStock"}}')
    assert extract_offers(script(free))[0].price == 0  # in stock at 0 is a free item


def test_entities_are_decoded_offer_names_become_variants_and_the_stated_url_wins():
    sand, moss = offers("entities_and_offer_names.html",
                        page_url="https://hearth.example/products/linen-throw?utm_source=newsletter&variant=2")
    assert sand.product_name == "Linen Throw – Stonewashed & Soft"
    assert (sand.brand, sand.category) == ("Hearth & Loom", "Home & Living")
    assert (sand.variant_name, moss.variant_name) == ("Sand / 130×170", None)  # an offer named like the product
    assert sand.url == moss.url == "https://hearth.example/products/linen-throw"
    assert (moss.is_available, moss.price) == (False, D("52.00"))
