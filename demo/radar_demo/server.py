"""DEMO / TEST FIXTURE: the demo market on 127.0.0.1, speaking the real sources' formats.

Routes:
  GET  /shops/<shop>/products.json?limit=&page=            Shopify storefront format
  GET  /shops/<shop>/collections/<handle>/products.json?limit=&page=
  GET  /shops/<shop>/                                      an HTML storefront page
  GET  /marketplace/search?q=<keyword>                     Tokoloka: JS-rendered, infinite scroll
  GET  /marketplace/c/<category>?page=N                    Tokoloka: JS-rendered, paginated
  GET  /marketplace/api/search?q=&page=, /marketplace/api/category/<category>?page=
  GET  /marketplace/promo/click?r=<url>                    ad click redirect
  GET  /stores/hearth-and-loom/sitemap.xml                 JSON-LD shop: sitemap index, product pages
  GET  /_demo/health
  POST /_demo/faults                                       JSON body: see ServerFaults (tests and manual demos)
  POST /_demo/alerts/<any path>, GET /_demo/alerts         a Slack-style webhook receiver for the demo's alerts

Tokoloka pages need the bot-check cookie (a script on the challenge page sets it) and answer
429 with Retry-After when a client pulls pages faster than a token bucket allows.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote_plus, urlsplit

from radar_demo import tikhub_pages
from radar_demo.alert_inbox import INBOX_PATH, AlertInbox
from radar_demo.catalog import DemoMarket
from radar_demo.creators import HASHTAGS
from radar_demo.jsonld_pages import (
    render_not_found,
    render_pages_sitemap,
    render_product_page,
    render_products_sitemap,
    render_sitemap_index,
)
from radar_demo.marketplace import CATEGORY_PAGE_SIZE, SEARCH_PAGE_SIZE, DemoMarketplace
from radar_demo.marketplace_pages import (
    BOT_COOKIE,
    bot_cookie_value,
    render_bot_check,
    render_captcha,
    render_image,
    render_shell,
)
from radar_demo.shopify_pages import RecordFaults, render_products_page

_PRODUCTS = re.compile(r"^/shops/(?P<shop>[a-z0-9-]+)(?:/collections/(?P<collection>[a-z0-9-]+))?/products\.json$")
_STOREFRONT = re.compile(r"^/shops/(?P<shop>[a-z0-9-]+)/?$")
_MARKET_CATEGORY = re.compile(r"^/marketplace/c/(?P<category>[a-z0-9-]+)$")
_MARKET_API_CATEGORY = re.compile(r"^/marketplace/api/category/(?P<category>[a-z0-9-]+)$")
_MARKET_PRODUCT = re.compile(r"^/marketplace/p/[^/]+/[^/]+$")
_MARKET_IMAGE = re.compile(r"^/marketplace/img/(?P<id>\d+)\.svg$")


# What a real market publishes: the catalogue is open, the ad-click redirects and the demo's
# control endpoints are not for crawlers.
DEFAULT_ROBOTS_TXT = """User-agent: *
Disallow: /_demo/
Disallow: /marketplace/promo/
"""


@dataclass
class ServerFaults:
    """Misbehaviour to inject; counters are consumed request by request."""

    rate_limit_burst: int = 0  # next N product requests answer 429
    retry_after_seconds: int = 1
    server_errors: int = 0  # next N product requests answer 503
    html_instead_of_json: bool = False  # products.json answers 200 text/html (a blocked or non-Shopify shop)
    slow_seconds: float = 0.0
    records: RecordFaults = field(default_factory=RecordFaults)
    captcha: bool = False  # every marketplace page is a captcha that never passes
    decoy_empty: bool = False  # marketplace pages render no tiles and no "no results" message
    stuck_placeholders: int = 0  # this many lazy placeholders of each marketplace load never fill
    tikhub_rate_limit_burst: int = 0  # next N TikHub calls answer 429 (TikHub envelope, Retry-After)
    tikhub_cloudflare: int = 0  # next N TikHub calls answer a Cloudflare edge block (403, RFC 9457 body)
    tikhub_no_balance: bool = False  # every TikHub call answers 402
    tikhub_failing_hashtag: str | None = None  # this hashtag's video list answers 400
    tikhub_corrupt_videos: int = 0  # the first N videos of each hashtag page lose their aweme_id
    robots_txt: str | None = None  # replaces the market's robots.txt
    robots_status: int = 200  # answer /robots.txt with this status (404: none published, 503: unavailable)


class _TokenBucket:
    """Bursty rate limiting: ``capacity`` requests at once, refilled at ``rate`` per second."""

    def __init__(self, capacity: float, rate: float):
        self.capacity, self.rate = capacity, rate
        self.tokens, self.updated = capacity, time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


class DemoMarketServer:
    """The demo market in a background thread."""

    def __init__(
        self,
        market: DemoMarket | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        marketplace_requests_per_second: float | None = 2.0,
    ):
        self.market = market or DemoMarket()
        self.clock = clock
        self.faults = ServerFaults()
        self.request_log: list[tuple[float, str, int]] = []
        self.alert_inbox = AlertInbox()
        self.marketplace = DemoMarketplace(self.market.marketplace)
        # Bursty 429s like a real marketplace's edge; None turns them off (benchmarks measure the scraper).
        self.marketplace_bucket = _TokenBucket(capacity=8, rate=marketplace_requests_per_second) \
            if marketplace_requests_per_second else None
        self.bot_cookie = bot_cookie_value(self.market.seed)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def shop_url(self, shop: str) -> str:
        return f"{self.url}/shops/{shop}"

    @property
    def marketplace_url(self) -> str:
        return f"{self.url}/marketplace"

    @property
    def jsonld_shop_url(self) -> str:
        return f"{self.url}/stores/{self.market.jsonld_shop.name}"

    def start(self) -> DemoMarketServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-market", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> DemoMarketServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def pin_clock(self, at: datetime) -> None:
        """From now on the market shows ``at`` plus the real time elapsed since this call."""
        started = time.monotonic()
        self.clock = lambda: at + timedelta(seconds=time.monotonic() - started)

    def _set_clock(self, at: str | None) -> tuple:
        """`GET /_demo/clock?at=<ISO instant>` (the clock hook `radar simulate` calls); without `at`, report it."""
        if at:
            try:
                moment = datetime.fromisoformat(at)
            except ValueError:
                return 400, json.dumps({"error": f"not an ISO 8601 instant: {at!r}"}).encode(), "application/json"
            self.pin_clock(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        return 200, json.dumps({"now": self.clock().astimezone(UTC).isoformat()}).encode(), "application/json"

    def _take_fault(self) -> tuple[int, dict[str, str]] | None:
        with self._lock:
            if self.faults.rate_limit_burst > 0:
                self.faults.rate_limit_burst -= 1
                return 429, {"Retry-After": str(self.faults.retry_after_seconds)}
            if self.faults.server_errors > 0:
                self.faults.server_errors -= 1
                return 503, {}
        return None

    def _marketplace(self, path: str, query: dict[str, str], headers) -> tuple:
        """(status, body, content type, headers) for a Tokoloka route."""
        html = "text/html; charset=utf-8"
        base = f"http://{headers.get('Host') or self.url.removeprefix('http://')}/marketplace"
        if path == "/marketplace/promo/click":
            target = query.get("r", "")
            if not target.startswith(base):
                return 400, b"bad redirect", "text/plain"
            return 302, b"", "text/plain", {"Location": target}
        if match := _MARKET_IMAGE.match(path):
            return 200, render_image(match["id"]), "image/svg+xml"
        cookies = SimpleCookie(headers.get("Cookie") or "")
        passed = BOT_COOKIE in cookies and cookies[BOT_COOKIE].value == self.bot_cookie
        is_api = path.startswith("/marketplace/api/")
        if self.marketplace_bucket is not None and not self.marketplace_bucket.take():
            return 429, b'{"error":"too many requests"}' if is_api else b"<h1>429 Too Many Requests</h1>", \
                "application/json" if is_api else html, {"Retry-After": "1"}
        if not is_api:
            if fault := self._take_fault():
                return fault[0], b"<h1>Too many requests</h1>", html, fault[1]
            if self.faults.captcha:
                return 200, render_captcha(), html
            if not passed:
                return 403, render_bot_check(self.bot_cookie), html
        elif not passed:
            return 403, b'{"error":"bot check required"}', "application/json"
        now = self.clock()
        page = int(query.get("page", "1")) if query.get("page", "1").isdigit() else 1
        if path == "/marketplace/search":
            keyword = query.get("q", "")
            api = f"/marketplace/api/search?q={quote_plus(keyword)}"
            shell = render_shell(api, page, SEARCH_PAGE_SIZE, "scroll", f"Hasil pencarian untuk \"{keyword}\"",
                                 self.faults.stuck_placeholders)
            return 200, self._decoy(shell), html
        if match := _MARKET_CATEGORY.match(path):
            api = f"/marketplace/api/category/{match['category']}"
            shell = render_shell(api, page, CATEGORY_PAGE_SIZE, "pages", match["category"].title(),
                                 self.faults.stuck_placeholders)
            return 200, self._decoy(shell), html
        if path == "/marketplace/api/search":
            body = self.marketplace.search_page(query.get("q", ""), page, now, base)
            return 200, json.dumps(body).encode(), "application/json"
        if match := _MARKET_API_CATEGORY.match(path):
            body = self.marketplace.category_page(match["category"], page, now, base)
            return 200, json.dumps(body).encode(), "application/json"
        if _MARKET_PRODUCT.match(path):
            return 200, b"<!doctype html><html><body><h1>Demo product page</h1></body></html>", html
        return 404, b"<h1>404</h1>", html

    def _decoy(self, shell: bytes) -> bytes:
        if not self.faults.decoy_empty:
            return shell
        return shell.split(b"<script", 1)[0] + b"</body></html>"

    def _tikhub(self, router: str, query: dict[str, str], headers) -> tuple:
        """(status, body, content type, headers) for a TikHub-compatible route."""
        population, now = self.market.creators, self.clock()
        day = now.astimezone(UTC).date()
        json_type = "application/json"
        key = (headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        if key != tikhub_pages.DEMO_API_KEY:
            # The real API echoes the submitted key in its 401 message; clients must redact it.
            return 401, tikhub_pages.error_body(401, f"Invalid API key: {key}", router), json_type
        with self._lock:
            if self.faults.tikhub_rate_limit_burst > 0:
                self.faults.tikhub_rate_limit_burst -= 1
                return 429, tikhub_pages.error_body(429, "Rate limit exceeded", router), json_type, {"Retry-After": "0"}
            if self.faults.tikhub_cloudflare > 0:
                self.faults.tikhub_cloudflare -= 1
                return 403, tikhub_pages.cloudflare_body(), "application/problem+json"
        if self.faults.tikhub_no_balance:
            return 402, tikhub_pages.error_body(402, "Insufficient balance", router), json_type
        app = "/api/v1/tiktok/app/v3"
        count = int(query.get("count", "20")) if query.get("count", "20").isdigit() else 20
        if router == f"{app}/fetch_hashtag_search_result":
            data = tikhub_pages.hashtag_search(query.get("keyword", ""), HASHTAGS)
        elif router == f"{app}/fetch_hashtag_detail":
            name = tikhub_pages.hashtag_name_for(query.get("ch_id", ""), HASHTAGS)
            data = tikhub_pages.hashtag_detail(population, name or "")
        elif router == f"{app}/fetch_hashtag_video_list":
            name = tikhub_pages.hashtag_name_for(query.get("ch_id", ""), HASHTAGS)
            if name is None or name == self.faults.tikhub_failing_hashtag:
                return 400, tikhub_pages.error_body(400, f"Invalid ch_id {query.get('ch_id')!r}", router), json_type
            data = tikhub_pages.hashtag_videos(population, name, day, int(query.get("cursor", "0")), count)
            for broken in data["aweme_list"][: self.faults.tikhub_corrupt_videos]:
                broken["aweme_id"] = None
        elif router == f"{app}/fetch_video_search_result":
            data = tikhub_pages.search_videos(population, query.get("keyword", ""), day, int(query.get("offset", "0")), count)
        elif router == f"{app}/handler_user_profile":
            creator = population.creator(query.get("sec_user_id") or query.get("user_id") or query.get("unique_id") or "", day)
            if creator is None:
                return 404, tikhub_pages.error_body(404, "User not found", router), json_type
            data = tikhub_pages.app_profile(creator, day)
        else:
            return 404, tikhub_pages.error_body(404, "Not Found", router), json_type
        return 200, tikhub_pages.envelope(router, query, data, now), json_type

    def _jsonld_store(self, path: str) -> tuple:
        shop = self.market.jsonld_shop
        prefix = f"/stores/{shop.name}"
        shop_url = f"{self.url}{prefix}"
        xml, html = "application/xml", "text/html; charset=utf-8"
        if path == f"{prefix}/sitemap.xml":
            return 200, render_sitemap_index(shop_url), xml
        if path == f"{prefix}/sitemap_products_1.xml":
            return 200, render_products_sitemap(shop, shop_url), xml
        if path == f"{prefix}/sitemap_pages_1.xml":
            return 200, render_pages_sitemap(shop_url), xml
        if path.startswith(f"{prefix}/products/"):
            handle = path.removeprefix(f"{prefix}/products/")
            product = next((p for p in shop.products if p.handle == handle), None)
            if product is None:
                return 404, render_not_found(), html
            return 200, render_product_page(shop, product, self.clock(), shop_url), html
        return 404, render_not_found(), html

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes; without NODELAY, Nagle + delayed ACK add ~40 ms a request.
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: object) -> None:  # quiet: the request log is kept in memory
                pass

            def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                # Logged before the body goes out: a client that has its answer finds its request logged.
                server.request_log.append((time.monotonic(), self.path, status))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
                if parts.path == "/robots.txt":
                    body = server.faults.robots_txt if server.faults.robots_txt is not None else DEFAULT_ROBOTS_TXT
                    return self._send(server.faults.robots_status, body.encode(), "text/plain; charset=utf-8")
                if parts.path == "/_demo/health":
                    return self._send(200, b'{"status":"ok","demo":true}', "application/json")
                if parts.path == "/_demo/clock":
                    return self._send(*server._set_clock(query.get("at")))
                if parts.path == INBOX_PATH:
                    return self._send(*server.alert_inbox.listing())
                if parts.path.startswith("/marketplace/"):
                    return self._send(*server._marketplace(parts.path, query, self.headers))
                if parts.path.startswith("/tikhub/"):
                    return self._send(*server._tikhub(parts.path.removeprefix("/tikhub"), query, self.headers))
                if parts.path.startswith("/stores/"):
                    return self._send(*server._jsonld_store(parts.path))
                if match := _STOREFRONT.match(parts.path):
                    page = f"<html><body><h1>{match['shop']} (demo shop)</h1></body></html>".encode()
                    return self._send(200, page, "text/html; charset=utf-8")
                match = _PRODUCTS.match(parts.path)
                if not match:
                    return self._send(404, b'{"errors":"Not Found"}', "application/json")
                if server.faults.slow_seconds:
                    time.sleep(server.faults.slow_seconds)
                if fault := server._take_fault():
                    status, headers = fault
                    return self._send(status, b'{"errors":"demo fault"}', "application/json", headers)
                if server.faults.html_instead_of_json:
                    return self._send(200, b"<!doctype html><html><body>Access denied</body></html>", "text/html; charset=utf-8")
                try:
                    shop = server.market.shop(match["shop"])
                    limit, page = int(query.get("limit", 30)), int(query.get("page", 1))
                except (KeyError, ValueError) as error:
                    return self._send(404, json.dumps({"errors": str(error)}).encode(), "application/json")
                records = server.faults.records if server.faults.records.any() else None
                body = render_products_page(shop, server.clock(), page, limit, match["collection"], records)
                return self._send(200, body, "application/json; charset=utf-8")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if urlsplit(self.path).path.startswith(INBOX_PATH + "/"):
                    body = self.rfile.read(length)
                    return self._send(*server.alert_inbox.receive(self.headers.get("Idempotency-Key"), body))
                if urlsplit(self.path).path != "/_demo/faults":
                    return self._send(404, b"{}", "application/json")
                try:
                    settings = json.loads(self.rfile.read(length) or b"{}")
                    records = RecordFaults(**settings.pop("records", {}))
                    server.faults = ServerFaults(**settings, records=records)
                except (TypeError, ValueError) as error:
                    return self._send(400, json.dumps({"error": str(error)}).encode(), "application/json")
                return self._send(200, json.dumps(asdict(server.faults)).encode(), "application/json")

        return Handler
