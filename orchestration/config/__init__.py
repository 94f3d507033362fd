"""The radar config file: which sources to watch and how politely.

The path comes from ``RADAR_CONFIG`` (default ``radar.yaml`` in the project root). An invalid
file raises :class:`ConfigError` naming the file, the key and what was expected, before any run.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AfterValidator,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from orchestration.config.alerts import Alerts
from orchestration.config.base import StrictModel, repeated
from orchestration.config.bi import BiAccess

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "radar.yaml"

# ISO 4217 codes we have seen in the wild for the markets we watch; extend as sources are added.
KNOWN_CURRENCIES = frozenset(
    ["USD", "EUR", "GBP", "IDR", "JPY", "SGD", "MYR", "THB", "PHP", "VND", "AUD", "CAD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "KRW", "CNY", "HKD", "TWD", "INR", "BRL", "MXN"]
)
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def _valid_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"a valid regular expression ({error})") from None
    return value


RegexPattern = Annotated[str, AfterValidator(_valid_regex)]

# A host name (labels of letters, digits and '-'), an IPv4 or a bracketed IPv6 address, and a port.
_HOST = re.compile(r"^(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$")


def _whole_http_url(value: str) -> str:
    """The whole string must be one http(s) URL: no whitespace anywhere, a well-formed host."""
    parts = urlsplit(value)
    host = parts.netloc.rpartition("@")[2]
    if parts.scheme not in ("http", "https") or any(ch.isspace() for ch in value) or not _HOST.match(host):
        raise ValueError("an http(s) URL such as https://shop.example.com, whole, with no spaces")
    return value


HttpUrl = Annotated[str, AfterValidator(_whole_http_url)]
RootUrl = Annotated[HttpUrl, AfterValidator(lambda value: value.rstrip("/"))]


class ConfigError(ValueError):
    """The config file is missing or invalid; the message says where and what was expected."""


_Strict = StrictModel


class _SourceBase(_Strict):
    """What every product source has: a name, a politeness budget and an optional proxy."""

    name: str = Field(description="Unique source name: lowercase letters, digits, '-' or '_'.")
    currency: str  # each kind states its own default and meaning
    rate_limit_per_second: float = Field(default=1.0, gt=0, le=50, description="Per-host request budget.")
    proxy_env: str | None = Field(
        default=None,
        description="Name of an environment variable holding a proxy URL (http://user:pass@host:port). "
        "Unset variable: no proxy. An unreachable proxy fails the partition at once.",
    )
    extra_currencies: list[str] = Field(
        default_factory=list,
        description="Other ISO 4217 codes this source prices in besides its currency (a marketplace or a shop "
                    "selling to several countries); a price in any other currency is held back.")
    respect_robots_txt: bool = Field(
        default=True,
        description="Honour the host's robots.txt (RFC 9309). Set false only for a shop that granted you "
                    "permission; every run then logs that robots.txt is ignored.",
    )

    @field_validator("name")
    @classmethod
    def _name_is_a_slug(cls, value: str) -> str:
        if not _SOURCE_NAME.match(value):
            raise ValueError("lowercase letters, digits, '-' or '_', starting with a letter or digit")
        return value

    @field_validator("currency", check_fields=False)
    @classmethod
    def _currency_is_iso(cls, value: str) -> str:
        code = value.upper()
        if code not in KNOWN_CURRENCIES:
            raise ValueError(f"an ISO 4217 currency code, one of {', '.join(sorted(KNOWN_CURRENCIES))}")
        return code

    @field_validator("extra_currencies")
    @classmethod
    def _extra_currencies_are_iso(cls, values: list[str]) -> list[str]:
        codes = [value.upper() for value in values]
        unknown = [code for code in codes if code not in KNOWN_CURRENCIES]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not ISO 4217 currency codes we know "
                             f"({', '.join(sorted(KNOWN_CURRENCIES))})")
        return codes

    @property
    def accepted_currencies(self) -> list[str]:
        """The currency and the extra ones: the only codes this source's prices may carry."""
        return [self.currency, *self.extra_currencies]

    @property
    def proxy_url(self) -> str | None:
        """The proxy URL from ``proxy_env``, or None when not configured or the variable is unset."""
        return (os.environ.get(self.proxy_env) or None) if self.proxy_env else None


