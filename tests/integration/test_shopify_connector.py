"""The Shopify connector against the demo market over real HTTP on 127.0.0.1."""

import time

import pytest

from orchestration.config import ShopifySource
from orchestration.formats.responses import SourceFormatError
from orchestration.sources.http import PoliteHttpClient
from orchestration.sources.retry import RetryPolicy, SourceUnavailableError
from orchestration.sources.shopify import fetch_catalog_pages

FAST_RETRIES = RetryPolicy(max_attempts=4, max_total_seconds=10, backoff_base_seconds=0.01, backoff_max_seconds=0.05)


def source(server, shop="trail-and-tide", **overrides) -> ShopifySource:
    values = {"name": shop, "kind": "shopify", "base_url": server.shop_url(shop), "currency": "EUR",
              "rate_limit_per_second": 50, "max_pages": 20, **overrides}
    return ShopifySource(**values)


def fetch_all(server, client=None, **overrides):
    client = client or PoliteHttpClient(50, policy=FAST_RETRIES)
    with client:
        return list(fetch_catalog_pages(client, source(server, **overrides))), client.stats


def test_pages_until_an_empty_page(market_server, demo_market):
    pages, stats = fetch_all(market_server)
    counts = [count for _, count in pages]
    assert counts == [250, 70, 0]
    assert sum(counts) == len(demo_market.shop("trail-and-tide").products)
    assert stats.requests == 3 and stats.retries == 0
    assert pages[1][0].url.endswith("/shops/trail-and-tide/products.json?limit=250&page=2")


def test_collection_endpoint(market_server, demo_market):
    pages, _ = fetch_all(market_server, collection="tents")
    expected = sum(p.product_type == "Tents" for p in demo_market.shop("trail-and-tide").products)
    assert [count for _, count in pages] == [expected, 0]
    assert "/collections/tents/products.json" in pages[0][0].url


def test_max_pages_stops_early(market_server):
    pages, _ = fetch_all(market_server, max_pages=1)
    assert [count for _, count in pages] == [250]


def test_429_is_retried_honouring_retry_after(market_server):
    market_server.faults.rate_limit_burst = 2
    market_server.faults.retry_after_seconds = 1
    started = time.monotonic()
    pages, stats = fetch_all(market_server)
    assert [count for _, count in pages] == [250, 70, 0]
    assert stats.retries == 2
    assert time.monotonic() - started >= 2.0  # two Retry-After: 1 waits, not the 10 ms backoff
    assert pages[0][0].attempts == 3


def test_persistent_5xx_fails_with_a_clear_message(market_server):
    market_server.faults.server_errors = 100
    with pytest.raises(SourceUnavailableError, match=r"products\.json\?limit=250&page=1 failed after 4 attempt\(s\).*HTTP 503"):
        fetch_all(market_server)


def test_total_retry_time_is_capped(market_server):
    market_server.faults.rate_limit_burst = 100
    market_server.faults.retry_after_seconds = 30
    policy = RetryPolicy(max_attempts=10, max_total_seconds=5)
    started = time.monotonic()
    with pytest.raises(SourceUnavailableError, match="would pass the 5s cap"):
        fetch_all(market_server, client=PoliteHttpClient(50, policy=policy))
    assert time.monotonic() - started < 2


def test_html_answer_is_an_error_not_an_empty_catalogue(market_server):
    market_server.faults.html_instead_of_json = True
    with pytest.raises(SourceFormatError, match="text/html.*not a Shopify store.*not an empty catalogue"):
        fetch_all(market_server)


def test_unknown_shop_404_is_an_error(market_server):
    with pytest.raises(SourceFormatError, match="HTTP 404"):
        fetch_all(market_server, shop="no-such-shop")


def test_dead_proxy_fails_fast():
    policy = RetryPolicy(max_attempts=3, max_total_seconds=5, backoff_base_seconds=0.05)
    client = PoliteHttpClient(50, policy=policy, proxy="http://127.0.0.1:9", timeout_seconds=2)
    started = time.monotonic()
    with client, pytest.raises(SourceUnavailableError, match="ConnectError"):
        client.get("http://127.0.0.1:1/products.json")
    assert time.monotonic() - started < 10


def test_per_host_rate_limit_spaces_requests(market_server):
    client = PoliteHttpClient(10, policy=FAST_RETRIES)
    started = time.monotonic()
    with client:
        for _ in range(6):
            client.get(f"{market_server.url}/_demo/health")
    assert time.monotonic() - started >= 0.5  # 6 requests at 10/s: 5 gaps of 0.1 s
