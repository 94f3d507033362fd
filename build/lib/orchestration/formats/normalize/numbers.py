"""Strict decimal parsing for machine-formatted amounts (API payloads, not display strings)."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

_PLAIN_DECIMAL = re.compile(r"^-?\d{1,15}(\.\d{1,6})?$")


def parse_api_decimal(value: object) -> Decimal | None:
    """A decimal from an API amount such as ``"64.95"`` or ``64.95``.

    Returns None for null, empty or unreadable input so the caller decides whether that is a
    missing value or a broken record. Never returns 0 for garbage.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        return _parse_decimal_text(value)
    return None


@lru_cache(maxsize=65_536)
def _parse_decimal_text(value: str) -> Decimal | None:
    # Catalogues repeat the same price strings thousands of times; Decimal is immutable, so
    # sharing one parsed value is safe and saves most of the per-variant cost.
    text = value.strip()
    return Decimal(text) if _PLAIN_DECIMAL.match(text) else None
