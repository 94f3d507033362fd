"""The jsonld connector over real HTTP against the demo shop's sitemap and product pages."""

import logging
import time
from datetime import UTC, datetime

import pytest

from orchestration.formats.responses import SourceFormatError
from orchestration.formats.rows import PRODUCTS_DOMAIN
from orchestration.snapshots.manifest import SnapshotWriter
from orchestration.sources.jsonld import write_snapshot
from tests.support import jsonld_source

LOG = logging.getLogger("test-jsonld")


def scrape(lake, source):
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    writer = SnapshotWriter(lake, PRODUCTS_DOMAIN, source.name, "jsonld", "test", hour, run_id=f"t{time.monotonic_ns()}")
    return writer.finish(**write_snapshot(source, writer, LOG))


def test_sitemap_index_to_product_pages(market_server, lake, demo_market):
    manifest = scrape(lake, jsonld_source(market_server.url))
    roles = [request["role"] for request in manifest["requests"]]
    assert roles[:3] == ["sitemap"] * 3  # the index, then its two child sitemaps
    products = [r for r in manifest["requests"] if r["role"] == "product_page"]
    # Every product plus one delisted page; the "pages" sitemap is filtered out by url_pattern.
    assert len(products) == len(demo_market.jsonld_shop.products) + 1
    assert [r["status"] for r in products].count(404) == 1 and manifest["gone_pages"] == 1
    assert not manifest["truncated"]


def test_max_pages_caps_and_marks_the_snapshot_truncated(market_server, lake):
    manifest = scrape(lake, jsonld_source(market_server.url, max_pages=5))
    assert [r["role"] for r in manifest["requests"]].count("product_page") == 5
    assert manifest["truncated"] and manifest["listed_pages"] == 61


def test_a_url_list_works_without_a_sitemap(market_server, lake, demo_market):
    urls = [f"{market_server.jsonld_shop_url}/products/{p.handle}" for p in demo_market.jsonld_shop.products[:3]]
    manifest = scrape(lake, jsonld_source(market_server.url, sitemap_url=None, urls=urls * 2))  # duplicates fetched once
    assert [r["url"] for r in manifest["requests"]] == urls


def test_a_sitemap_answered_with_html_fails_the_partition(market_server, lake):
    with pytest.raises(SourceFormatError, match="expected xml for the sitemap"):
        scrape(lake, jsonld_source(market_server.url, sitemap_url=f"{market_server.url}/shops/glow-lab/"))


def test_an_empty_match_is_an_error_not_an_empty_catalogue(market_server, lake):
    with pytest.raises(SourceFormatError, match="no product page URLs"):
        scrape(lake, jsonld_source(market_server.url, url_pattern="/collections/"))