class ShopifySource(_SourceBase):
    """A Shopify store read through its storefront ``products.json``."""

    kind: Literal["shopify"] = Field(description="Connector kind.")
    base_url: RootUrl = Field(description="Shop root URL, e.g. https://shop.example.com")
    collection: str | None = Field(default=None, description="Optional collection handle.")
    currency: str = Field(description="ISO 4217 code of the shop's prices; products.json has none.")
    max_pages: int = Field(default=100, ge=1, le=100, description="Shopify caps page x limit at ~25k.")


class JsonLdSource(_SourceBase):
    """Shop product pages carrying schema.org Product JSON-LD, from a sitemap or a URL list."""

    kind: Literal["jsonld"] = Field(description="Connector kind.")
    sitemap_url: RootUrl | None = Field(default=None, description="A sitemap.xml (or sitemap index) listing product pages.")
    urls: list[HttpUrl] = Field(default_factory=list, description="Product page URLs (instead of, or besides, a sitemap).")
    url_pattern: RegexPattern | None = Field(
        default=None, description="Regular expression a sitemap URL must match to count as a product page."
    )
    currency: str = Field(description="ISO 4217 code assumed when an offer states no currency.")
    max_pages: int = Field(default=500, ge=1, le=20_000, description="Most product pages fetched per hour.")


    @model_validator(mode="after")
    def _has_pages(self) -> JsonLdSource:
        if not self.sitemap_url and not self.urls:
            raise ValueError("a jsonld source needs sitemap_url or urls")
        return self


class Watch(_Strict):
    """One listing to watch on a marketplace: a search keyword or a category URL."""

    keyword: str | None = Field(default=None, description="Search keyword, filled into the recipe's search_url.")
    url: str | None = Field(default=None, description="A category or listing URL (absolute, or relative to base_url).")
    category: str | None = Field(
        default=None, description="Category label for these listings (default: the keyword as written)."
    )

    @model_validator(mode="after")
    def _keyword_or_url(self) -> Watch:
        if bool(self.keyword) == bool(self.url):
            raise ValueError("each watchlist entry needs exactly one of keyword or url")
        return self

    @property
    def label(self) -> str:
        return self.category or self.keyword or self.url or ""


class BrowserSource(_SourceBase):
    """A JS-rendered marketplace read in headless Chromium with a selector recipe."""

    kind: Literal["browser"] = Field(description="Connector kind.")
    recipe: str = Field(description="Recipe name (orchestration/formats/recipes/<name>.yaml) or a YAML path.")
    base_url: RootUrl = Field(description="Site root URL, e.g. https://www.tokopedia.com")
    currency: str = Field(default="IDR", description="ISO 4217 code assumed for prices without a symbol.")
    watchlist: list[Watch] = Field(min_length=1, description="Keywords or category URLs to read every hour.")
    max_items: int = Field(default=60, ge=1, le=2_000, description="Most cards read per watchlist entry.")
    max_pages: int = Field(default=5, ge=1, le=100, description="Most pages (or scroll rounds) per watchlist entry.")
    pages_per_context: int = Field(
        default=10, ge=1, le=200, description="Browser contexts are recycled after this many pages to bound memory."
    )
    navigation_timeout_seconds: float = Field(default=30, gt=0, le=180)


SOURCE_KINDS = ("shopify", "jsonld", "browser")
ProductSource = Annotated[ShopifySource | JsonLdSource | BrowserSource, Field(discriminator="kind")]


