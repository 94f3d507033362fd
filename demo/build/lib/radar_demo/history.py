"""DEMO / TEST FIXTURE: write what a scrape at a past hour would have fetched, as snapshots.

The bytes come from the same renderer the demo server uses, and go through the same
SnapshotWriter as a live scrape, so replaying history exercises the production staging path.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import quote_plus, urljoin, urlsplit

from orchestration.config import BrowserSource, JsonLdSource, ProductSource, ShopifySource
from orchestration.formats.responses import FetchedResponse
from orchestration.formats.rows import PRODUCTS_DOMAIN
from orchestration.snapshots.layout import manifest_key, snapshot_prefix
from orchestration.snapshots.manifest import SnapshotWriter
from orchestration.snapshots.store import ObjectStore
from orchestration.sources import jsonld, shopify
from orchestration.sources.browser import scraper as browser
from orchestration.sources.shopify import PAGE_SIZE, products_json_url
from radar_demo.catalog import DemoMarket
from radar_demo.jsonld_pages import (
    render_not_found,
    render_pages_sitemap,
    render_product_page,
    render_products_sitemap,
    render_sitemap_index,
)
from radar_demo.marketplace import DemoMarketplace
from radar_demo.marketplace_pages import render_listing_dom
from radar_demo.shopify_pages import collection_handle, render_products_page

HISTORY_RUN_ID = "demo-history"
GENERATED_BY = "demo market history generator (not a live scrape)"
# A scheduled scrape starts at :05; pages follow one another a fraction of a second apart.
SCRAPE_OFFSET = timedelta(minutes=5)


def demo_shop_name(source: ShopifySource) -> str:
    """The demo shop a source points at (base_url .../shops/<name>)."""
    path = urlsplit(source.base_url).path.rstrip("/")
    if "/shops/" not in path:
        raise ValueError(f"source {source.name} ({source.base_url}) does not point at the demo market")
    return path.rsplit("/", 1)[-1]


def history_exists(store: ObjectStore, source: ProductSource, hour: datetime) -> bool:
    return store.exists(manifest_key(snapshot_prefix(PRODUCTS_DOMAIN, source.name, hour, HISTORY_RUN_ID)))


def history_manifest(store: ObjectStore, source: ProductSource, hour: datetime) -> dict:
    key = manifest_key(snapshot_prefix(PRODUCTS_DOMAIN, source.name, hour, HISTORY_RUN_ID))
    return {**json.loads(store.get(key)), "manifest_key": key}


def write_history_snapshot(store: ObjectStore, market: DemoMarket, source: ProductSource, hour: datetime) -> dict:
    """One hour's snapshot of a demo source, as its connector would have fetched it."""
    writers = {"shopify": _shopify_history, "jsonld": _jsonld_history, "browser": _browser_history}
    return writers[source.kind](store, market, source, hour)


def _writer(store: ObjectStore, source: ProductSource, hour: datetime, connector) -> SnapshotWriter:
    return SnapshotWriter(store, PRODUCTS_DOMAIN, source.name, connector.kind, connector.version, hour, run_id=HISTORY_RUN_ID,
                          generated_by=GENERATED_BY, started_at=hour + SCRAPE_OFFSET)


def _response(url: str, body: bytes, content_type: str, moment: datetime, status: int = 200) -> FetchedResponse:
    return FetchedResponse(url=url, status=status, content_type=content_type, body=body, fetched_at=moment, attempts=1)


def _jsonld_history(store: ObjectStore, market: DemoMarket, source: JsonLdSource, hour: datetime) -> dict:
    """Sitemap index, its child sitemaps, then each product page (the delisted one answers 404)."""
    shop = market.jsonld_shop
    if not source.sitemap_url or not source.sitemap_url.endswith("/sitemap.xml"):
        raise ValueError(f"source {source.name}: demo history needs the demo shop's sitemap_url (.../sitemap.xml)")
    shop_url = source.sitemap_url.removesuffix("/sitemap.xml")
    writer = _writer(store, source, hour, jsonld.CONNECTOR)
    pattern = re.compile(source.url_pattern) if source.url_pattern else None
    moment = hour + SCRAPE_OFFSET
    urls: list[str] = []
    sitemaps = [(source.sitemap_url, render_sitemap_index(shop_url)),
                (f"{shop_url}/sitemap_products_1.xml", render_products_sitemap(shop, shop_url)),
                (f"{shop_url}/sitemap_pages_1.xml", render_pages_sitemap(shop_url))]
    for url, body in sitemaps:
        page_urls = [u for u in jsonld.parse_sitemap(body, url).page_urls if pattern is None or pattern.search(u)]
        urls.extend(page_urls)
        writer.add(_response(url, body, "application/xml", moment), len(page_urls), "xml", role="sitemap")
    by_url = {f"{shop_url}/products/{product.handle}": product for product in shop.products}
    for number, url in enumerate(urls[: source.max_pages], start=1):
        moment = hour + SCRAPE_OFFSET + timedelta(milliseconds=200 * number)
        product = by_url.get(url)
        if product is None:
            writer.add(_response(url, render_not_found(), "text/html; charset=utf-8", moment, 404), 0, "html", role="product_page")
        else:
            body = render_product_page(shop, product, hour, shop_url)
            writer.add(_response(url, body, "text/html; charset=utf-8", moment), 1, "html", role="product_page")
    return writer.finish(truncated=len(urls) > source.max_pages, listed_pages=len(urls), gone_pages=1, retries=0,
                         rate_limit_per_second=source.rate_limit_per_second)


