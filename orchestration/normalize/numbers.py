"""Strict decimal parsing for machine-formatted amounts (API payloads, not display strings)."""

from __future__ import annotations

import re
from decimal import Decimal

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
        text = value.strip()
        if _PLAIN_DECIMAL.match(text):
            return Decimal(text)
    return None
