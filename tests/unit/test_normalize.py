from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration.formats.normalize import normalize_url, parse_api_decimal, product_key


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Shop.Example.COM/products/x?utm_source=ig&variant=2&fbclid=abc#reviews",
         "https://shop.example.com/products/x?variant=2"),
        ("https://shop.example.com:443/products/x?b=2&a=1", "https://shop.example.com/products/x?a=1&b=2"),
        ("http://shop.example.com:8080/p?gclid=1&trkid=2&extParam=3&whid=4&src=5&spm=6&sp_atk=7&xptdk=8",
         "http://shop.example.com:8080/p"),
        ("https://shop.example.com", "https://shop.example.com/"),
        ("https://shop.example.com/p?UTM_Campaign=x&q=serum", "https://shop.example.com/p?q=serum"),
        ("https://shop.example.com/products/a b", "https://shop.example.com/products/a%20b"),
        ("https://shop.example.com/products/caf%C3%A9", "https://shop.example.com/products/caf%C3%A9"),
        ("https://shop.example.com/products/café", "https://shop.example.com/products/caf%C3%A9"),
    ],
)
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_normalize_url_is_idempotent_and_tracking_insensitive():
    a = normalize_url("https://s.com/p?variant=1&utm_medium=x")
    b = normalize_url("https://S.com/p?fbclid=9&variant=1")
    assert a == b == normalize_url(a)


def test_product_key_is_sha256_of_source_and_identity():
    key = product_key("shop-a", "shopify:1:2")
    assert len(key) == 64 and int(key, 16) >= 0
    assert key == product_key("shop-a", "shopify:1:2")
    assert key != product_key("shop-b", "shopify:1:2")
    assert key != product_key("shop-a", "shopify:1:3")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("64.95", Decimal("64.95")), (" 12 ", Decimal("12")), ("-3.50", Decimal("-3.50")), (7, Decimal(7)),
     (64.95, Decimal("64.95")), ("0.00", Decimal("0.00")), ("", None), (None, None), ("call us", None),
     ("$64.95", None), ("1,299.00", None), (True, None), ([], None), ("1e5", None)],
)
def test_parse_api_decimal(value, expected):
    assert parse_api_decimal(value) == expected


@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.none()))
def test_parse_api_decimal_never_raises(value):
    result = parse_api_decimal(value)
    assert result is None or isinstance(result, Decimal)
