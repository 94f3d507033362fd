"""Pure normalization helpers shared by every connector and parser."""

from orchestration.normalize.numbers import parse_api_decimal
from orchestration.normalize.urls import is_tracking_parameter, normalize_url, product_key, quote_path

__all__ = ["is_tracking_parameter", "normalize_url", "parse_api_decimal", "product_key", "quote_path"]
