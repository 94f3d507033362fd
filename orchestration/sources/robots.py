"""robots.txt (RFC 9309): fetched once per host per source run, honoured for every URL fetched.

- 2xx: the rules apply to our product token (``CommerceRadar``), else to ``*``, longest match
  first (protego implements the RFC's matching);
- 4xx (none published, or forbidden): everything is allowed (RFC 9309 §2.3.1.3);
- 5xx or unreachable after the client's retries: nothing may be crawled (§2.3.1.4);
- ``Crawl-delay`` raises the per-host interval when it is stricter than the source's rate limit.

A source with ``respect_robots_txt: false`` (a shop that granted permission) skips all this, and
the run logs it at start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from logging import Logger
from urllib.parse import urlsplit

from protego import Protego

from orchestration.sources.http import PoliteHttpClient
from orchestration.sources.retry import SourceUnavailableError

ROBOTS_AGENT = "CommerceRadar"


class RobotsDisallowedError(RuntimeError):
    """robots.txt forbids every URL the source needed: nothing was fetched."""


@dataclass(frozen=True)
class RobotsRules:
    """What one host's robots.txt lets us fetch."""

    host: str
    status: str  # how it was obtained, for the manifest and messages
    parser: Protego | None = None
    allow_all: bool = False

    def allows(self, url: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(url, ROBOTS_AGENT)

    @property
    def crawl_delay(self) -> float | None:
        delay = self.parser.crawl_delay(ROBOTS_AGENT) if self.parser else None
        return float(delay) if delay else None


def rules_from_response(host: str, status: int, body: bytes) -> RobotsRules:
    """Pure: the rules an answer to ``GET /robots.txt`` gives, per RFC 9309."""
    if 200 <= status < 300:
        return RobotsRules(host, f"HTTP {status}", Protego.parse(body.decode("utf-8", "replace")))
    if 400 <= status < 500:
        return RobotsRules(host, f"HTTP {status}: none published, everything allowed", allow_all=True)
    return RobotsRules(host, f"HTTP {status}: unavailable, nothing may be crawled (RFC 9309)", allow_all=False)


@dataclass
class RobotsGate:
    """The robots.txt of every host a source run touches, each fetched once."""

    client: PoliteHttpClient
    respect: bool = True
    log: Callable[[str], None] = lambda message: None
    # Who obeys a Crawl-delay: the HTTP client by default, the browser's own limiter for browser sources.
    slow_down: Callable[[str, float], None] | None = None
    rules: dict[str, RobotsRules] = field(default_factory=dict)
    disallowed: list[str] = field(default_factory=list)

    def allows(self, url: str) -> bool:
        """Whether ``url`` may be fetched; a refused URL is remembered for the manifest."""
        if not self.respect:
            return True
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if host not in self.rules:
            self.rules[host] = self._fetch(f"{parts.scheme}://{parts.netloc}/robots.txt", host)
        allowed = self.rules[host].allows(url)
        if not allowed:
            self.disallowed.append(url)
            self.log(f"robots.txt of {host} disallows {url}; skipped")
        return allowed

    def _fetch(self, robots_url: str, host: str) -> RobotsRules:
        try:
            response = self.client.get(robots_url)
        except SourceUnavailableError as error:
            return RobotsRules(host, f"unreachable, nothing may be crawled (RFC 9309): {error}", allow_all=False)
        rules = rules_from_response(host, response.status, response.body)
        if rules.crawl_delay:
            (self.slow_down or self.client.slow_down)(host, rules.crawl_delay)
        self.log(f"robots.txt of {host}: {rules.status}" + (f", crawl-delay {rules.crawl_delay:g}s" if rules.crawl_delay else ""))
        return rules

    def require(self, url: str, what: str) -> None:
        """Raise :class:`RobotsDisallowedError` unless ``url`` may be fetched (the one URL a run needs)."""
        if not self.allows(url):
            rules = self.rules[urlsplit(url).netloc.lower()]
            raise RobotsDisallowedError(
                f"robots.txt of {rules.host} ({rules.status}) disallows the {what} {url}; nothing fetched. "
                "If the shop granted permission, set respect_robots_txt: false on the source.")

    def manifest_extras(self) -> dict:
        if not self.respect:
            return {"robots_txt": "ignored (respect_robots_txt: false)"}
        return {"robots_txt": {host: {"status": rules.status, "crawl_delay": rules.crawl_delay}
                               for host, rules in self.rules.items()},
                "robots_disallowed": self.disallowed}


def robots_gate(client: PoliteHttpClient, source_name: str, respect: bool, log: Logger,
                slow_down: Callable[[str, float], None] | None = None) -> RobotsGate:
    """The gate for one source run; a source that does not respect robots.txt says so at start."""
    if not respect:
        log.warning(f"{source_name}: robots.txt is ignored (respect_robots_txt: false in the config; only for a "
                    "shop that granted permission)")
    return RobotsGate(client, respect, log.info, slow_down)
