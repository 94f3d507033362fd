"""robots.txt honoured by the real connectors against the demo market over HTTP (RFC 9309)."""

import logging
import time
from datetime import UTC, datetime

import pytest

from orchestration.formats.rows import PRODUCTS_DOMAIN
from orchestration.snapshots.manifest import SnapshotWriter
from orchestration.sources import jsonld, shopify
from orchestration.sources.http import PoliteHttpClient
from orchestration.sources.retry import RetryPolicy
from orchestration.sources.robots import RobotsDisallowedError, RobotsGate
from tests.integration.test_shopify_connector import source as shopify_source
from tests.support import jsonld_source

HOUR = datetime(2026, 11, 20, 9, tzinfo=UTC)
FAST_RETRIES = RetryPolicy(max_attempts=2, max_total_seconds=5, backoff_base_seconds=0.01, backoff_max_seconds=0.02)
LOG = logging.getLogger("robots-test")


def writer(lake, name: str, kind: str) -> SnapshotWriter:
    return SnapshotWriter(lake, PRODUCTS_DOMAIN, name, kind, "1.0.0", HOUR, run_id="robots")


def gate(**options) -> RobotsGate:
    return RobotsGate(PoliteHttpClient(50, policy=FAST_RETRIES), **options)


def test_the_market_robots_txt_is_read_once_and_recorded(market_server, lake):
    extras = shopify.write_snapshot(shopify_source(market_server), writer(lake, "trail-and-tide", "shopify"), LOG)
    host = market_server.url.split("://")[1]
    assert extras["robots_txt"] == {host: {"status": "HTTP 200", "crawl_delay": None}}
    assert extras["robots_disallowed"] == []
    assert sum(path == "/robots.txt" for _, path, _ in market_server.request_log) == 1


def test_a_disallowed_catalogue_fails_the_snapshot_and_fetches_nothing(market_server, lake):
    market_server.faults.robots_txt = "User-agent: *\nDisallow: /shops/trail-and-tide/\n"
    with pytest.raises(RobotsDisallowedError, match=r"disallows the catalogue .*/shops/trail-and-tide/products.json"):
        shopify.write_snapshot(shopify_source(market_server), writer(lake, "trail-and-tide", "shopify"), LOG)
    assert not [path for _, path, _ in market_server.request_log if "products.json" in path]


def test_respect_robots_txt_false_fetches_and_says_so(market_server, lake, caplog):
    market_server.faults.robots_txt = "User-agent: *\nDisallow: /\n"
    with caplog.at_level(logging.WARNING, logger="robots-test"):
        extras = shopify.write_snapshot(shopify_source(market_server, respect_robots_txt=False),
                                        writer(lake, "trail-and-tide", "shopify"), LOG)
    assert extras["robots_txt"] == "ignored (respect_robots_txt: false)"
    assert "robots.txt is ignored (respect_robots_txt: false" in caplog.text
    assert not [path for _, path, _ in market_server.request_log if path == "/robots.txt"]


def test_disallowed_product_pages_are_skipped_and_recorded(market_server, lake):
    market_server.faults.robots_txt = "User-agent: *\nDisallow: /stores/hearth-and-loom/products/*-1$\n"
    source = jsonld_source(market_server.url)
    snapshot = writer(lake, source.name, "jsonld")
    extras = jsonld.write_snapshot(source, snapshot, LOG)
    skipped = extras["robots_disallowed"]
    fetched = [request["url"] for request in snapshot.requests if request["role"] == "product_page"]
    assert len(skipped) == 1 and skipped[0].endswith("-1")  # the one product whose handle ends in -1
    assert not set(skipped) & set(fetched)
    assert extras["listed_pages"] == len(fetched) + len(skipped)


def test_crawl_delay_slows_a_fast_source_down(market_server):
    market_server.faults.robots_txt = "User-agent: *\nCrawl-delay: 0.4\n"
    robots = gate()
    url = f"{market_server.shop_url('glow-lab')}/products.json"
    assert robots.allows(url)
    started = time.monotonic()
    for _ in range(3):
        robots.client.get(url)
    assert time.monotonic() - started >= 0.75  # three requests 0.4 s apart, not 50 per second


def test_no_robots_txt_allows_everything(market_server):
    market_server.faults.robots_status = 404
    robots = gate()
    assert robots.allows(f"{market_server.url}/anything/at/all")
    assert "none published, everything allowed" in robots.manifest_extras()["robots_txt"][robots.rules.popitem()[0]]["status"]


def test_an_unavailable_robots_txt_means_do_not_crawl(market_server):
    market_server.faults.robots_status = 503
    robots = gate()
    with pytest.raises(RobotsDisallowedError, match="nothing may be crawled"):
        robots.require(f"{market_server.shop_url('glow-lab')}/products.json", "catalogue")
