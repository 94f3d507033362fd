"""Brand from free text, for listings that carry no brand field. Pure.

A brand is only ever taken from the configured dictionary, matched as a whole word in the
title first and then in the shop name ("Lumiere Official Store"). No match stays None: a
guessed brand would silently corrupt brand share.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, so "LUMIÈRE" matches the alias "lumiere"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


class BrandDictionary:
    """Canonical brand names and their aliases (the canonical name is always an alias too)."""

    def __init__(self, brands: Mapping[str, Iterable[str]]):
        aliases: dict[str, str] = {}
        for canonical, names in brands.items():
            for name in (canonical, *names):
                folded = " ".join(_fold(name).split())
                if folded:
                    aliases.setdefault(folded, canonical)
        self._aliases = aliases
        # Longest alias first, so "Verdant Skin" wins over "Verdant" at the same position.
        alternation = "|".join(re.escape(alias).replace(r"\ ", r"\s+") for alias in sorted(aliases, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<!\w)({alternation})(?!\w)") if aliases else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def find(self, text: str | None) -> str | None:
        """The canonical brand of the earliest alias in ``text``, or None."""
        if not text or self._pattern is None:
            return None
        match = self._pattern.search(_fold(text))
        if match is None:
            return None
        return self._aliases[" ".join(match.group(1).split())]

    def match(self, title: str | None, shop_name: str | None = None) -> str | None:
        """The brand named in the title, else in the shop name, else None."""
        return self.find(title) or self.find(shop_name)
