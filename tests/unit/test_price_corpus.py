"""parse_price against price-parser alone, over a corpus of real-world price shapes.

The strings are our own, written in the shapes that shops and marketplaces publish (Shopee,
Tokopedia, Lazada, Shopify themes, European, Gulf and Swiss shops; see the ISO 4217 minor units
and each market's conventions). ``None`` as the amount means the string must be refused with a
reason. The properties: every override keeps what price-parser reads right, parse_price is right
on at least as many strings, and no amount it gives is 10 times off or more.
"""

from decimal import Decimal

import pytest
from price_parser import Price

from orchestration.formats.normalize import parse_price

# (text, currency hint, expected amount, expected currency)
COMPACT_AND_CURRENCY_LETTERS = [
    ("Rp 12,5rb", None, "12500", "IDR"), ("Rp12rb", None, "12000", "IDR"), ("Rp 1,2jt", None, "1200000", "IDR"),
    ("Rp 1.5jt", None, "1500000", "IDR"), ("Rp 2 juta", None, "2000000", "IDR"), ("Rp 350 ribu", None, "350000", "IDR"),
    ("12,5 rb", "IDR", "12500", "IDR"), ("Rp 15k", None, "15000", "IDR"), ("15K", "IDR", "15000", "IDR"),
    ("$1.2k", None, "1200", "USD"), ("$2.5M", None, "2500000", "USD"), ("Rp 1,5 jt", None, "1500000", "IDR"),
    ("299 Kč", None, "299", "CZK"), ("1 099 Kč", None, "1099", "CZK"), ("12 990 Kč", None, "12990", "CZK"),
    ("299,90 Kč", None, "299.90", "CZK"), ("1 299,00 Kč", None, "1299.00", "CZK"), ("Kč 499", None, "499", "CZK"),
    ("199 kr", None, "199", "SEK"), ("1 495 kr", "NOK", "1495", "NOK"), ("249,00 kr", "DKK", "249.00", "DKK"),
    ("kr 99", None, "99", "SEK"), ("KSh 1,500", None, "1500", "KES"), ("KSh 250", None, "250", "KES"),
    ("KD 12.500", None, "12.500", "KWD"), ("423.923 KD", None, "423.923", "KWD"), ("2.750 KD", None, "2.750", "KWD"),
    ("12 zł", None, "12", "PLN"), ("1 299 zł", None, "1299", "PLN"), ("49,99 zł", None, "49.99", "PLN"),
    ("1 299 Ft", None, "1299", "HUF"), ("12 990 Ft", None, "12990", "HUF"), ("99 lei", None, "99", "RON"),
    ("149,99 lei", None, "149.99", "RON"), ("Rp 12.000", None, "12000", "IDR"), ("Rp 1.250.000", None, "1250000", "IDR"),
]
PREFIXED_DOLLARS = [
    ("CA$ 12.99", None, "12.99", "CAD"), ("CA$12.99", None, "12.99", "CAD"), ("C$ 24.50", None, "24.50", "CAD"),
    ("A$ 19.95", None, "19.95", "AUD"), ("A$5", None, "5", "AUD"), ("AU$ 49.00", None, "49.00", "AUD"),
    ("NZ$ 10.00", None, "10.00", "NZD"), ("NZ$1,299.00", None, "1299.00", "NZD"), ("HK$ 88", None, "88", "HKD"),
    ("HK$1,280.00", None, "1280.00", "HKD"), ("S$ 9.90", None, "9.90", "SGD"), ("SG$ 15.00", None, "15.00", "SGD"),
    ("US$ 12", None, "12", "USD"), ("US$1,499.99", None, "1499.99", "USD"), ("R$ 1.299,90", None, "1299.90", "BRL"),
    ("R$ 49,90", None, "49.90", "BRL"), ("MX$ 250", None, "250", "MXN"), ("MX$1,599.00", None, "1599.00", "MXN"),
    ("NT$ 1,200", None, "1200", "TWD"), ("NT$390", None, "390", "TWD"), ("$12.99", None, "12.99", "USD"),
    ("$12.99", "CAD", "12.99", "CAD"), ("$ 1,099.00", "AUD", "1099.00", "AUD"), ("12.99 CAD", None, "12.99", "CAD"),
    ("AUD 39.95", None, "39.95", "AUD"), ("29.99 USD", None, "29.99", "USD"), ("USD 1,250.00", None, "1250.00", "USD"),
    ("From $12.99", None, "12.99", "USD"), ("Now $7.50", None, "7.50", "USD"), ("Sale price$19.00", None, "19.00", "USD"),
]
SYMBOLS_AND_WORDS = [
    ("RM 12.90", None, "12.90", "MYR"), ("RM1,299.00", None, "1299.00", "MYR"), ("₱1,299.00", None, "1299.00", "PHP"),
    ("₱ 499", None, "499", "PHP"), ("₫ 150.000", None, "150000", "VND"), ("150.000₫", None, "150000", "VND"),
    ("3.000.000đ", None, "3000000", "VND"), ("฿ 1,290", None, "1290", "THB"), ("฿590", None, "590", "THB"),
    ("₩ 12,000", None, "12000", "KRW"), ("₩12,000", None, "12000", "KRW"), ("₹ 1,299", None, "1299", "INR"),
    ("₹499.00", None, "499.00", "INR"), ("Rs. 499", None, "499", "INR"), ("Rs 1,299", "PKR", "1299", "PKR"),
    ("CHF 49.90", None, "49.90", "CHF"), ("CHF 12.-", None, "12", "CHF"), ("€ 2.999,00", None, "2999.00", "EUR"),
    ("2,99 €", None, "2.99", "EUR"), ("1.299,- €", None, "1299", "EUR"), ("€19,99 inkl. MwSt.", None, "19.99", "EUR"),
    ("₺ 1.299,90", None, "1299.90", "TRY"), ("₪ 49.90", None, "49.90", "ILS"), ("₦ 5,000", None, "5000", "NGN"),
    ("¥1,280", None, "1280", "JPY"), ("1,280円", None, "1280", "JPY"), ("¥ 99", "CNY", "99", "CNY"),
    ("£12.50", None, "12.50", "GBP"), ("99p", None, "0.99", "GBP"), ("IDR 125.000", None, "125000", "IDR"),
]
FREE_AND_NOT_A_PRICE = [
    ("Free", None, "0", None), ("FREE", None, "0", None), ("Free!", None, "0", None), ("free.", None, "0", None),
    ("Gratis", None, "0", None), ("GRATIS!", None, "0", None), ("gratis", None, "0", None),
    ("Kostenlos", None, "0", None), ("Gratuit", None, "0", None), ("Grátis", None, "0", None),
    ("*FREE*", None, "0", None), ("Free:", None, "0", None),
    ("free shipping", None, None, None), ("Free Shipping", None, None, None), ("gratis ongkir", None, None, None),
    ("Gratis Ongkir", None, None, None), ("FREE DELIVERY", None, None, None), ("free postage", None, None, None),
    ("Sold out", None, None, None), ("Habis", None, None, None), ("Call for price", None, None, None),
    ("Hubungi penjual", None, None, None), ("-", None, None, None), ("N/A", None, None, None), ("TBA", None, None, None),
    ("See price in cart", None, None, None), ("Harga belum tersedia", None, None, None),
    ("Price on request", None, None, None), ("Coming soon", None, None, None), ("", None, None, None),
]
REFUSED_NOT_GUESSED = [
    ("1e12", None, None, None), ("1E+3", None, None, None), ("2.5e3", "USD", None, None), ("$1e6", None, None, None),
    ("$12.99$15.99", None, None, None), ("Rp12.000Rp15.000", None, None, None), ("€10€12", None, None, None),
    ("$12.99,$15.99", None, None, None), ("£8.99£12.99", None, None, None), ("RM12.90RM15.90", None, None, None),
    ("12.99abc", None, None, None), ("12.99xyz", "USD", None, None), ("49.99each", None, None, None),
    ("-$5", None, None, None), ("-5.00", None, None, None), ("−12,00 €", None, None, None), ("-Rp 15.000", None, None, None),
    ("-50%", None, None, None), ("20%", None, None, None), ("(-15%)", None, None, None), ("50% OFF", None, None, None),
    ("Diskon 30%", None, None, None), ("-25% diskon", None, None, None), ("Save 10%", None, None, None),
    ("12.5%", None, None, None), ("3x", None, None, None), ("2pcs", None, None, None), ("100ml", None, None, None),
    ("12.99usdx", None, None, None), ("5stars", None, None, None),
]
BESIDE_THE_PRICE = [
    ("129,00 € (-15%)", None, "129.00", "EUR"), ("$49.99 (20% off)", None, "49.99", "USD"),
    ("Rp 89.000 -25%", None, "89000", "IDR"), ("-30% Rp 70.000", None, "70000", "IDR"),
    ("£10.00 inc VAT £8.33 exc VAT", None, "10.00", "GBP"), ("£24.99 inc. VAT", None, "24.99", "GBP"),
    ("$19.99 + tax", None, "19.99", "USD"), ("€49,00 incl. VAT", None, "49.00", "EUR"),
    ("£120.00 ex VAT", None, "120.00", "GBP"), ("Rp 150.000 incl. PPN", None, "150000", "IDR"),
    ("- $44.99", None, "44.99", "USD"), ("– €12.00", None, "12.00", "EUR"), ("- Rp 15.000", None, "15000", "IDR"),
    ("— £5", None, "5", "GBP"), ("CHF 1'049,95", None, "1049.95", "CHF"), ("CHF 2’499.00", None, "2499.00", "CHF"),
    ("1'299.00 CHF", None, "1299.00", "CHF"), ("CHF 12'500", None, "12500", "CHF"), ("KD 1.250", None, "1.250", "KWD"),
    ("12.500 KWD", None, "12.500", "KWD"), ("BD 4.500", None, "4.500", "BHD"), ("OMR 12.750", None, "12.750", "OMR"),
    ("JD 15.000", None, "15.000", "JOD"), ("123,456.789 OMR", None, "123456.789", "OMR"),
    ("KWD 1,234.500", None, "1234.500", "KWD"), ("19.990 TND", None, "19.990", "TND"),
    ("19.99", "USD", "19.99", "USD"), ("1299", "IDR", "1299", "IDR"), ("0.50", "EUR", "0.50", "EUR"),
    ("Rp 12.000 - Rp 15.000", None, "12000", "IDR"), ("$ 281.40 $ 265.70", None, "281.40", "USD"),
    ("469.00zł", None, "469.00", "PLN"), ("12,000원", None, "12000", "KRW"),
]
CLASSES = {
    "compact amounts and currency letters": COMPACT_AND_CURRENCY_LETTERS,
    "prefixed dollars": PREFIXED_DOLLARS,
    "symbols and words": SYMBOLS_AND_WORDS,
    "free and not a price": FREE_AND_NOT_A_PRICE,
    "refused, not guessed": REFUSED_NOT_GUESSED,
    "notes beside the price, apostrophes, three decimals": BESIDE_THE_PRICE,
}
CORPUS = [case for cases in CLASSES.values() for case in cases]


