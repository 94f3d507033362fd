"""Shopify storefront ``products.json`` connector: pages a catalogue until an empty page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from logging import Logger
from typing import Any

from orchestration.config import ShopifySource
from orchestration.formats.normalize import BrandDictionary
from orchestration.formats.responses import FetchedResponse, SourceFormatError
from orchestration.formats.rows import PRODUCTS_DOMAIN, ProductPage
from orchestration.formats.shopify import (
    PageFormatError,
    count_products,
    observations_from_products,
    parse_products_page,
)
from orchestration.snapshots.manifest import ArchivedPage, SnapshotWriter, fetched_at
from orchestration.sources.connector import quarantined_page
from orchestration.sources.http import PoliteHttpClient
from orchestration.sources.proxy import ProxyUnreachableError, proxy_from_source
from orchestration.sources.robots import RobotsDisallowedError, robots_gate

PAGE_SIZE = 250  # Shopify's maximum `limit`


def products_json_url(source: ShopifySource) -> str:
    if source.collection:
        return f"{source.base_url}/collections/{source.collection}/products.json"
    return f"{source.base_url}/products.json"


def fetch_catalog_pages(
    client: PoliteHttpClient, source: ShopifySource
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


def write_snapshot(source: ShopifySource, writer: SnapshotWriter, log: Logger) -> dict[str, Any]:
    """Page the catalogue into ``writer``; returns the manifest extras."""
    proxy = proxy_from_source(source.proxy_env, source.proxy_url)
    with PoliteHttpClient(source.rate_limit_per_second, proxy=proxy.url if proxy else None) as client:
        robots = robots_gate(client, source.name, source.respect_robots_txt, log)
        robots.require(products_json_url(source), "catalogue")
        reached_end = False
        for pages, (response, products) in enumerate(fetch_catalog_pages(client, source), start=1):
            writer.add(response, products)
            reached_end = products == 0
            log.info(f"{source.name}: page {pages} -> {products} products ({len(response.body):,} bytes)")
    if not reached_end:
        log.warning(f"{source.name}: stopped at max_pages={source.max_pages} before an empty page; catalogue truncated")
    return {"truncated": not reached_end, "retries": client.stats.retries,
            "rate_limit_per_second": source.rate_limit_per_second, **robots.manifest_extras()}


class ShopifyConnector:
    kind = "shopify"
    version = "1.0.0"
    describes = "products.json pages"
    permanent_errors = (SourceFormatError, ProxyUnreachableError, RobotsDisallowedError)

    def check(self, source: ShopifySource) -> None:
        """Nothing beyond the config's own validation."""

    def fetch(self, source: ShopifySource, writer: SnapshotWriter, log: Logger,
              secrets: Mapping[str, str]) -> dict[str, Any]:
        return write_snapshot(source, writer, log)

    def parse(self, source: ShopifySource, pages: Iterable[ArchivedPage], window_start: datetime,
              brands: BrandDictionary) -> Iterator[ProductPage]:
        seen: set[str] = set()  # a product repeated on the next page (the catalogue moved while paging)
        for page in pages:
            try:
                products = parse_products_page(page.body)
            except PageFormatError as error:
                yield ProductPage([], [quarantined_page(PRODUCTS_DOMAIN, source.name, window_start, page, str(error))])
                continue
            yield ProductPage(*observations_from_products(
                products, source_name=source.name, base_url=source.base_url, currency=source.currency,
                partition_hour=window_start, observed_at=fetched_at(page.request),
                snapshot_key=page.request["object_key"], seen_product_ids=seen,
            ))


CONNECTOR = ShopifyConnector()
