"""Pure normalization helpers shared by every connector and parser (documented in the README)."""

from orchestration.formats.normalize.brands import BrandDictionary
from orchestration.formats.normalize.numbers import parse_api_decimal
from orchestration.formats.normalize.prices import (
    ParsedPrice,
    SoldCount,
    parse_count,
    parse_price,
    parse_rating,
    parse_sold,
)
from orchestration.formats.normalize.urls import (
    NotAProductURL,
    ProductIdentity,
    canonical_product,
    is_tracking_parameter,
    listing_key,
    normalize_url,
    product_key,
    quote_path,
    unwrap_redirect,
)

__all__ = [
    "BrandDictionary",
    "NotAProductURL",
    "ProductIdentity",
    "ParsedPrice",
    "SoldCount",
    "canonical_product",
    "is_tracking_parameter",
    "listing_key",
    "normalize_url",
    "parse_api_decimal",
    "parse_count",
    "parse_price",
    "parse_rating",
    "parse_sold",
    "product_key",
    "quote_path",
    "unwrap_redirect",
]
