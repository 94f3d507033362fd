"""Proxy settings shared by the httpx and browser connectors, with a fail-fast reachability check."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

PROXY_CHECK_TIMEOUT_SECONDS = 5.0


class ProxyUnreachableError(RuntimeError):
    """The configured proxy does not accept connections; nothing can be scraped through it."""


@dataclass(frozen=True)
class ProxySettings:
    """A proxy URL split the way Playwright wants it (server, username, password)."""

    server: str
    username: str | None
    password: str | None
    origin: str  # where the URL came from, for messages ("$RADAR_PROXY_URL")

    @classmethod
    def from_url(cls, url: str, origin: str) -> ProxySettings:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if not parts.hostname or not parts.port:
            raise ProxyUnreachableError(f"proxy from {origin} must look like http://[user:pass@]host:port (got a URL without host or port)")
        return cls(f"{parts.scheme}://{parts.hostname}:{parts.port}", parts.username, parts.password, origin)

    @property
    def host_port(self) -> tuple[str, int]:
        parts = urlsplit(self.server)
        return parts.hostname or "", parts.port or 0

    @property
    def url(self) -> str:
        """The full URL for httpx (credentials included)."""
        if not self.username:
            return self.server
        scheme, rest = self.server.split("://", 1)
        return f"{scheme}://{self.username}:{self.password or ''}@{rest}"

    def playwright(self) -> dict[str, str]:
        settings = {"server": self.server}
        if self.username:
            settings |= {"username": self.username, "password": self.password or ""}
        return settings

    def check_reachable(self, timeout_seconds: float = PROXY_CHECK_TIMEOUT_SECONDS) -> None:
        """Open (and close) a TCP connection to the proxy; raise at once if that fails."""
        host, port = self.host_port
        started = time.monotonic()
        try:
            with socket.create_connection((host, port), timeout=timeout_seconds):
                return
        except OSError as error:
            raise ProxyUnreachableError(
                f"proxy {self.server} (from {self.origin}) is unreachable after {time.monotonic() - started:.1f}s: "
                f"{error.strerror or error}. Fix the proxy or unset {self.origin.lstrip('$')} to scrape without one; "
                "no page was fetched."
            ) from None


def proxy_from_source(proxy_env: str | None, proxy_url: str | None) -> ProxySettings | None:
    """The source's proxy, checked reachable, or None when none is configured."""
    if not proxy_url:
        return None
    settings = ProxySettings.from_url(proxy_url, f"${proxy_env}")
    settings.check_reachable()
    return settings
