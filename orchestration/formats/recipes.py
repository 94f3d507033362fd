"""Selector recipes: how to read one site's listing pages, kept as data (YAML).

A recipe selects by data attributes (``data-testid``, ``data-sqe``) and by reading order, never
by hashed class names, which change with every build of the site. The scraper uses it to know
when a page is ready, is a challenge, or has more to load; staging uses it to cut the stored
HTML into cards, offline, so a recipe fix can be replayed over history.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from orchestration.config import RegexPattern

RECIPES_DIR = Path(__file__).resolve().parent / "recipes"

# Recent desktop Chrome builds on the three big platforms; a context picks the next one.
DEFAULT_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
)
CARD_FIELDS = ("link", "title", "price", "original_price", "discount_badge", "rating", "sold", "shop_name", "shop_city",
               "sponsored", "sold_out")
REQUIRED_FIELDS = ("link", "title", "price")


class RecipeError(ValueError):
    """A recipe file is missing or invalid; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The selector of a field read from the card element itself: a card whose root is the link
# (<a class="card" href=...>) reads `link: {selector: "&", attribute: href}`.
CARD_ITSELF = "&"


class SelectorField(_Strict):
    """A card field read with a CSS selector inside the card (``&``: the card element itself), as its
    text or as any attribute (``href``, an ``img``'s ``alt``, ``data-price``)."""

    selector: str
    attribute: str | None = Field(default=None, description="Read this attribute instead of the text.")
    flag: bool = Field(default=False, description="The field is true when the selector matches (ad badge, sold out).")


class ReadingOrderField(_Strict):
    """A field without a stable attribute, found among the card's remaining texts in order."""

    field: Literal["rating", "sold", "shop_name", "shop_city", "original_price", "discount_badge"]
    pattern: RegexPattern | None = Field(
        default=None,
        description="Regex the text must match; the first match at or after the cursor is taken and the field is "
        "optional. Without a pattern the text at the cursor is taken.",
    )



class Viewport(_Strict):
    width: int = Field(default=1366, ge=320, le=3840)
    height: int = Field(default=900, ge=320, le=2160)


class ChallengeRule(_Strict):
    """How a bot check, captcha or block page shows itself."""

    selectors: list[str] = Field(default_factory=list)
    title_patterns: list[str] = Field(default_factory=list, description="Case-insensitive regexes on <title>.")
    wait_seconds: float = Field(default=8, ge=0, le=60, description="How long a light JS check may take to pass itself.")


class ScrollRule(_Strict):
    max_rounds: int = Field(default=30, ge=0, le=500)
    pause_ms: tuple[int, int] = Field(default=(350, 900), description="Human-like pause range between scrolls.")
    settle_seconds: float = Field(default=4, gt=0, le=30, description="How long to wait for new cards after a scroll.")


class Recipe(_Strict):
    site: str
    description: str
    locale: str = "id-ID"
    timezone: str = "Asia/Jakarta"
    viewport: Viewport = Field(default_factory=Viewport)
    user_agents: list[str] = Field(default_factory=lambda: list(DEFAULT_USER_AGENTS), min_length=1)
    search_url: str | None = Field(default=None, description="Template with {base_url} and {keyword} (URL-encoded).")
    card: str = Field(description="Selector of one product card.")
    placeholder: str | None = Field(default=None, description="Selector of a lazy placeholder not yet filled in.")
    fields: dict[str, SelectorField]
    reading_order: list[ReadingOrderField] = Field(default_factory=list)
    ignore_text: list[str] = Field(default_factory=list, description="Regexes of promo lines and overlays to skip.")
    next_page: str | None = Field(default=None, description="Selector of the link to the next page of results.")
    end_of_results: str | None = None
    no_results: str | None = Field(default=None, description="Marker of a genuine 'no results' page.")
    challenge: ChallengeRule = Field(default_factory=ChallengeRule)
    scroll: ScrollRule = Field(default_factory=ScrollRule)

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, SelectorField]) -> dict[str, SelectorField]:
        unknown = sorted(set(value) - set(CARD_FIELDS))
        if unknown:
            raise ValueError(f"unknown card field(s) {', '.join(unknown)}; known: {', '.join(CARD_FIELDS)}")
        missing = [name for name in REQUIRED_FIELDS if name not in value]
        if missing:
            raise ValueError(f"missing required card field(s) {', '.join(missing)}")
        return value

    @model_validator(mode="after")
    def _fields_read_once(self) -> Recipe:
        twice = sorted({rule.field for rule in self.reading_order} & set(self.fields))
        if twice:
            raise ValueError(f"field(s) {', '.join(twice)} appear both in fields and reading_order")
        return self

    def search_page_url(self, base_url: str, keyword: str) -> str:
        from urllib.parse import quote_plus

        if not self.search_url:
            raise RecipeError(f"recipe {self.site} has no search_url; watch category URLs instead of keywords")
        return self.search_url.format(base_url=base_url.rstrip("/"), keyword=quote_plus(keyword))


def recipe_path(name_or_path: str) -> Path:
    if name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path:
        return Path(name_or_path)
    return RECIPES_DIR / f"{name_or_path}.yaml"


def load_recipe(name_or_path: str) -> Recipe:
    """Read and validate a recipe by name (bundled) or path."""
    path = recipe_path(name_or_path)
    if not path.is_file():
        bundled = ", ".join(sorted(p.stem for p in RECIPES_DIR.glob("*.yaml")))
        raise RecipeError(f"{path}: recipe not found (bundled recipes: {bundled})")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Recipe.model_validate(raw)
    except yaml.YAMLError as error:
        raise RecipeError(f"{path}: not valid YAML: {error}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or '<top level>'}: {problem['msg'].removeprefix('Value error, ')}"
            for problem in error.errors()
        )
        raise RecipeError(f"{path}: invalid recipe: {problems}") from None
