"""The browser connector in real headless Chromium against the demo marketplace."""

import logging
import socket
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orchestration.formats.listing import extract_cards
from orchestration.formats.recipes import load_recipe, recipe_path
from orchestration.formats.rows import PRODUCTS_DOMAIN
from orchestration.snapshots.manifest import SnapshotWriter, read_pages
from orchestration.sources.browser.scraper import BlockedPageError, write_snapshot
from orchestration.sources.proxy import ProxyUnreachableError
from radar_demo.catalog import DemoMarket
from radar_demo.marketplace import DemoMarketplace
from radar_demo.marketplace_pages import render_listing_dom
from radar_demo.server import DemoMarketServer
from tests.support import marketplace_source

LOG = logging.getLogger("test-browser")
FIXED_HOUR = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def scrape(server, lake, **overrides):
    source = marketplace_source(server.url, **overrides)
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    writer = SnapshotWriter(lake, PRODUCTS_DOMAIN, source.name, "browser", "test", hour, run_id=f"t{time.monotonic_ns()}")
    extras = write_snapshot(source, writer, LOG)
    return writer.finish(**extras), writer


def stored_cards(lake, manifest):
    recipe = load_recipe("tokoloka-demo")
    return [(request, extract_cards(body.decode(), recipe)) for request, body in read_pages(lake, manifest)]


@pytest.fixture
def fixed_clock_server(demo_market):
    with DemoMarketServer(demo_market, clock=lambda: FIXED_HOUR) as server:
        yield server


def test_infinite_scroll_and_pagination_pass_the_bot_check(market_server, lake):
    manifest, _ = scrape(market_server, lake, max_items=45, max_pages=3)
    search, *category = manifest["requests"]
    # Search: one page, scrolled until at least 45 tiles (batches of 20) were filled in.
    assert search["watch"] == "Serum" and search["page_number"] == 1 and search["records"] == 60
    # Category: 30 tiles a page, the next-page link followed until max_items.
    assert [r["records"] for r in category] == [30, 30] and category[1]["url"].endswith("/marketplace/c/kopi?page=2")
    assert all(r["status"] == 200 for r in manifest["requests"])  # after the bot check's 403 and reload
    assert any(path.startswith("/marketplace/search") and status == 403 for _, path, status in market_server.request_log)
    assert manifest["watches"] == {"Serum": {"pages": 1, "cards": 60, "no_results": False},
                                   "Kopi": {"pages": 2, "cards": 60, "no_results": False}}
    for _, cards in stored_cards(lake, manifest):  # no placeholder was stored in place of a tile
        assert cards and all(card.price and card.title for card in cards)


def test_rate_limited_pages_are_retried(market_server, lake):
    market_server.faults.rate_limit_burst = 2
    manifest, _ = scrape(market_server, lake, watchlist=[{"url": "c/kopi", "category": "Kopi"}], max_items=30, max_pages=1)
    assert manifest["retries"] >= 2 and manifest["records"] == 30  # the demo's own token bucket may add more
    assert [status for _, path, status in market_server.request_log if path.startswith("/marketplace/c/")][:2] == [429, 429]


def test_contexts_are_recycled_with_a_fresh_user_agent(market_server, lake):
    manifest, _ = scrape(market_server, lake, pages_per_context=1, max_items=90, max_pages=3,
                         watchlist=[{"url": "c/kopi", "category": "Kopi"}])
    assert manifest["contexts"] == 3 and manifest["pages"] == 3
    assert len({r["user_agent"] for r in manifest["requests"]}) == 3


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_proxy_fails_within_ten_seconds(market_server, lake, monkeypatch):
    monkeypatch.setenv("RADAR_TEST_PROXY", f"http://user:secret@127.0.0.1:{closed_port()}")
    started = time.monotonic()
    with pytest.raises(ProxyUnreachableError) as error:
        scrape(market_server, lake, proxy_env="RADAR_TEST_PROXY")
    assert time.monotonic() - started < 10
    assert "RADAR_TEST_PROXY" in str(error.value) and "secret" not in str(error.value)
    assert not [path for _, path, _ in market_server.request_log if path.startswith("/marketplace")]


def test_a_captcha_fails_with_a_screenshot_and_no_rows(market_server, lake):
    market_server.faults.captcha = True
    with pytest.raises(BlockedPageError, match="challenge or captcha") as error:
        scrape(market_server, lake, recipe=str(short_challenge_recipe(lake)))
    screenshot_key = str(error.value).split("[screenshot: ")[1].rstrip("]")
    assert lake.get(screenshot_key)[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [key for key in lake.list_keys("raw/") if key.endswith("manifest.json")]  # nothing for staging to read


def test_an_empty_decoy_page_fails_instead_of_recording_zero_rows(market_server, lake):
    market_server.faults.decoy_empty = True
    with pytest.raises(BlockedPageError, match="decoy or blocked page"):
        scrape(market_server, lake, navigation_timeout_seconds=3)


def test_lazy_placeholders_that_never_fill_are_counted_not_taken_for_a_decoy(market_server, lake):
    market_server.faults.stuck_placeholders = 3
    manifest, _ = scrape(market_server, lake, watchlist=[{"url": "c/kopi", "category": "Kopi"}], max_items=30,
                         max_pages=1, navigation_timeout_seconds=3)
    (request,) = manifest["requests"]
    assert request["records"] == 30 and request["unfilled_placeholders"] == 3
    ((_, cards),) = stored_cards(lake, manifest)
    assert len(cards) == 30 and all(card.price and card.title for card in cards)


def test_the_browser_renders_what_demo_history_writes(fixed_clock_server, lake):
    """The page script and the Python history renderer must give the same cards for the same hour."""
    manifest, _ = scrape(fixed_clock_server, lake, watchlist=[{"url": "c/kopi", "category": "Kopi"}], max_items=30, max_pages=1)
    ((request, live_cards),) = stored_cards(lake, manifest)
    marketplace = DemoMarketplace(DemoMarket().marketplace)
    page = marketplace.category_page("kopi", 1, FIXED_HOUR, f"{fixed_clock_server.url}/marketplace")
    history_cards = extract_cards(render_listing_dom(page["items"], "Kopi", 2, False).decode(), load_recipe("tokoloka-demo"))

    def comparable(cards):
        return [replace(card, html="") for card in cards]

    assert len(live_cards) == 30
    assert comparable(live_cards) == comparable(history_cards)


def short_challenge_recipe(lake) -> Path:
    text = recipe_path("tokoloka-demo").read_text().replace("wait_seconds: 8", "wait_seconds: 2")
    path = Path(lake.root) / "tokoloka-short-challenge.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
