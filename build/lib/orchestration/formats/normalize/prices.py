"""Display strings -> numbers: prices, sold/review counts, ratings. Pure; never raises.

``price-parser`` does the general work (finding the number, telling thousands from decimal
separators, spotting the currency symbol). We override it where marketplaces need more:
Indonesian compact amounts (``12,5rb``, ``1,2jt``: price-parser reads 12.5 and 1.2), pence
(``99p``), ranges (it keeps only the low end), ISO codes for symbols, currencies without a minor
unit (JPY, KRW, VND, where ``1.200`` is twelve hundred) and "Free"/"Gratis".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from price_parser import Price

FREE_WORDS = frozenset({"free", "gratis", "gratuit", "kostenlos", "gratuito"})
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND"})
DOLLAR_CURRENCIES = frozenset({"USD", "SGD", "AUD", "CAD", "NZD", "HKD", "TWD", "MXN"})
YEN_CURRENCIES = frozenset({"JPY", "CNY"})
SYMBOL_CURRENCIES = {
    "rp": "IDR", "idr": "IDR", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP",
    "gbp": "GBP", "円": "JPY", "jpy": "JPY", "s$": "SGD", "sgd": "SGD", "rm": "MYR", "myr": "MYR",
    "₫": "VND", "vnd": "VND", "₱": "PHP", "php": "PHP", "฿": "THB", "thb": "THB", "a$": "AUD",
    "aud": "AUD", "c$": "CAD", "cad": "CAD", "chf": "CHF", "₩": "KRW", "krw": "KRW", "cny": "CNY",
    "rmb": "CNY", "₹": "INR", "inr": "INR",
}
# Compact multipliers: Indonesian "rb"/"ribu" (thousand) and "jt"/"juta" (million), English k/m.
_COMPACT = {"rb": 1_000, "ribu": 1_000, "k": 1_000, "jt": 1_000_000, "juta": 1_000_000, "m": 1_000_000,
            "mln": 1_000_000}
_COMPACT_AMOUNT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(ribu|rb|juta|jt|mln|k|m)(?![a-z])", re.IGNORECASE)
_PENCE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*p$", re.IGNORECASE)
_RANGE = re.compile(r"^(.*\d.*?)\s*(?:-|–|—|~|\bto\b|s/d|s\.d\.)\s*(.*\d.*)$", re.IGNORECASE)
_TRAILING_DASH = re.compile(r"[,.]-+$")
_NUMBER_RUN = re.compile(r"\d[\d.,\s]*")


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
    if key == "$":
        return hint if hint in DOLLAR_CURRENCIES else "USD"
    if key == "¥":
        return hint if hint in YEN_CURRENCIES else "JPY"
    if re.fullmatch(r"[a-z]{3}", key):
        return key.upper()
    return hint


def _detect_currency(text: str, hint: str | None) -> str | None:
    lowered = text.lower()
    for symbol in sorted(SYMBOL_CURRENCIES, key=len, reverse=True):
        if symbol in lowered and (not symbol.isalpha() or re.search(rf"(?<![a-z]){re.escape(symbol)}(?![a-z])", lowered)):
            return SYMBOL_CURRENCIES[symbol]
    if "$" in text:
        return _currency_from_symbol("$", hint)
    if "¥" in text:
        return _currency_from_symbol("¥", hint)
    return hint


def _decimal(number: str) -> Decimal | None:
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _integral_if_whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _parse_single(text: str, hint: str | None) -> tuple[Decimal | None, str | None, str | None]:
    """(amount, currency, reason) for one price without a range."""
    if pence := _PENCE.match(text):
        amount = _decimal(pence.group(1).replace(",", "."))
        return (None if amount is None else amount / 100), "GBP", None
    currency = _detect_currency(text, hint)
    if compact := _COMPACT_AMOUNT.search(text):
        number, unit = compact.groups()
        # With a multiplier, a single separator is always the decimal one: 12,5rb, 1.5jt.
        amount = _decimal(number.replace(",", "."))
        if amount is None:
            return None, currency, f"unreadable amount {number!r}"
        return _integral_if_whole(amount * _COMPACT[unit.lower()]), currency, None
    if currency in ZERO_DECIMAL_CURRENCIES:
        run = _NUMBER_RUN.search(text)
        if not run:
            return None, currency, f"no amount in {text!r}"
        return _decimal(re.sub(r"\D", "", run.group())), currency, None
    price = Price.fromstring(text)
    if price.amount is None:
        return None, currency, f"no amount in {text!r}"
    return price.amount, _currency_from_symbol(price.currency, hint) or currency, None


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
    if cleaned.lower() in FREE_WORDS:
        return ParsedPrice(Decimal(0), Decimal(0), None)
    if not any(character.isdigit() for character in cleaned):
        return _unreadable(f"no digits in {text!r}")
    if "%" in cleaned:
        return _unreadable(f"{text!r} is a percentage (a discount badge), not a price")
    if re.match(r"^-\s*[^\d\s]*\s*\d", cleaned):
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
