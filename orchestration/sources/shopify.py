"""Shopify storefront ``products.json`` connector: pages a catalogue until an empty page."""

from __future__ import annotations

import json
from collections.abc import Iterator

from orchestration.config import ProductSource
from orchestration.sources.http import FetchedResponse, PoliteHttpClient

CONNECTOR_NAME = "shopify"
CONNECTOR_VERSION = "1.0.0"
PAGE_SIZE = 250  # Shopify's maximum `limit`


class SourceFormatError(RuntimeError):
    """The source answered, but not in the format its connector reads."""


def products_json_url(source: ProductSource) -> str:
    if source.collection:
        return f"{source.base_url}/collections/{source.collection}/products.json"
    return f"{source.base_url}/products.json"


def count_products(response: FetchedResponse) -> int:
    """Number of products on a fetched page, raising SourceFormatError if it is not products.json."""
    where = f"{response.url} (HTTP {response.status}, {response.content_type or 'no content-type'})"
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


def fetch_catalog_pages(
    client: PoliteHttpClient, source: ProductSource
) -> Iterator[tuple[FetchedResponse, int]]:
    """Yield (page response, product count) from page 1 until an empty page or ``max_pages``.

    The empty page is Shopify's reliable end of catalogue (a short page usually is the last,
    but not always); it is yielded too so the snapshot records how the scrape ended.
    """
    url = products_json_url(source)
    for page in range(1, source.max_pages + 1):
        response = client.get(url, params={"limit": PAGE_SIZE, "page": page})
        products = count_products(response)
        yield response, products
        if products == 0:
            return
