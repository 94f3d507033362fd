"""DEMO / TEST FIXTURE: the demo market on 127.0.0.1, speaking Shopify's storefront format.

Routes:
  GET  /shops/<shop>/products.json?limit=&page=
  GET  /shops/<shop>/collections/<handle>/products.json?limit=&page=
  GET  /shops/<shop>/                       an HTML storefront page
  GET  /_demo/health
  POST /_demo/faults                        JSON body: see ServerFaults (tests and manual demos)
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from orchestration.demo.catalog import DemoMarket
from orchestration.demo.shopify_pages import RecordFaults, render_products_page

_PRODUCTS = re.compile(r"^/shops/(?P<shop>[a-z0-9-]+)(?:/collections/(?P<collection>[a-z0-9-]+))?/products\.json$")
_STOREFRONT = re.compile(r"^/shops/(?P<shop>[a-z0-9-]+)/?$")


@dataclass
class ServerFaults:
    """Misbehaviour to inject; counters are consumed request by request."""

    rate_limit_burst: int = 0  # next N product requests answer 429
    retry_after_seconds: int = 1
    server_errors: int = 0  # next N product requests answer 503
    html_instead_of_json: bool = False  # products.json answers 200 text/html (a blocked or non-Shopify shop)
    slow_seconds: float = 0.0
    records: RecordFaults = field(default_factory=RecordFaults)


class DemoMarketServer:
    """The demo market in a background thread."""

    def __init__(
        self,
        market: DemoMarket | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.market = market or DemoMarket()
        self.clock = clock
        self.faults = ServerFaults()
        self.request_log: list[tuple[float, str, int]] = []
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

    def _take_fault(self) -> tuple[int, dict[str, str]] | None:
        with self._lock:
            if self.faults.rate_limit_burst > 0:
                self.faults.rate_limit_burst -= 1
                return 429, {"Retry-After": str(self.faults.retry_after_seconds)}
            if self.faults.server_errors > 0:
                self.faults.server_errors -= 1
                return 503, {}
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet: the request log is kept in memory
                pass

            def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                server.request_log.append((time.monotonic(), self.path, status))

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
                if parts.path == "/_demo/health":
                    return self._send(200, b'{"status":"ok","demo":true}', "application/json")
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
                if urlsplit(self.path).path != "/_demo/faults":
                    return self._send(404, b"{}", "application/json")
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    settings = json.loads(self.rfile.read(length) or b"{}")
                    records = RecordFaults(**settings.pop("records", {}))
                    server.faults = ServerFaults(**settings, records=records)
                except (TypeError, ValueError) as error:
                    return self._send(400, json.dumps({"error": str(error)}).encode(), "application/json")
                return self._send(200, json.dumps(asdict(server.faults)).encode(), "application/json")

        return Handler
