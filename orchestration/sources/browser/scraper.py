"""The browser connector: render marketplace listing pages in headless Chromium and keep the HTML.

For each watchlist entry it opens the search or category page, waits out a light bot check,
fills lazy tiles by scrolling (infinite scroll) or follows the next-page link, and stores each
rendered page's HTML in the snapshot. It never extracts rows: staging cuts cards out of the
stored HTML offline with the same recipe. A challenge that does not pass, a captcha, or a page
without cards fails the partition with a screenshot kept next to the snapshot; it never
becomes zero rows.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from logging import Logger
from typing import Any
from urllib.parse import urljoin, urlsplit

from orchestration.clock import utc_now
from orchestration.config import BrowserSource, Watch
from orchestration.formats.listing import extract_cards, first_sightings, observations_from_cards
from orchestration.formats.normalize import BrandDictionary
from orchestration.formats.recipes import Recipe, RecipeError, load_recipe
from orchestration.formats.responses import FetchedResponse
from orchestration.formats.rows import ProductObservation, ProductPage
from orchestration.snapshots.manifest import ArchivedPage, SnapshotWriter, fetched_at
from orchestration.sources.browser.runtime import BrowserUnavailableError, launch_chromium
from orchestration.sources.http import PoliteHttpClient
from orchestration.sources.proxy import ProxyUnreachableError, proxy_from_source
from orchestration.sources.retry import (
    RETRYABLE_STATUSES,
    HostRateLimiter,
    RetryableFailure,
    RetryPolicy,
    SourceUnavailableError,
    call_with_retries,
    parse_retry_after,
)
from orchestration.sources.robots import RobotsDisallowedError, RobotsGate, robots_gate

PROXY_ERRORS = ("ERR_PROXY_CONNECTION_FAILED", "ERR_TUNNEL_CONNECTION_FAILED", "ERR_SOCKS_CONNECTION_FAILED",
                "ERR_PROXY_AUTH", "ERR_NO_SUPPORTED_PROXIES", "ERR_MANDATORY_PROXY_CONFIGURATION_FAILED")
POLL_SECONDS = 0.1

# One round trip that tells what the page currently is.
_PROBE = """(sel) => {
  const count = (s) => s ? document.querySelectorAll(s).length : 0;
  return {
    cards: count(sel.card),
    placeholders: count(sel.placeholder),
    noResults: count(sel.noResults) > 0,
    end: count(sel.end) > 0,
    next: sel.next ? (document.querySelector(sel.next)?.getAttribute('href') || null) : null,
    challenge: sel.challenge.some((s) => document.querySelector(s) !== null),
    title: document.title,
    height: document.body ? document.body.scrollHeight : 0,
  };
}"""


class BlockedPageError(RuntimeError):
    """The site showed a challenge, captcha or decoy instead of listings."""


@dataclass
class WatchResult:
    label: str
    pages: int = 0
    cards: int = 0
    no_results: bool = False
    robots_disallowed: bool = False  # robots.txt stopped this entry (at its first page or a later one)


class ListingScraper:
    """Reads a source's watchlist in one browser; contexts are recycled every few pages."""

    def __init__(self, browser: Any, source: BrowserSource, recipe: Recipe, writer: SnapshotWriter, log: Logger,
                 policy: RetryPolicy | None = None, seed: str | None = None, robots: RobotsGate | None = None):
        self.browser = browser
        self.robots = robots
        self.source = source
        self.recipe = recipe
        self.writer = writer
        self.log = log
        self.policy = policy or RetryPolicy()
        self.rng = random.Random(seed or writer.run_id)
        self.limiter = HostRateLimiter(source.rate_limit_per_second, time.monotonic, time.sleep)
        self.retries = 0
        self.contexts_opened = 0
        self._context: Any = None
        self._page: Any = None
        self._pages_in_context = 0
        self._user_agent_offset = self.rng.randrange(len(recipe.user_agents))
        self._navigation_statuses: list[int] = []
        self._title_patterns = [re.compile(p, re.IGNORECASE) for p in recipe.challenge.title_patterns]

    # -- contexts -----------------------------------------------------------------------------
    @property
    def user_agent(self) -> str:
        agents = self.recipe.user_agents
        return agents[(self._user_agent_offset + self.contexts_opened - 1) % len(agents)]

    def _current_page(self) -> Any:
        if self._page is None or self._pages_in_context >= self.source.pages_per_context:
            self.close()
            self.contexts_opened += 1
            self._context = self.browser.new_context(
                user_agent=self.user_agent,
                locale=self.recipe.locale,
                timezone_id=self.recipe.timezone,
                viewport={"width": self.recipe.viewport.width, "height": self.recipe.viewport.height},
                extra_http_headers={"Accept-Language": f"{self.recipe.locale},{self.recipe.locale.split('-')[0]};q=0.9"},
            )
            self._context.set_default_timeout(self.source.navigation_timeout_seconds * 1000)
            self._page = self._context.new_page()
            self._page.on("response", self._record_navigation)
            self._pages_in_context = 0
        self._pages_in_context += 1
        return self._page

    def _record_navigation(self, response: Any) -> None:
        try:
            if response.request.is_navigation_request() and response.frame == response.frame.page.main_frame:
                self._navigation_statuses.append(response.status)
        except Exception:  # noqa: BLE001 - a closing page must not break the scrape
            pass

    def close(self) -> None:
        if self._context is not None:
            self._context.close()
        self._context = self._page = None

    # -- navigation -----------------------------------------------------------------------------
    def _pause(self) -> None:
        low, high = self.recipe.scroll.pause_ms
        time.sleep(self.rng.uniform(low, high) / 1000)

    def _goto(self, page: Any, url: str) -> int:
        """Navigate with the shared retry loop; returns the attempt count."""
        from playwright.sync_api import Error as PlaywrightError

        host = urlsplit(url).netloc.lower()

        def attempt(number: int) -> int:
            try:
                response = page.goto(url, wait_until="domcontentloaded")
            except PlaywrightError as error:
                message = str(error).splitlines()[0]
                if any(code in message for code in PROXY_ERRORS):
                    raise ProxyUnreachableError(f"{url}: the browser could not use the proxy ({message}); "
                                                "no page was fetched") from None
                raise RetryableFailure(message) from None
            status = response.status if response is not None else 0
            if status in RETRYABLE_STATUSES:
                raise RetryableFailure(f"HTTP {status}", parse_retry_after(response.headers.get("retry-after")))
            return number

        def log_retry(failure: str, delay: float, next_attempt: int) -> None:
            self.retries += 1
            self.log.info(f"{self.source.name}: {failure} for {url}; retrying in {delay:.1f}s (attempt {next_attempt})")

        return call_with_retries(attempt, what=f"GET {url} (browser)", policy=self.policy, rng=self.rng,
                                 before_attempt=lambda: self.limiter.wait(host), on_retry=log_retry)

    def _probe(self, page: Any) -> dict[str, Any] | None:
        from playwright.sync_api import Error as PlaywrightError

        recipe = self.recipe
        selectors = {"card": recipe.card, "placeholder": recipe.placeholder, "noResults": recipe.no_results,
                     "end": recipe.end_of_results, "next": recipe.next_page, "challenge": recipe.challenge.selectors}
        try:
            state = page.evaluate(_PROBE, selectors)
        except PlaywrightError:
            return None  # the page is navigating (a bot check reloading): look again
        state["challenge"] = state["challenge"] or any(p.search(state["title"] or "") for p in self._title_patterns)
        return state

    def _await_listing(self, page: Any, url: str) -> dict[str, Any]:
        """Wait until cards are filled in or the page says 'no results'; fail on a challenge or decoy."""
        deadline = time.monotonic() + self.source.navigation_timeout_seconds
        challenge_since = None
        while True:
            state = self._probe(page)
            now = time.monotonic()
            if state is not None:
                if state["challenge"]:
                    challenge_since = challenge_since or now
                    if now - challenge_since > self.recipe.challenge.wait_seconds:
                        raise BlockedPageError(
                            f"{url}: a challenge or captcha page ({state['title']!r}) did not pass within "
                            f"{self.recipe.challenge.wait_seconds:.0f}s; the partition stops rather than record an empty listing"
                        )
                elif state["cards"] > 0 and state["placeholders"] == 0 or state["noResults"]:
                    return state
            if now > deadline and challenge_since is not None and state is not None and state["challenge"]:
                raise BlockedPageError(
                    f"{url}: still a challenge or captcha page ({state['title']!r}) when the "
                    f"{self.source.navigation_timeout_seconds:.0f}s navigation timeout ran out; the partition stops "
                    "rather than record an empty listing"
                )
            if now > deadline and state is not None and state["cards"] > 0:
                # Lazy placeholders that never filled (ad slots, a stalled image): the filled cards are
                # real; take them, and the manifest counts the placeholders left.
                return state
            if now > deadline:
                raise BlockedPageError(
                    f"{url}: no product cards ({self.recipe.card}) and no 'no results' marker within "
                    f"{self.source.navigation_timeout_seconds:.0f}s: a decoy or blocked page, or the site's layout changed "
                    f"(check the recipe {self.recipe.site})"
                )
            time.sleep(POLL_SECONDS)

    def _scroll_for_more(self, page: Any, state: dict[str, Any], wanted: int) -> dict[str, Any]:
        """Scroll like a reader until ``wanted`` cards, the end marker, or no more growth."""
        stale = 0
        for _ in range(self.recipe.scroll.max_rounds):
            if state["cards"] >= wanted or state["end"] or state["next"]:
                break
            page.mouse.wheel(0, self.recipe.viewport.height * self.rng.uniform(0.8, 1.3))
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            self._pause()
            before = state["cards"]
            deadline = time.monotonic() + self.recipe.scroll.settle_seconds
            while time.monotonic() < deadline:
                latest = self._probe(page)
                if latest is not None:
                    state = latest
                    if (state["cards"] > before and state["placeholders"] == 0) or state["end"]:
                        break
                time.sleep(POLL_SECONDS)
            stale = stale + 1 if state["cards"] <= before else 0
            if stale >= 2:
                break
        return state

    def _keep_failure_evidence(self, page: Any, number: int) -> str:
        try:
            key = self.writer.add_failure_artifact(f"page-{number:04d}.png", page.screenshot(full_page=False))
            self.writer.add_failure_artifact(f"page-{number:04d}.html", page.content().encode())
            return key
        except Exception as error:  # noqa: BLE001 - evidence is best effort; the real error is reported
            return f"(screenshot failed: {error})"

    # -- watchlist ---------------------------------------------------------------------------------
    def start_url(self, watch: Watch) -> str:
        if watch.keyword:
            return self.recipe.search_page_url(self.source.base_url, watch.keyword)
        return urljoin(self.source.base_url + "/", watch.url or "")

    def scrape_watch(self, watch: Watch) -> WatchResult:
        result = WatchResult(watch.label)
        url: str | None = self.start_url(watch)
        while url and result.pages < self.source.max_pages and result.cards < self.source.max_items:
            if self.robots is not None and not self.robots.allows(url):
                result.robots_disallowed = True
                break
            page = self._current_page()
            number = len(self.writer.requests) + 1
            self._navigation_statuses.clear()
            try:
                attempts = self._goto(page, url)
                state = self._await_listing(page, url)
                state = self._scroll_for_more(page, state, self.source.max_items - result.cards)
                html = page.content()
            except (BlockedPageError, SourceUnavailableError) as error:
                evidence = self._keep_failure_evidence(page, number)
                raise type(error)(f"{error} [screenshot: {evidence}]") from None
            cards = extract_cards(html, self.recipe)
            if cards and not any(card.price for card in cards):
                evidence = self._keep_failure_evidence(page, number)
                raise BlockedPageError(f"{url}: {len(cards)} cards but none shows a price: a decoy page [screenshot: {evidence}]")
            status = self._navigation_statuses[-1] if self._navigation_statuses else 200
            self.writer.add(
                FetchedResponse(url=page.url, status=status, content_type="text/html; charset=utf-8",
                                body=html.encode("utf-8"), fetched_at=utc_now(), attempts=attempts),
                len(cards), "html",
                role="listing", watch=watch.label, keyword=watch.keyword, watch_url=watch.url,
                page_number=result.pages + 1, user_agent=self.user_agent,
                **({"unfilled_placeholders": state["placeholders"]} if state["placeholders"] else {}),
            )
            result.pages += 1
            result.cards += len(cards)
            if state["noResults"] and not cards:
                result.no_results = True
                break
            url = urljoin(page.url, state["next"]) if state["next"] else None
            if url and result.pages < self.source.max_pages and result.cards < self.source.max_items:
                self._pause()  # a reader's pause before the next page, not after the last one
        return result