class Hashtag(_Strict):
    """A hashtag to search; the TikHub challenge id skips the name lookup when known."""

    name: str
    id: str | None = Field(default=None, description="TikHub ch_id / TikTok challenge id, if known.")

    @field_validator("name")
    @classmethod
    def _bare_lowercase(cls, value: str) -> str:
        name = value.strip().lstrip("#").lower()
        if not name or any(ch.isspace() for ch in name):
            raise ValueError("a hashtag without spaces, e.g. skincare or #skincare")
        return name


class CometThresholds(_Strict):
    """A comet: a small creator (followers within the band) with at least one breakout video."""

    min_followers: int = Field(default=10_000, ge=0)
    max_followers: int = Field(default=100_000, ge=1)
    min_video_views: int = Field(default=50_000, ge=1)

    @model_validator(mode="after")
    def _band(self) -> CometThresholds:
        if self.min_followers > self.max_followers:
            raise ValueError("min_followers must not exceed max_followers")
        return self


class CreatorSearch(_Strict):
    """Daily TikTok creator discovery through the TikHub API (key from TIKHUB_API_KEY)."""

    base_url: RootUrl = Field(default="https://api.tikhub.io", description="TikHub API root.")
    hashtags: list[Hashtag] = Field(default_factory=list, description="Hashtags whose video lists are read daily.")
    keywords: list[str] = Field(default_factory=list, description="Keywords searched daily (video search).")
    region: str = Field(default="ID", description="Region code for keyword search.")
    pages_per_hashtag: int = Field(default=5, ge=1, le=50, description="Pages read per hashtag or keyword.")
    videos_per_page: int = Field(default=20, ge=1, le=50, description="Videos asked for per page (count).")
    profile_endpoint: Literal["app", "web"] = Field(
        default="app", description="app: handler_user_profile (exact counts); web: fetch_user_profile (statsV2 preferred)."
    )
    rate_limit_per_second: float = Field(default=2.0, gt=0, le=50)
    min_coverage: float = Field(
        default=0.5, ge=0, le=1, description="Share of hashtags and keywords that must return data for a day to pass."
    )
    comet: CometThresholds = Field(default_factory=CometThresholds)

    @field_validator("hashtags", mode="before")
    @classmethod
    def _names_or_objects(cls, values: list) -> list:
        return [{"name": value} if isinstance(value, str) else value for value in values or []]

    @model_validator(mode="after")
    def _has_targets(self) -> CreatorSearch:
        if not self.hashtags and not self.keywords:
            raise ValueError("creator search needs at least one hashtag or keyword")
        return self


# Ten million in a currency worth about a dollar or more; scaled for the currencies with large units.
DEFAULT_PRICE_CEILINGS = {
    **dict.fromkeys(["USD", "EUR", "GBP", "CHF", "AUD", "CAD", "SGD", "NZD"], Decimal(10_000_000)),
    "JPY": Decimal(2_000_000_000), "CNY": Decimal(100_000_000), "INR": Decimal(1_000_000_000),
    "THB": Decimal(500_000_000), "PHP": Decimal(500_000_000), "MYR": Decimal(50_000_000),
    "IDR": Decimal(100_000_000_000), "VND": Decimal(250_000_000_000),
}