def expected(amount: str | None) -> Decimal | None:
    return None if amount is None else Decimal(amount)


def test_every_class_has_at_least_thirty_cases():
    assert {name: len(cases) >= 30 for name, cases in CLASSES.items()} == dict.fromkeys(CLASSES, True)


@pytest.mark.parametrize(("text", "hint", "amount", "currency"), CORPUS, ids=[case[0] or "(blank)" for case in CORPUS])
def test_parse_price_reads_the_corpus(text, hint, amount, currency):
    parsed = parse_price(text, currency_hint=hint)
    assert parsed.amount == expected(amount)
    if amount is None:
        assert parsed.reason, "a refusal always says why"
    elif currency is not None:
        assert parsed.currency == currency


def _price_parser_amount(text: str) -> Decimal | None:
    return Price.fromstring(text).amount


def test_overrides_never_break_what_price_parser_reads_right_and_win_overall():
    broken = [text for text, hint, amount, _ in CORPUS
              if _price_parser_amount(text) == expected(amount) and parse_price(text, hint).amount != expected(amount)]
    assert broken == []
    ours = sum(parse_price(text, hint).amount == expected(amount) for text, hint, amount, _ in CORPUS)
    library = sum(_price_parser_amount(text) == expected(amount) for text, _, amount, _ in CORPUS)
    assert ours >= library
    assert ours == len(CORPUS)


def test_no_amount_is_ten_times_off():
    off = []
    for text, hint, amount, _ in CORPUS:
        parsed = parse_price(text, hint).amount
        truth = expected(amount)
        if parsed is not None and truth:
            ratio = parsed / truth
            if not Decimal("0.1") < ratio < 10:
                off.append((text, parsed, truth))
    assert off == []
