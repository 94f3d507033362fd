from datetime import UTC, datetime
from decimal import Decimal

import pytest

from orchestration.formats.shopify import (
    PageFormatError,
    observations_from_products,
    parse_products_page,
)
from tests.support import FIXTURES

HOUR = datetime(2026, 11, 20, 13, tzinfo=UTC)


def parse(body: bytes, seen: set[str] | None = None):
    return observations_from_products(
        parse_products_page(body), source_name="aurora", base_url="https://aurora.example.com", currency="USD",
        partition_hour=HOUR, observed_at=HOUR.replace(minute=5), snapshot_key="raw/page-0001.json.gz",
        seen_product_ids=set() if seen is None else seen,
    )


@pytest.fixture
def parsed():
    return parse((FIXTURES / "shopify" / "products_page_edge_cases.json").read_bytes())


def test_one_observation_per_readable_variant(parsed):
    observations, _ = parsed
    assert [o.source_variant_id for o in observations] == [
        "44111111111111", "44111111111112", "44111111111113", "44111111111120", "44111111111130"]


def test_prices_and_compare_at(parsed):
    by_variant = {o.source_variant_id: o for o in parsed[0]}
    first = by_variant["44111111111111"]
    assert (first.price, first.compare_at_price, first.currency_code) == (Decimal("64.95"), Decimal("79.00"), "USD")
    # compare_at equal to or below the price is no compare-at price: null, as in every parser.
    assert by_variant["44111111111112"].compare_at_price is None
    assert by_variant["44111111111113"].compare_at_price is None
    # "" and "0.00" mean "no compare-at price".
    assert by_variant["44111111111120"].compare_at_price is None
    assert by_variant["44111111111130"].compare_at_price is None


def test_attributes(parsed):
    by_variant = {o.source_variant_id: o for o in parsed[0]}
    first = by_variant["44111111111111"]
    assert (first.brand, first.category, first.title, first.variant_title) == ("Aurora Labs", "Serum", "Aurora Vitamin C Serum", "30 ml")
    # One product URL for all its variants; the variant id is its own column.
    assert first.product_url == "https://aurora.example.com/products/aurora-vitamin-c-serum"
    assert first.source_variant_id == "44111111111111"
    assert first.is_available is True and by_variant["44111111111112"].is_available is False
    tote = by_variant["44111111111120"]
    assert (tote.brand, tote.category, tote.sku, tote.variant_title) == (None, None, None, None)
    assert first.product_key != tote.product_key and len(first.product_key) == 64


def test_unreadable_records_are_quarantined_with_reasons(parsed):
    _, quarantined = parsed
    reasons = {q.record_locator: q.reason for q in quarantined}
    assert reasons == {
        "products[2].variants[1]": "price 'call us' is not a decimal amount",
        "products[3]": "product has no 'variants' array",
        "products[4]": "product is a str, expected an object",
    }
    assert all(q.snapshot_key == "raw/page-0001.json.gz" and q.partition_hour == HOUR for q in quarantined)


def test_product_repeated_across_pages_is_kept_once():
    body = (FIXTURES / "shopify" / "products_page_edge_cases.json").read_bytes()
    seen: set[str] = set()
    first_page, _ = parse(body, seen)
    second_page, _ = parse(body, seen)
    assert len(first_page) == 5 and second_page == []


def test_missing_ids_and_negative_prices_are_kept_for_the_quality_gate():
    body = b'{"products":[{"title":"No id","handle":"h","variants":[{"price":"-5.00","available":true}]}]}'
    observations, quarantined = parse(body)
    assert quarantined == []
    (row,) = observations
    assert row.product_key is None and row.source_product_id is None and row.price == Decimal("-5.00")


@pytest.mark.parametrize("body", [b"<html>blocked</html>", b'{"items": []}', b"[]"])
def test_unreadable_page_raises(body):
    with pytest.raises(PageFormatError):
        parse_products_page(body)


@pytest.mark.parametrize("base_url", ["https://Aurora.Example.com", "http://127.0.0.1:8765/shops/glow-lab",
                                      "https://shop.example.com:443/en"])
@pytest.mark.parametrize("handle", ["aurora-vitamin-c-serum", "caf\u00e9-cr\u00e8me", "a b&c"])
def test_product_url_shortcut_equals_the_canonical_url(base_url, handle):
    from orchestration.formats.normalize import canonical_product
    from orchestration.formats.shopify import product_url, product_url_prefix

    expected = canonical_product(f"{base_url}/collections/all/products/{handle}?variant=123")
    assert product_url(product_url_prefix(base_url), handle) == expected.url
    assert expected.variant_id == "123"