class ProductGate(_Strict):
    """How much each product source must deliver per hour for the hour to pass its audit."""

    min_source_share: float = Field(
        default=0.5, gt=0, le=1,
        description="A source's rows in an hour must reach this share of its own trailing median (the previous "
                    "24 hours it had rows, within 7 days); so must the hour's total.")
    new_source_grace_hours: int = Field(
        default=6, ge=0, le=168,
        description="A source with fewer earlier hours of rows than this is exempt from its floor (it was just added).")
    max_price_ratio: Decimal = Field(
        default=Decimal(20), gt=1,
        description="A price more than this many times, or less than 1/this, of the product's last accepted price is "
                    "held back (quarantined) until a second consecutive hour confirms it.")
    price_ceilings: dict[str, Decimal] = Field(
        default_factory=lambda: dict(DEFAULT_PRICE_CEILINGS),
        description="Highest believable price per currency code; higher prices are quarantined. Replaces the defaults "
                    "(major currencies) when given.")
    default_price_ceiling: Decimal = Field(
        default=Decimal(10) ** 10, gt=0, description="Ceiling for a currency not in price_ceilings.")

    @field_validator("price_ceilings")
    @classmethod
    def _currency_codes(cls, ceilings: dict[str, Decimal]) -> dict[str, Decimal]:
        for code, ceiling in ceilings.items():
            if not re.fullmatch(r"[A-Z]{3}", code):
                raise ValueError(f"price_ceilings: {code!r} is not an ISO 4217 currency code (three capital letters)")
            if ceiling <= 0:
                raise ValueError(f"price_ceilings: the {code} ceiling must be positive, not {ceiling}")
        return ceilings


class MarketSignals(_Strict):
    """Thresholds of the market-intelligence marts, passed to dbt as vars (dbt_project.yml has the same defaults)."""

    flash_sale_min_drop_pct: Decimal = Field(
        default=Decimal(20), gt=0, lt=100,
        description="Flash sale: one price drop of at least this %, to at least this far below the reference price "
                    "(the median observed price of the reference_days before the drop).")
    flash_sale_max_hours: int = Field(
        default=48, ge=1, le=24 * 14,
        description="Flash sale: the price must come back within this many hours; a drop that lasts longer is a "
                    "price cut, and its provisional flash-sale row is withdrawn.")
    gradual_discount_min_step_pct: Decimal = Field(
        default=Decimal(3), gt=0, lt=100,
        description="Gradual discount: each step is a decrease of at least this %; smaller moves either way are "
                    "jitter and neither extend nor break a run.")
    gradual_discount_min_steps: int = Field(default=3, ge=2, le=20, description="Gradual discount: the number of successive steps that make one.")
    gradual_discount_max_gap_days: int = Field(
        default=3, ge=1, le=30, description="Gradual discount: the most days between one step and the next.")
    reference_days: int = Field(
        default=7, ge=1, le=60, description="Days of observed prices whose median is a drop's reference price.")
    claim_tolerance_pct: Decimal = Field(
        default=Decimal(5), ge=0, le=100,
        description="A discount claim is misleading when its claimed reference exceeds the lowest price of the 30 days "
                    "before the claim by more than this % (0 is the letter of the EU Omnibus rule; the default absorbs "
                    "rounding and small repricing).")
    price_bands: int = Field(default=5, ge=2, le=20, description="Quantile price bands per category and currency (heatmap).")
    sweet_spot_min_listings: int = Field(
        default=5, ge=1, description="A heatmap cell needs this many listings to be the sweet spot.")
    fill_rate_max_drop: Decimal = Field(
        default=Decimal("0.2"), gt=0, le=1,
        description="Scrape health warns when a field's fill rate falls more than this (a share, 0.2 = 20 points) "
                    "below its trailing median for the source.")
    health_trailing_days: int = Field(
        default=7, ge=1, le=60, description="Days of a source's earlier hours whose median is its scrape-health baseline.")

    @model_validator(mode="after")
    def _flash_deeper_than_a_step(self) -> MarketSignals:
        if self.flash_sale_min_drop_pct <= self.gradual_discount_min_step_pct:
            raise ValueError("flash_sale_min_drop_pct must exceed gradual_discount_min_step_pct")
        return self