def write_snapshot(source: BrowserSource, writer: SnapshotWriter, log: Logger) -> dict[str, Any]:
    """Scrape every watchlist entry into ``writer``; returns the manifest extras."""
    recipe = load_recipe(source.recipe)
    proxy = proxy_from_source(source.proxy_env, source.proxy_url)
    results = []
    with launch_chromium(proxy) as (browser, browser_description), \
            PoliteHttpClient(source.rate_limit_per_second, proxy=proxy.url if proxy else None) as robots_client:
        log.info(f"{source.name}: {browser_description}, recipe {recipe.site}, locale {recipe.locale}, {recipe.timezone}")
        scraper = ListingScraper(browser, source, recipe, writer, log)
        scraper.robots = robots = robots_gate(robots_client, source.name, source.respect_robots_txt, log,
                                              slow_down=scraper.limiter.slow_down)
        try:
            for watch in source.watchlist:
                started = time.monotonic()
                result = scraper.scrape_watch(watch)
                results.append(result)
                log.info(f"{source.name}: {watch.label!r}: {result.cards} cards on {result.pages} page(s) "
                         f"in {time.monotonic() - started:.1f}s" + (" (no results)" if result.no_results else ""))
        finally:
            scraper.close()
    if all(result.robots_disallowed and not result.pages for result in results):
        raise RobotsDisallowedError(f"{source.name}: robots.txt disallows every watchlist page "
                                    f"({', '.join(robots.disallowed)}); nothing fetched")
    if all(result.no_results for result in results if not result.robots_disallowed):
        raise BlockedPageError(
            f"{source.name}: every watchlist entry answered 'no results'; that is a blocked or broken scrape, not an empty market"
        )
    return {
        "truncated": any(result.cards >= source.max_items for result in results),
        "retries": scraper.retries,
        "rate_limit_per_second": source.rate_limit_per_second,
        "browser": browser_description,
        "recipe": recipe.site,
        "contexts": scraper.contexts_opened,
        "watches": {result.label: {"pages": result.pages, "cards": result.cards, "no_results": result.no_results}
                    for result in results},
        **robots.manifest_extras(),
    }


