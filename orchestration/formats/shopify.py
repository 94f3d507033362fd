"""Shopify products.json pages -> product observations: pure, no I/O.

One observation per variant. Records that cannot be read become quarantine entries with a
reason; values that parse but make no sense (a negative price, a missing id) are kept so the
Great Expectations gate stops the partition with the offending rows as evidence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson

from orchestration.formats.normalize import normalize_url, parse_api_decimal, product_key, quote_path
from orchestration.formats.responses import FetchedResponse, SourceFormatError, describe_response
from orchestration.formats.rows import PRODUCTS_DOMAIN, ProductObservation, QuarantinedRecord


class PageFormatError(ValueError):
    """A whole page is unreadable (not JSON, no products array)."""


def parse_products_page(body: bytes) -> list[Any]:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        if body.lstrip()[:1] == b"<":
            raise PageFormatError("page is HTML, not products.json: a login, captcha or block page answered "
                                  f"with HTTP 200 ({_html_title(body)})") from None
        raise PageFormatError(f"page is not valid JSON: {error}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("products"), list):
        raise PageFormatError("page has no 'products' array")
    return payload["products"]


def _html_title(body: bytes) -> str:
    match = re.search(rb"<title[^>]*>([^<]{0,120})", body, re.IGNORECASE)
    return f"title {match.group(1).decode('utf-8', 'replace').strip()!r}" if match else "no title"


def count_products(response: FetchedResponse) -> int:
    """Number of products on a fetched page, raising SourceFormatError if it is not products.json."""
    where = describe_response(response)
    if response.status != 200:
        raise SourceFormatError(f"{where}: expected HTTP 200 from a Shopify products.json endpoint")
    if "json" not in response.content_type.lower():
        raise SourceFormatError(
            f"{where}: expected JSON; an HTML answer means this is not a Shopify store or the "
            f"request was blocked. It is an error, not an empty catalogue."
        )
    try:
        payload = json.loads(response.body)
    except ValueError as error:
        raise SourceFormatError(f"{where}: body is not valid JSON ({error})") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("products"), list):
        raise SourceFormatError(f"{where}: expected an object with a 'products' array")
    return len(payload["products"])


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _identifier(value: Any) -> str | None:
    if type(value) is int:  # the common case first; bool is a subclass of int and is rejected below
        return str(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return None


def product_url_prefix(base_url: str) -> str:
    """Normalized ``{base_url}/products/`` computed once per source, not once per variant."""
    return normalize_url(f"{base_url}/products/x").removesuffix("x")


def product_url(prefix: str, handle: str) -> str:
    """The canonical product URL, shared by its variants (the variant id has its own column);
    equals ``canonical_product`` of any URL shape of the product (see the unit tests)."""
    return f"{prefix}{quote_path(handle)}"


def observations_from_products(
    products: Iterable[Any],
    *,
    source_name: str,
    base_url: str,
    currency: str,
    partition_hour: datetime,
    observed_at: datetime,
    snapshot_key: str,
    seen_product_ids: set[str],
) -> tuple[list[ProductObservation], list[QuarantinedRecord]]:
    """Observations for every variant of products not already in ``seen_product_ids``.

    ``seen_product_ids`` is shared across the pages of one snapshot: a catalogue that changes
    while we page can show a product on two pages, and the first sighting wins.
    """
    observations: list[ProductObservation] = []
    quarantined: list[QuarantinedRecord] = []
    url_prefix = product_url_prefix(base_url)

    def quarantine(locator: str, record: Any, reason: str) -> None:
        quarantined.append(
            QuarantinedRecord(
                domain=PRODUCTS_DOMAIN,
                source_name=source_name,
                partition_hour=partition_hour,
                snapshot_key=snapshot_key,
                record_locator=locator,
                record=json.dumps(record, sort_keys=True, default=str)[:20_000],
                reason=reason,
            )
        )

    for index, product in enumerate(products):
        locator = f"products[{index}]"
        if not isinstance(product, dict):
            quarantine(locator, product, f"product is a {type(product).__name__}, expected an object")
            continue
        product_id = _identifier(product.get("id"))
        if product_id is not None:
            if product_id in seen_product_ids:
                continue
            seen_product_ids.add(product_id)
        variants = product.get("variants")
        if not isinstance(variants, list) or not variants:
            quarantine(locator, product, "product has no 'variants' array")
            continue
        handle = _text(product.get("handle"))
        url = product_url(url_prefix, handle) if handle else None
        title = _text(product.get("title"))
        brand = _text(product.get("vendor"))
        category = _text(product.get("product_type"))
        for variant_index, variant in enumerate(variants):
            variant_locator = f"{locator}.variants[{variant_index}]"
            if not isinstance(variant, dict):
                quarantine(variant_locator, variant, "variant is not an object")
                continue
            raw_price = variant.get("price")
            price = parse_api_decimal(raw_price)
            if price is None:
                quarantine(variant_locator, variant, f"price {raw_price!r} is not a decimal amount")
                continue
            raw_compare_at = variant.get("compare_at_price")
            compare_at = parse_api_decimal(raw_compare_at)
            if compare_at is None and raw_compare_at not in (None, ""):
                quarantine(variant_locator, variant, f"compare_at_price {raw_compare_at!r} is not a decimal amount")
                continue
            if compare_at is not None and compare_at <= price:
                # "0.00" or a value at or below the price is how themes say "no compare-at price";
                # stored as null, as the JSON-LD and listing parsers do.
                compare_at = None
            available = variant.get("available")
            variant_id = _identifier(variant.get("id"))
            variant_title = _text(variant.get("title"))
            observations.append(
                ProductObservation(  # positional: this loop runs once per variant
                    partition_hour,
                    source_name,
                    "shopify",
                    snapshot_key,
                    observed_at,
                    product_key(source_name, f"shopify:{product_id}:{variant_id}") if product_id and variant_id else None,
                    product_id,
                    variant_id,
                    title,
                    None if variant_title == "Default Title" else variant_title,
                    brand,
                    category,
                    _text(variant.get("sku")),
                    url,
                    price,
                    compare_at,
                    currency,
                    available if isinstance(available, bool) else None,
                )
            )
    return observations, quarantined