class RadarConfig(_Strict):
    """The whole config file."""

    partitions_start: datetime = Field(
        default=datetime(2026, 1, 1), description="First hourly partition (UTC)."
    )
    product_sources: list[ProductSource] = Field(default_factory=list)
    creators: CreatorSearch | None = Field(default=None, description="TikTok creator discovery (daily).")
    product_gate: ProductGate = Field(default_factory=ProductGate, description="Per-source coverage of the hourly audit.")
    market_signals: MarketSignals = Field(
        default_factory=MarketSignals, description="Thresholds of the event, claim, heatmap and scrape-health marts.")
    brands: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Brand dictionary for listings without a brand field: canonical name -> aliases. "
        "Matched as whole words in titles, then in the shop name; no match stays null.",
    )
    alerts: Alerts = Field(default_factory=Alerts, description="Alert rules, channels and delivery.")
    bi: BiAccess = Field(default_factory=BiAccess, description="The read-only BI role and per-tenant scopes.")
    clock_url: HttpUrl | None = Field(
        default=None,
        description="A test market's clock hook, used only by `radar simulate`: before each simulated hour it "
        "calls GET <clock_url>?at=<ISO instant> so the market shows that moment. Real shops have none.",
    )

    @model_validator(mode="after")
    def _source_names_unique(self) -> RadarConfig:
        names = [source.name for source in self.product_sources]
        if repeated(names):
            raise ValueError(f"product source names must be unique; repeated: {', '.join(repeated(names))}")
        for rule in self.alerts.rules:
            if rule.scope.source and rule.scope.source not in names:
                raise ValueError(f"alerts rule {rule.name}: no product source named {rule.scope.source!r}")
            if rule.kind == "new_comet" and self.creators is None:
                raise ValueError(f"alerts rule {rule.name}: new_comet needs the creators section")
        for tenant in self.bi.tenants:
            unknown = sorted(set(tenant.sources) - set(names))
            if unknown:
                raise ValueError(f"bi tenant {tenant.role}: no product source named {', '.join(unknown)}")
        return self

    @property
    def currencies(self) -> list[str]:
        return sorted({code for source in self.product_sources for code in source.accepted_currencies})


def config_path() -> Path:
    """Where the config lives: ``RADAR_CONFIG`` or ``radar.yaml`` in the project root."""
    return Path(os.environ.get("RADAR_CONFIG") or DEFAULT_CONFIG_PATH)


PARTITIONS_START_VARIABLE = "RADAR_PARTITIONS_START"


def load_config(path: str | Path | None = None) -> RadarConfig:
    """Read and validate a config file, raising :class:`ConfigError` with a precise message."""
    path = Path(path) if path is not None else config_path()
    if not path.is_file():
        raise ConfigError(
            f"{path}: config file not found. Set RADAR_CONFIG to a config file "
            f"(see radar.example.yaml), or run `make demo` for the bundled demo config."
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from error
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(raw).__name__}")
    if os.environ.get(PARTITIONS_START_VARIABLE):
        # `radar demo` and `radar simulate` start the partitions where their data starts.
        raw = {**raw, "partitions_start": os.environ[PARTITIONS_START_VARIABLE]}
    try:
        return RadarConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe_validation_error(path, error)) from None


def _describe_validation_error(path: Path, error: ValidationError) -> str:
    lines = [f"{path}: invalid config ({error.error_count()} problem(s))"]
    for problem in error.errors():
        # A discriminated union puts the kind tag in the path (product_sources[0].shopify.currency).
        loc = [part for index, part in enumerate(problem["loc"])
               if not (part in SOURCE_KINDS and index and isinstance(problem["loc"][index - 1], int))]
        key = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
        key = key or "<top level>"
        expected = problem["msg"].removeprefix("Value error, ")
        if problem["type"] in {"union_tag_invalid", "union_tag_not_found"}:
            key, expected = f"{key}.kind", f"one of {', '.join(SOURCE_KINDS)}"
        elif problem["type"] == "extra_forbidden":
            expected = "unknown key (check the spelling against radar.example.yaml)"
        elif problem["type"] == "missing":
            expected = "required key is missing"
        got = problem.get("input")
        got_text = "" if problem["type"] in {"missing"} or isinstance(got, dict) else f" (got {got!r})"
        lines.append(f"  - {key}: {expected}{got_text}")
    return "\n".join(lines)
