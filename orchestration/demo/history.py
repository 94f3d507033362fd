"""DEMO / TEST FIXTURE: write what a scrape at a past hour would have fetched, as snapshots.

The bytes come from the same renderer the demo server uses, and go through the same
SnapshotWriter as a live scrape, so replaying history exercises the production staging path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from orchestration.config import ProductSource
from orchestration.demo.catalog import DemoMarket
from orchestration.demo.shopify_pages import collection_handle, render_products_page
from orchestration.snapshots.layout import manifest_key, snapshot_prefix
from orchestration.snapshots.manifest import SnapshotWriter
from orchestration.snapshots.store import ObjectStore
from orchestration.sources.http import FetchedResponse
from orchestration.sources.shopify import CONNECTOR_NAME, CONNECTOR_VERSION, PAGE_SIZE, products_json_url

HISTORY_RUN_ID = "demo-history"
GENERATED_BY = "demo market history generator (not a live scrape)"
# A scheduled scrape starts at :05; pages follow one another a fraction of a second apart.
SCRAPE_OFFSET = timedelta(minutes=5)


def demo_shop_name(source: ProductSource) -> str:
    """The demo shop a source points at (base_url .../shops/<name>)."""
    path = urlsplit(source.base_url).path.rstrip("/")
    if "/shops/" not in path:
        raise ValueError(f"source {source.name} ({source.base_url}) does not point at the demo market")
    return path.rsplit("/", 1)[-1]


def history_exists(store: ObjectStore, source: ProductSource, hour: datetime) -> bool:
    return store.exists(manifest_key(snapshot_prefix("products", source.name, hour, HISTORY_RUN_ID)))


def history_manifest(store: ObjectStore, source: ProductSource, hour: datetime) -> dict:
    key = manifest_key(snapshot_prefix("products", source.name, hour, HISTORY_RUN_ID))
    return {**json.loads(store.get(key)), "manifest_key": key}


def write_history_snapshot(store: ObjectStore, market: DemoMarket, source: ProductSource, hour: datetime) -> dict:
    """One hour's snapshot of a demo source, paged like the connector pages (until empty)."""
    shop = market.shop(demo_shop_name(source))
    collection = source.collection
    count = len([p for p in shop.products if collection is None or collection_handle(p.product_type) == collection])
    pages = min(math.ceil(count / PAGE_SIZE) + 1, source.max_pages)
    writer = SnapshotWriter(store, "products", source.name, CONNECTOR_NAME, CONNECTOR_VERSION, hour,
                            run_id=HISTORY_RUN_ID, generated_by=GENERATED_BY, started_at=hour + SCRAPE_OFFSET)
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
