"""Display strings -> numbers: prices, sold/review counts, ratings. Pure; never raises.

``price-parser`` does the general work (finding the number, telling thousands from decimal
separators, spotting the currency symbol). Our overrides are narrow, because each one must never
make a string the library reads right wrong (tested over a corpus of real-world shapes):

- compact amounts (``12,5rb``, ``1,2jt``, ``15k``) only where the suffix is a multiplier: right
  after the number, and never the start of a currency (``299 Kč``, ``423.923 KD``, ``199 kr``);
- pence (``99p``) and ranges (the library keeps only the low end);
- ISO codes for symbols, including the prefixed dollars (``CA$`` is CAD, ``NZ$`` NZD, ``R$`` BRL);
- currencies without a minor unit (JPY, KRW, VND: ``1.200`` is twelve hundred) and with three
  decimals (KWD, BHD, OMR, JOD, TND: ``423.923 KD``); Swiss apostrophe grouping (``1'049,95``);
- a discount badge or a VAT note beside the price is ignored; "Free" in any case gives 0;
- what cannot be read without guessing is refused with a reason: scientific notation, two prices
  run together, letters glued to the number, a percentage alone, a negative amount.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from price_parser import Price

FREE_WORDS = frozenset({"free", "gratis", "gratuit", "kostenlos", "gratuito", "grátis", "gratuite"})
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND"})
THREE_DECIMAL_CURRENCIES = frozenset({"KWD", "BHD", "OMR", "JOD", "TND", "LYD", "IQD"})
DOLLAR_CURRENCIES = frozenset({"USD", "SGD", "AUD", "CAD", "NZD", "HKD", "TWD", "MXN"})
YEN_CURRENCIES = frozenset({"JPY", "CNY"})
KRONA_CURRENCIES = frozenset({"SEK", "NOK", "DKK", "ISK"})
RUPEE_CURRENCIES = frozenset({"INR", "PKR", "LKR", "NPR"})
SYMBOL_CURRENCIES = {
    "rp": "IDR", "idr": "IDR", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP",
    "gbp": "GBP", "円": "JPY", "jpy": "JPY", "s$": "SGD", "sg$": "SGD", "sgd": "SGD", "rm": "MYR", "myr": "MYR",
    "₫": "VND", "đ": "VND", "vnd": "VND", "₱": "PHP", "php": "PHP", "฿": "THB", "thb": "THB", "a$": "AUD",
    "au$": "AUD", "aud": "AUD", "c$": "CAD", "ca$": "CAD", "cad": "CAD", "nz$": "NZD", "nzd": "NZD",
    "hk$": "HKD", "hkd": "HKD", "nt$": "TWD", "twd": "TWD", "r$": "BRL", "brl": "BRL", "mx$": "MXN",
    "mxn": "MXN", "chf": "CHF", "₩": "KRW", "krw": "KRW", "cny": "CNY", "rmb": "CNY", "₹": "INR",
    "inr": "INR", "zł": "PLN", "pln": "PLN", "kč": "CZK", "czk": "CZK", "₺": "TRY", "try": "TRY",
    "₪": "ILS", "ils": "ILS", "₦": "NGN", "kd": "KWD", "kwd": "KWD", "bd": "BHD", "bhd": "BHD",
    "omr": "OMR", "jd": "JOD", "jod": "JOD", "tnd": "TND", "ft": "HUF", "huf": "HUF", "lei": "RON",
    "ron": "RON", "₴": "UAH", "₽": "RUB", "руб": "RUB", "р.": "RUB", "원": "KRW", "aed": "AED", "sar": "SAR", "ksh": "KES", "kes": "KES",
}
# Symbols shared by several currencies: the hint decides within the family, else the first.
FAMILY_SYMBOLS = {"kr": ("SEK", KRONA_CURRENCIES), "kr.": ("DKK", KRONA_CURRENCIES),
                  "rs": ("INR", RUPEE_CURRENCIES), "rs.": ("INR", RUPEE_CURRENCIES)}
# Compact multipliers: Indonesian "rb"/"ribu" (thousand) and "jt"/"juta" (million), English k/m.
_COMPACT = {"rb": 1_000, "ribu": 1_000, "k": 1_000, "jt": 1_000_000, "juta": 1_000_000, "m": 1_000_000,
            "mln": 1_000_000}
_LETTER = r"[^\W\d_]"  # a letter of any script (č, ł and đ included)
# Indonesian words may follow a space ("12,5 rb"); k/m/mln must touch the number ("15k"), and no
# suffix may run on into a letter, so "299 Kč", "423.923 KD" and "199 kr" are not thousands.
_COMPACT_AMOUNT = re.compile(
    rf"(?<![\d.,])(\d+(?:[.,]\d+)?)(?:\s?(ribu|rb|juta|jt)|(mln|k|m))(?!{_LETTER})", re.IGNORECASE)
_PENCE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*p$", re.IGNORECASE)
_RANGE = re.compile(r"^(.*\d.*?)\s*(?:-|–|—|~|\bto\b|s/d|s\.d\.)\s*(.*\d.*)$", re.IGNORECASE)
_TRAILING_DASH = re.compile(r"[,.]-+$")
_NUMBER_RUN = re.compile(r"\d[\d.,\s]*")
_APOSTROPHE_GROUP = re.compile(r"(?<=\d)['’ʼ](?=\d{3})")
_LEADING_DASH = re.compile(r"^[-–—]\s+(?=\S)")  # "- $44.99": a list dash, not a minus sign
_PERCENTAGE = re.compile(r"\(?\s*[-−–]?\s*\d+(?:[.,]\d+)?\s*%\s*(?:off|diskon)?\s*\)?", re.IGNORECASE)
_VAT_NOTE = re.compile(r"(?:\b(?:inc|incl|including|exc|excl|excluding|ex|plus)\.?|\+)\s*(?:vat|tax|gst|ppn)\b.*$",
                       re.IGNORECASE)
_SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")
_MONEY_SIGN = r"(?:[$€£¥₹₩₱฿₫₺₪₦₴₽]|rp|rm)"
# Two signed amounts glued together ("$12.99$15.99", "12,99€15,99€"): a sale price run into its
# strike-through. Spaced apart ("$ 281.40 $ 265.70") the first is the price; "35€99" is one price.
_RUN_TOGETHER = re.compile(rf"{_MONEY_SIGN}\s*\d[\d.,]*{_MONEY_SIGN}\s*\d|\d[\d.,]*{_MONEY_SIGN}\d[\d.,]*\s*{_MONEY_SIGN}",
                           re.IGNORECASE)
# Latin letters glued to the amount that are no currency or multiplier ("12.99abc"); words in
# other scripts glued to a number are currencies (원, руб, 元, zł) and left to price-parser.
_GLUED_LETTERS = re.compile(rf"\d([A-Za-z]+\.?)(?!{_LETTER})")
_SHIPPING = re.compile(r"\b(?:shipping|delivery|ongkir|ongkos kirim|pengiriman|postage)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedPrice:
    """``amount`` is the low end of a range, ``amount_max`` the high end (else equal)."""

    amount: Decimal | None
    amount_max: Decimal | None
    currency: str | None
    reason: str | None = None


def _unreadable(reason: str) -> ParsedPrice:
    return ParsedPrice(None, None, None, reason)


def _clean(text: str) -> str:
    # NFKC turns full-width digits into ASCII and no-break / narrow no-break spaces into spaces.
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _currency_from_symbol(symbol: str | None, hint: str | None) -> str | None:
    if not symbol:
        return hint
    key = symbol.strip().lower()
    if key in SYMBOL_CURRENCIES:
        return SYMBOL_CURRENCIES[key]
    if key in FAMILY_SYMBOLS:
        default, family = FAMILY_SYMBOLS[key]
        return hint if hint in family else default
    if key == "$":
        return hint if hint in DOLLAR_CURRENCIES else "USD"
    if key == "¥":
        return hint if hint in YEN_CURRENCIES else "JPY"
    if re.fullmatch(r"[a-z]{3}", key):
        return key.upper()
    return hint


_SYMBOLS_LONGEST_FIRST = sorted([*SYMBOL_CURRENCIES, *FAMILY_SYMBOLS], key=len, reverse=True)


def _symbol_pattern(symbol: str) -> re.Pattern:
    before = f"(?<!{_LETTER})" if symbol[0].isalpha() else ""
    after = f"(?!{_LETTER})" if symbol[-1].isalpha() else ""
    return re.compile(before + re.escape(symbol) + after)


_SYMBOL_PATTERNS = [(symbol, _symbol_pattern(symbol)) for symbol in _SYMBOLS_LONGEST_FIRST]
_KNOWN_SUFFIXES = frozenset({*SYMBOL_CURRENCIES, *FAMILY_SYMBOLS, *_COMPACT, "p"})


def _detect_currency(text: str, hint: str | None) -> str | None:
    """The currency of the first symbol or code in ``text`` (longest symbols first; ``hint`` picks
    within a family such as ``$`` or ``kr``), else None."""
    lowered = text.lower()
    for symbol, pattern in _SYMBOL_PATTERNS:
        if symbol in lowered and pattern.search(lowered):
            return _currency_from_symbol(symbol, hint)
    if "$" in text:
        return _currency_from_symbol("$", hint)
    if "¥" in text:
        return _currency_from_symbol("¥", hint)
    return None


def _decimal(number: str) -> Decimal | None:
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _integral_if_whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _three_decimal_amount(text: str) -> Decimal | None:
    """KWD-style amounts: a '.' before exactly three final digits is the decimal point."""
    run = _NUMBER_RUN.search(text)
    if not run:
        return None
    number = run.group().strip().replace(" ", "")
    match = re.fullmatch(r"(\d{1,3}(?:,\d{3})*|\d+)\.(\d{3})", number)
    return _decimal(f"{match.group(1).replace(',', '')}.{match.group(2)}") if match else None


def _parse_single(text: str, hint: str | None) -> tuple[Decimal | None, str | None, str | None]:
    """(amount, currency, reason) for one price without a range."""
    if pence := _PENCE.match(text):
        amount = _decimal(pence.group(1).replace(",", "."))
        return (None if amount is None else amount / 100), "GBP", None
    detected = _detect_currency(text, hint)  # our symbol table first: it knows SG$, CA$, Kč, KD
    currency = detected or hint
    if compact := _COMPACT_AMOUNT.search(text):
        number, words, letters = compact.groups()
        # With a multiplier, a single separator is always the decimal one: 12,5rb, 1.5jt.
        amount = _decimal(number.replace(",", "."))
        if amount is None:
            return None, currency, f"unreadable amount {number!r}"
        return _integral_if_whole(amount * _COMPACT[(words or letters).lower()]), currency, None
    if glued := [word for word in _GLUED_LETTERS.findall(text) if word.lower() not in _KNOWN_SUFFIXES]:
        return None, currency, f"letters {glued[0]!r} run into the amount in {text!r}; not guessing"
    if currency in ZERO_DECIMAL_CURRENCIES:
        run = _NUMBER_RUN.search(text)
        if not run:
            return None, currency, f"no amount in {text!r}"
        return _decimal(re.sub(r"\D", "", run.group())), currency, None
    if currency in THREE_DECIMAL_CURRENCIES and (amount := _three_decimal_amount(text)) is not None:
        return amount, currency, None
    price = Price.fromstring(text)
    if price.amount is None:
        return None, currency, f"no amount in {text!r}"
    return price.amount, detected or _currency_from_symbol(price.currency, hint) or currency, None


def parse_price(text: object, currency_hint: str | None = None) -> ParsedPrice:
    """Read a displayed price. Unreadable input gives ``amount=None`` with a reason, never 0."""
    try:
        return _parse_price(text, currency_hint.upper() if isinstance(currency_hint, str) else None)
    except Exception as error:  # the contract is "never raises": a parser bug must not kill a partition
        return _unreadable(f"unreadable price {text!r}: {type(error).__name__}")


def _parse_price(text: object, hint: str | None) -> ParsedPrice:
    if not isinstance(text, str):
        return _unreadable(f"expected text, got {type(text).__name__}")
    cleaned = _TRAILING_DASH.sub("", _clean(text))
    if not cleaned:
        return _unreadable("blank price")
    words = cleaned.lower().strip(" !.*:")
    if words in FREE_WORDS:
        return ParsedPrice(Decimal(0), Decimal(0), None)
    if _SHIPPING.search(cleaned) and not any(character.isdigit() for character in cleaned):
        return _unreadable(f"{text!r} is about shipping, not the item's price")
    cleaned = _LEADING_DASH.sub("", cleaned)
    cleaned = _APOSTROPHE_GROUP.sub("", cleaned)
    cleaned = _VAT_NOTE.sub("", cleaned).strip()  # "£10.00 inc VAT £8.33 exc VAT": the first price
    if "%" in cleaned:
        without_badge = " ".join(_PERCENTAGE.sub(" ", cleaned).split())
        if not any(character.isdigit() for character in without_badge):
            return _unreadable(f"{text!r} is a percentage (a discount badge), not a price")
        cleaned = without_badge
    if not any(character.isdigit() for character in cleaned):
        return _unreadable(f"no digits in {text!r}")
    if _SCIENTIFIC.search(cleaned):
        return _unreadable(f"{text!r} is in scientific notation; no shop displays a price so")
    if _RUN_TOGETHER.search(cleaned):
        return _unreadable(f"{text!r} holds two prices run together; not guessing which is the price")
    if re.match(r"^[-−]\s*[^\d\s]*\s*\d", cleaned):
        return _unreadable(f"{text!r} is negative; a displayed price never is")
    if (span := _RANGE.match(cleaned)) and not cleaned.startswith("-"):
        low, low_currency, low_reason = _parse_single(span.group(1), hint)
        high, high_currency, high_reason = _parse_single(span.group(2), hint)
        if low is None or high is None:
            return _unreadable(low_reason or high_reason or f"unreadable range {text!r}")
        currency = low_currency or high_currency
        return ParsedPrice(min(low, high), max(low, high), currency)
    amount, currency, reason = _parse_single(cleaned, hint)
    if amount is None:
        return _unreadable(reason or f"unreadable price {text!r}")
    return ParsedPrice(amount, amount, currency)


_COUNT = re.compile(r"(\d+(?:[.,]\d+)*)\s*(ribu|rb|juta|jt|mln|k|m)?(?![a-z])", re.IGNORECASE)


def parse_count(text: object) -> int | None:
    """Sold or review counts as their lower bound: ``10rb+ terjual`` -> 10000, ``250+ sold`` -> 250."""
    if not isinstance(text, str):
        return None
    match = _COUNT.search(_clean(text))
    if not match:
        return None
    number, unit = match.groups()
    if unit:
        value = _decimal(number.replace(",", "."))
        return None if value is None else int(value * _COMPACT[unit.lower()])
    # No multiplier: separators group thousands (1.234 terjual, 12,345 sold).
    digits = re.sub(r"\D", "", number)
    return int(digits) if digits else None


# "No sales yet" as shops print it: zero sold, not an unreadable count.
_NO_SALES = re.compile(r"\b(?:belum (?:ada )?(?:terjual|penjualan)|no sales(?: yet)?|not sold yet|be the first to buy|"
                       r"0 terjual|0 sold)\b", re.IGNORECASE)
# Counts over a window: ISO 8601 durations, longest phrases first. A count with none is all-time.
_SOLD_PERIODS = [
    (re.compile(r"\b(?:hari ini|today)\b|(?:dalam |in (?:the )?(?:last|past) )?24\s*(?:jam|hours?)\b", re.IGNORECASE),
     "P1D"),
    (re.compile(r"(?:dalam |in (?:the )?(?:last|past) )?(\d+)\s*(?:hari|days?)(?: terakhir)?", re.IGNORECASE), "P{}D"),
    (re.compile(r"(?:dalam |in (?:the )?(?:last|past) )?(\d+)\s*(?:minggu|weeks?)(?: terakhir)?", re.IGNORECASE), "P{}W"),
    (re.compile(r"(?:dalam |in (?:the )?(?:last|past) )?(\d+)\s*(?:bulan|months?)(?: terakhir)?", re.IGNORECASE), "P{}M"),
    (re.compile(r"(?:/\s*|per\s+|se|in (?:the )?(?:last|past)\s+|this\s+)(?:bulan|bln|month|mo)\b", re.IGNORECASE), "P1M"),
    (re.compile(r"(?:/\s*|per\s+|se|in (?:the )?(?:last|past)\s+|this\s+)(?:minggu|week|wk)\b", re.IGNORECASE), "P1W"),
    (re.compile(r"(?:/\s*|per\s+|se|in (?:the )?(?:last|past)\s+)(?:hari|day)\b", re.IGNORECASE), "P1D"),
]


@dataclass(frozen=True)
class SoldCount:
    """Units sold as printed: ``count`` a lower bound, ``period`` the window it covers as an ISO 8601
    duration (``P30D``, ``P1M``), or None for all-time counts."""

    count: int | None
    period: str | None


def parse_sold(text: object) -> SoldCount:
    """``10rb+ terjual`` -> 10000 all-time; ``Terjual 250+ dalam 30 hari`` -> 250 over P30D;
    ``1K+ bought in past month`` -> 1000 over P1M; ``Belum ada penjualan`` -> 0."""
    if not isinstance(text, str):
        return SoldCount(None, None)
    cleaned = _clean(text)
    period = None
    for pattern, template in _SOLD_PERIODS:
        if match := pattern.search(cleaned):
            period = template.format(*match.groups())
            cleaned = (cleaned[:match.start()] + " " + cleaned[match.end():]).strip()
            break
    if _NO_SALES.search(cleaned) and not re.search(r"[1-9]", cleaned):
        return SoldCount(0, period)
    return SoldCount(parse_count(cleaned), period)


_RATING = re.compile(r"(\d+(?:[.,]\d+)?)(?:\s*/\s*(\d+(?:[.,]\d+)?))?")


def parse_rating(text: object, scale: int = 5) -> Decimal | None:
    """A rating on a 0..scale scale: ``4.9``, ``4,8``, ``4.8/5``; None when unreadable or out of range."""
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        return None
    match = _RATING.search(_clean(text))
    if not match:
        return None
    value = _decimal(match.group(1).replace(",", "."))
    out_of = _decimal(match.group(2).replace(",", ".")) if match.group(2) else Decimal(scale)
    if value is None or out_of is None or out_of <= 0 or value > out_of:
        return None
    return value if out_of == scale else (value * scale / out_of).quantize(Decimal("0.01"))