def _browser_history(store: ObjectStore, market: DemoMarket, source: BrowserSource, hour: datetime) -> dict:
    """The DOM the browser connector would have stored: scrolled search pages, paged categories."""
    marketplace = DemoMarketplace(market.marketplace)
    base = source.base_url
    writer = _writer(store, source, hour, browser.CONNECTOR)
    moment = hour + SCRAPE_OFFSET
    watches = {}
    for watch in source.watchlist:
        pages = cards = 0
        if watch.keyword:
            # Infinite scroll: batches load until max_items are shown or the results end; one stored page.
            items, batch, has_more = [], 1, True
            while has_more and len(items) < source.max_items and batch <= 30:
                result = marketplace.search_page(watch.keyword, batch, hour, base)
                items += result["items"]
                has_more, batch = result["has_more"], batch + 1
            heading = f'Hasil pencarian untuk "{watch.keyword}"'
            url = f"{base}/search?q={quote_plus(watch.keyword)}"
            bodies = [(url, render_listing_dom(items, heading, None, end_of_results=not has_more), len(items))]
        else:
            category = (watch.url or "").rstrip("/").rsplit("/", 1)[-1]
            bodies = []
            for number in range(1, source.max_pages + 1):
                result = marketplace.category_page(category, number, hour, base)
                next_page = number + 1 if result["has_more"] else None
                url = urljoin(base + "/", watch.url or "") + ("" if number == 1 else f"?page={number}")
                bodies.append((url, render_listing_dom(result["items"], category.title(), next_page, False), len(result["items"])))
                if not result["has_more"] or sum(count for _, _, count in bodies) >= source.max_items:
                    break
        for url, body, count in bodies:
            pages, cards = pages + 1, cards + count
            moment += timedelta(seconds=2)
            writer.add(_response(url, body, "text/html; charset=utf-8", moment), count, "html", role="listing",
                       watch=watch.label, keyword=watch.keyword, watch_url=watch.url, page_number=pages,
                       user_agent="demo history generator")
        watches[watch.label] = {"pages": pages, "cards": cards, "no_results": cards == 0}
    return writer.finish(truncated=any(w["cards"] >= source.max_items for w in watches.values()), retries=0,
                         rate_limit_per_second=source.rate_limit_per_second, browser="none (demo history generator)",
                         recipe=source.recipe, contexts=0, watches=watches)


def _shopify_history(store: ObjectStore, market: DemoMarket, source: ShopifySource, hour: datetime) -> dict:
    """Paged like the connector pages (until empty)."""
    shop = market.shop(demo_shop_name(source))
    collection = source.collection
    count = len([p for p in shop.products if collection is None or collection_handle(p.product_type) == collection])
    pages = min(math.ceil(count / PAGE_SIZE) + 1, source.max_pages)
    writer = _writer(store, source, hour, shopify.CONNECTOR)
    url = products_json_url(source)
    for page in range(1, pages + 1):
        body = render_products_page(shop, hour, page, PAGE_SIZE, collection)
        products = len(json.loads(body)["products"])
        writer.add(
            FetchedResponse(url=f"{url}?limit={PAGE_SIZE}&page={page}", status=200,
                            content_type="application/json; charset=utf-8", body=body,
                            fetched_at=hour + SCRAPE_OFFSET + timedelta(milliseconds=250 * page), attempts=1),
            products,
        )
    return writer.finish(truncated=pages == source.max_pages and count >= PAGE_SIZE * pages, retries=0,
                         rate_limit_per_second=source.rate_limit_per_second)


def write_history(store: ObjectStore, market: DemoMarket, sources: Iterable[ProductSource],
                  hours: Iterable[datetime]) -> list[dict]:
    """Snapshots for every (source, hour) not yet written; returns the new manifests."""
    written = []
    for hour in hours:
        for source in sources:
            if not history_exists(store, source, hour):
                written.append(write_history_snapshot(store, market, source, hour))
    return written
