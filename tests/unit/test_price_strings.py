"""The display-string normalizer against the real-world formats in FORMATS.md (100+ cases)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestration.formats.normalize import (
    normalize_url,
    parse_count,
    parse_price,
    parse_rating,
    unwrap_redirect,
)

D = Decimal
NNBSP, NBSP = "\u202f", "\u00a0"

PRICES = [
    # Indonesian rupiah
    ("Rp1.250.000", None, D(1250000), D(1250000), "IDR"),
    ("Rp 85.000", None, D(85000), D(85000), "IDR"),
    ("Rp85.000", None, D(85000), D(85000), "IDR"),
    ("Rp 1.299.000", None, D(1299000), D(1299000), "IDR"),
    ("Rp12,5rb", None, D(12500), D(12500), "IDR"),
    ("Rp 12,5rb", None, D(12500), D(12500), "IDR"),
    ("Rp12rb", None, D(12000), D(12000), "IDR"),
    ("Rp12 ribu", None, D(12000), D(12000), "IDR"),
    ("Rp1,2jt", None, D(1200000), D(1200000), "IDR"),
    ("Rp1.5jt", None, D(1500000), D(1500000), "IDR"),
    ("Rp2jt", None, D(2000000), D(2000000), "IDR"),
    ("Rp 3,75 juta", None, D(3750000), D(3750000), "IDR"),
    ("Rp1.000.000,-", None, D(1000000), D(1000000), "IDR"),
    ("Rp 50.000,-", None, D(50000), D(50000), "IDR"),
    ("IDR 1,250,000", None, D(1250000), D(1250000), "IDR"),
    ("IDR 85.000", None, D(85000), D(85000), "IDR"),
    ("idr 85.000", None, D(85000), D(85000), "IDR"),
    ("RP 99.000", None, D(99000), D(99000), "IDR"),
    ("Rp500", None, D(500), D(500), "IDR"),
    ("Rp50.000 - Rp75.000", None, D(50000), D(75000), "IDR"),
    ("Rp50.000-Rp75.000", None, D(50000), D(75000), "IDR"),
    ("Rp 50.000 – Rp 75.000", None, D(50000), D(75000), "IDR"),
    ("Rp12rb - Rp15rb", None, D(12000), D(15000), "IDR"),
    ("Rp75.000 - Rp50.000", None, D(50000), D(75000), "IDR"),
    ("Rp1,2jt s/d Rp1,5jt", None, D(1200000), D(1500000), "IDR"),
    ("85.000", "IDR", D(85000), D(85000), "IDR"),
    ("12,5rb", "idr", D(12500), D(12500), "IDR"),
    # US dollars and other dollars
    ("$64.95", None, D("64.95"), D("64.95"), "USD"),
    ("$1,299.99", None, D("1299.99"), D("1299.99"), "USD"),
    ("$ 1,299.99", None, D("1299.99"), D("1299.99"), "USD"),
    ("US$ 10", None, D(10), D(10), "USD"),
    ("USD 49.00", None, D("49.00"), D("49.00"), "USD"),
    ("49.00 USD", None, D("49.00"), D("49.00"), "USD"),
    ("$5", None, D(5), D(5), "USD"),
    ("$0.99", None, D("0.99"), D("0.99"), "USD"),
    ("$12,345,678.90", None, D("12345678.90"), D("12345678.90"), "USD"),
    ("$10 - $20", None, D(10), D(20), "USD"),
    ("$10–$20", None, D(10), D(20), "USD"),
    ("$10 to $20", None, D(10), D(20), "USD"),
    ("US$ 10 - 20", None, D(10), D(20), "USD"),
    ("$1.2K", None, D(1200), D(1200), "USD"),
    ("$25", "SGD", D(25), D(25), "SGD"),
    ("S$25.90", None, D("25.90"), D("25.90"), "SGD"),
    ("A$19.95", None, D("19.95"), D("19.95"), "AUD"),
    ("C$ 30", None, D(30), D(30), "CAD"),
    ("64.95", "USD", D("64.95"), D("64.95"), "USD"),
    ("64.95", None, D("64.95"), D("64.95"), None),
    # euro
    ("1.299,00 €", None, D("1299.00"), D("1299.00"), "EUR"),
    ("1.299,00€", None, D("1299.00"), D("1299.00"), "EUR"),
    ("€ 12,50", None, D("12.50"), D("12.50"), "EUR"),
    ("€12,50", None, D("12.50"), D("12.50"), "EUR"),
    ("€12.50", None, D("12.50"), D("12.50"), "EUR"),
    (f"1{NNBSP}299,00{NNBSP}€", None, D("1299.00"), D("1299.00"), "EUR"),
    (f"1{NNBSP}299,00 €", None, D("1299.00"), D("1299.00"), "EUR"),
    (f"1{NBSP}299,00{NBSP}€", None, D("1299.00"), D("1299.00"), "EUR"),
    (f"12{NBSP}€", None, D(12), D(12), "EUR"),
    ("EUR 15,99", None, D("15.99"), D("15.99"), "EUR"),
    ("15,99 EUR", None, D("15.99"), D("15.99"), "EUR"),
    ("0,99 €", None, D("0.99"), D("0.99"), "EUR"),
    ("12,50", "EUR", D("12.50"), D("12.50"), "EUR"),
    ("10 € - 20 €", None, D(10), D(20), "EUR"),
    # pound sterling
    ("£1,050", None, D(1050), D(1050), "GBP"),
    ("£1,050.50", None, D("1050.50"), D("1050.50"), "GBP"),
    ("£9.99", None, D("9.99"), D("9.99"), "GBP"),
    ("99p", None, D("0.99"), D("0.99"), "GBP"),
    ("50p", None, D("0.50"), D("0.50"), "GBP"),
    ("5 p", None, D("0.05"), D("0.05"), "GBP"),
    ("GBP 20", None, D(20), D(20), "GBP"),
    # yen and other currencies without a minor unit
    ("¥1,200", None, D(1200), D(1200), "JPY"),
    ("¥1.200", None, D(1200), D(1200), "JPY"),
    ("1,280円", None, D(1280), D(1280), "JPY"),
    ("1280円", None, D(1280), D(1280), "JPY"),
    ("￥１２３０", None, D(1230), D(1230), "JPY"),
    ("１，２８０円", None, D(1280), D(1280), "JPY"),
    ("JPY 3,000", None, D(3000), D(3000), "JPY"),
    ("¥88", "CNY", D(88), D(88), "CNY"),
    ("₩12,000", None, D(12000), D(12000), "KRW"),
    ("150.000₫", None, D(150000), D(150000), "VND"),
    ("１２３０", "JPY", D(1230), D(1230), "JPY"),
    # other Asian marketplaces
    ("RM 29.90", None, D("29.90"), D("29.90"), "MYR"),
    ("RM29", None, D(29), D(29), "MYR"),
    ("₱1,299", None, D(1299), D(1299), "PHP"),
    ("฿350", None, D(350), D(350), "THB"),
    ("₹499", None, D(499), D(499), "INR"),
    # free
    ("Free", None, D(0), D(0), None),
    ("FREE", None, D(0), D(0), None),
    ("Gratis", None, D(0), D(0), None),
    (" gratis ", None, D(0), D(0), None),
]

UNREADABLE_PRICES = [
    "", "   ", None, "Rp", "$", "€", "—", "call for price", "Harga tidak tersedia", "N/A", "-", "...",
    "35%", "-35%", "-5.00", "Rp-", 12.5, ["Rp1.000"], "Sold out",
]


@pytest.mark.parametrize(("text", "hint", "amount", "amount_max", "currency"), PRICES, ids=[repr(p[0]) for p in PRICES])
def test_parse_price(text, hint, amount, amount_max, currency):
    parsed = parse_price(text, currency_hint=hint)
    assert (parsed.amount, parsed.amount_max, parsed.currency, parsed.reason) == (amount, amount_max, currency, None)


@pytest.mark.parametrize("text", UNREADABLE_PRICES, ids=repr)
def test_unreadable_price_is_none_with_a_reason(text):
    parsed = parse_price(text)
    assert parsed.amount is None and parsed.amount_max is None
    assert parsed.reason


COUNTS = [
    ("10rb+ terjual", 10000), ("1,2jt terjual", 1200000), ("2,5RB", 2500), ("250+ sold", 250), ("1.2K", 1200),
    ("5 terjual", 5), ("250+ terjual", 250), ("10RB+ terjual", 10000), ("1.234 terjual", 1234), ("12,345 sold", 12345),
    ("Terjual 100+", 100), ("100 rb+ terjual", 100000), ("3jt+", 3000000), ("1.5M sold", 1500000), ("999", 999),
    ("2,5 ribu terjual", 2500), ("(1.2K reviews)", 1200), ("０５ terjual", 5), ("terjual/bln", None), ("", None),
    (None, None), ("sold out", None), ("New", None),
]


@pytest.mark.parametrize(("text", "expected"), COUNTS, ids=[repr(c[0]) for c in COUNTS])
def test_parse_count(text, expected):
    assert parse_count(text) == expected


RATINGS = [
    ("4.9", D("4.9")), ("4,8", D("4.8")), ("4.8/5", D("4.8")), ("4,8 / 5", D("4.8")), ("5", D(5)), ("0", D(0)),
    ("9/10", D("4.50")), ("★ 4.7", D("4.7")), ("4.7 (1,2rb ulasan)", D("4.7")), ("6", None), ("abc", None),
    ("", None), (None, None), (4.5, D("4.5")), ("4.9/0", None),
]


@pytest.mark.parametrize(("text", "expected"), RATINGS, ids=[repr(r[0]) for r in RATINGS])
def test_parse_rating(text, expected):
    assert parse_rating(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://ta.tokopedia.com/promo/v1/clicks/8a?r=https%3A%2F%2Fwww.tokopedia.com%2Fshop%2Fitem%3FextParam%3Dx%26whid%3D1&t=d",
         "https://www.tokopedia.com/shop/item"),
        ("https://shopee.co.id/Serum-Vit-C-i.123.456?sp_atk=abc&xptdk=def", "https://shopee.co.id/Serum-Vit-C-i.123.456"),
        ("https://click.example.com/?url=https://Shop.Example.com/p?utm_source=x", "https://shop.example.com/p"),
        ("https://www.tokopedia.com/shop/item?extParam=ivf%3Dfalse&src=topads&trkid=f%3DCa0000L000P0W0S0Sh%2CCo0Po0Fr0Cb0",
         "https://www.tokopedia.com/shop/item"),
    ],
)
def test_normalize_url_unwraps_ads_and_strips_marketplace_tracking(url, expected):
    assert normalize_url(url) == expected


def test_unwrap_redirect_leaves_ordinary_urls_alone():
    assert unwrap_redirect("https://shop.example.com/p?variant=1") == "https://shop.example.com/p?variant=1"


def test_case_table_is_at_least_a_hundred_cases():
    assert len(PRICES) + len(UNREADABLE_PRICES) + len(COUNTS) + len(RATINGS) >= 100


@settings(max_examples=500)
@given(st.one_of(st.text(), st.none(), st.integers(), st.floats(), st.binary()),
       st.one_of(st.none(), st.sampled_from(["IDR", "USD", "eur", "JPY", "xx", ""])))
def test_parse_price_never_raises_and_never_invents_a_zero(text, hint):
    parsed = parse_price(text, currency_hint=hint)
    if parsed.amount is None:
        assert parsed.reason and parsed.amount_max is None
    else:
        assert parsed.amount <= parsed.amount_max
        if parsed.amount == 0:
            assert isinstance(text, str) and text.strip().lower() in {"free", "gratis", "gratuit", "kostenlos", "gratuito"} \
                or any(ch.isdigit() for ch in text)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("0123456789.,+ rbjtkKMRp€$£¥円-–/%terjualsold\u202f\u00a0")))
def test_marketplace_like_strings_never_raise(text):
    parse_price(text)
    parse_count(text)
    parse_rating(text)


@settings(max_examples=300)
@given(st.text())
def test_counts_and_ratings_never_raise(text):
    count = parse_count(text)
    rating = parse_rating(text)
    assert count is None or count >= 0
    assert rating is None or 0 <= rating <= 5
