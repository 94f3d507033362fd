"""JSON-LD connector: shop product pages listed by a sitemap.xml and/or a URL list.

Fetches the sitemap(s), then every product page, through the shared polite client. Parsing the
JSON-LD is staging's job (``formats/jsonld.py``); here a page only has to be HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from logging import Logger
from typing import Any

from orchestration.config import JsonLdSource
from orchestration.formats.jsonld import observations_from_page, read_json_ld_blocks
from orchestration.formats.normalize import BrandDictionary
from orchestration.formats.responses import FetchedResponse, SourceFormatError, require_ok
from orchestration.formats.rows import ProductPage
from orchestration.formats.sitemap import parse_sitemap
from orchestration.snapshots.manifest import ArchivedPage, SnapshotWriter, fetched_at
from orchestration.sources.http import PoliteHttpClient
from orchestration.sources.proxy import ProxyUnreachableError, proxy_from_source
from orchestration.sources.robots import RobotsDisallowedError, RobotsGate, robots_gate

MAX_SITEMAP_DEPTH = 3  # sitemap index -> sitemap -> urls, with room for one more level
GONE_STATUSES = frozenset({404, 410})  # a delisted product: recorded, staged as nothing


def product_page_urls(client: PoliteHttpClient, source: JsonLdSource,
                      robots: RobotsGate) -> Iterator[tuple[FetchedResponse | None, list[str]]]:
    """Yield (sitemap response, its product URLs) per sitemap fetched, then (None, source.urls).
    A sitemap robots.txt disallows is skipped (and recorded by ``robots``)."""
    pattern = re.compile(source.url_pattern) if source.url_pattern else None
    pending = [(source.sitemap_url, 0)] if source.sitemap_url else []
    while pending:
        url, depth = pending.pop(0)
        if not robots.allows(url):
            continue
        response = client.get(url)
        require_ok(response, "sitemap", "xml")
        sitemap = parse_sitemap(response.body, response.url)
        if depth + 1 < MAX_SITEMAP_DEPTH:
            pending.extend((child, depth + 1) for child in sitemap.child_sitemaps)
        yield response, [u for u in sitemap.page_urls if pattern is None or pattern.search(u)]
    if source.urls:
        yield None, list(source.urls)


def write_snapshot(source: JsonLdSource, writer: SnapshotWriter, log: Logger) -> dict[str, Any]:
    """Fetch the sitemap(s) and every product page into ``writer``; returns manifest extras.

    Product pages are deduplicated in sitemap order and capped at ``max_pages``. A 404/410 page
    is kept (the product is gone); any other non-200 or non-HTML answer fails the partition.
    """
    proxy = proxy_from_source(source.proxy_env, source.proxy_url)
    with PoliteHttpClient(source.rate_limit_per_second, proxy=proxy.url if proxy else None) as client:
        robots = robots_gate(client, source.name, source.respect_robots_txt, log)
        seen: set[str] = set()
        queue: list[str] = []
        for response, urls in product_page_urls(client, source, robots):
            if response is not None:
                writer.add(response, len(urls), "xml", role="sitemap")
                log.info(f"{source.name}: sitemap {response.url} lists {len(urls)} product pages")
            for url in urls:
                if url not in seen:
                    seen.add(url)
                    queue.append(url)
        if robots.disallowed and not queue:
            raise RobotsDisallowedError(f"{source.name}: robots.txt disallows every sitemap it names "
                                        f"({', '.join(robots.disallowed)}); nothing fetched")
        listed = len(queue)
        queue = [url for url in queue if robots.allows(url)]
        if listed and not queue:
            raise RobotsDisallowedError(f"{source.name}: robots.txt disallows all {listed} product pages; nothing "
                                        "fetched (set respect_robots_txt: false only if the shop granted permission)")
        if not queue:
            raise SourceFormatError(
                f"{source.name}: no product page URLs (sitemap {source.sitemap_url or '-'}, pattern "
                f"{source.url_pattern or '-'}, {len(source.urls)} listed URLs); an empty sitemap is an error, "
                "not an empty catalogue"
            )
        selected = queue[: source.max_pages]
        gone = 0
        for number, url in enumerate(selected, start=1):
            response = client.get(url)
            if response.status in GONE_STATUSES:
                gone += 1
            else:
                require_ok(response, "product page", "html")
            # Blocks no repair can read are kept in the manifest, where an operator sees what a page lost.
            unreadable = [] if response.status in GONE_STATUSES else read_json_ld_blocks(response.body.decode("utf-8", "replace"))[1]
            writer.add(response, 0 if response.status in GONE_STATUSES else 1, "html", role="product_page",
                       **({"unreadable_jsonld": unreadable} if unreadable else {}))
            if number % 50 == 0 or number == len(selected):
                log.info(f"{source.name}: {number}/{len(selected)} product pages fetched")
        if len(queue) > len(selected):
            log.warning(f"{source.name}: {len(queue)} product pages listed, fetched the first max_pages={source.max_pages}")
    return {"truncated": len(queue) > len(selected), "listed_pages": listed, "gone_pages": gone,
            "retries": client.stats.retries, "rate_limit_per_second": source.rate_limit_per_second,
            **robots.manifest_extras()}


class JsonLdConnector:
    kind = "jsonld"
    version = "1.0.0"
    describes = "sitemap and product pages (schema.org JSON-LD)"
    permanent_errors = (SourceFormatError, ProxyUnreachableError, RobotsDisallowedError)

    def check(self, source: JsonLdSource) -> None:
        """Nothing beyond the config's own validation."""

    def fetch(self, source: JsonLdSource, writer: SnapshotWriter, log: Logger,
              secrets: Mapping[str, str]) -> dict[str, Any]:
        return write_snapshot(source, writer, log)

    def parse(self, source: JsonLdSource, pages: Iterable[ArchivedPage], window_start: datetime,
              brands: BrandDictionary) -> Iterator[ProductPage]:
        seen: set[str] = set()  # two sitemap URLs, one product
        for page in pages:
            if page.request.get("role") != "product_page" or page.request["status"] != 200:
                continue  # sitemaps, and product pages that are gone (404/410)
            observations, rejected = observations_from_page(
                page.body.decode("utf-8", "replace"), page_url=page.request["url"], source_name=source.name,
                currency=source.currency, brands=brands, partition_hour=window_start,
                observed_at=fetched_at(page.request), snapshot_key=page.request["object_key"],
            )
            fresh = [o for o in observations if o.product_key not in seen]
            seen.update(o.product_key for o in fresh)
            yield ProductPage(fresh, rejected)


CONNECTOR = JsonLdConnector()