class BrowserConnector:
    kind = "browser"
    version = "1.0.0"
    describes = "rendered listing pages (HTML, via headless Chromium)"
    permanent_errors = (ProxyUnreachableError, BlockedPageError, BrowserUnavailableError, RecipeError,
                        RobotsDisallowedError)

    def check(self, source: BrowserSource) -> None:
        """The recipe must exist and be valid (RecipeError names the file and the key)."""
        load_recipe(source.recipe)

    def fetch(self, source: BrowserSource, writer: SnapshotWriter, log: Logger,
              secrets: Mapping[str, str]) -> dict[str, Any]:
        return write_snapshot(source, writer, log)

    def parse(self, source: BrowserSource, pages: Iterable[ArchivedPage], window_start: datetime,
              brands: BrandDictionary) -> Iterator[ProductPage]:
        """Cards of every listing page with the recipe, offline; one page out, since a product
        listed on several pages (or as an ad) is kept once."""
        recipe = load_recipe(source.recipe)
        observations: list[ProductObservation] = []
        rejected = []
        for page in pages:
            page_rows, page_rejected = observations_from_cards(
                extract_cards(page.body.decode("utf-8", "replace"), recipe), source_name=source.name,
                page_url=page.request["url"], currency=source.currency, category=page.request.get("watch"),
                brands=brands, partition_hour=window_start, observed_at=fetched_at(page.request),
                snapshot_key=page.request["object_key"],
            )
            observations.extend(page_rows)
            rejected.extend(page_rejected)
        yield ProductPage(first_sightings(observations), rejected)


CONNECTOR = BrowserConnector()
