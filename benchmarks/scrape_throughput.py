"""Scrape throughput against the demo market, measured, not asserted.

  httpx     the jsonld connector fetching a sitemap and product pages: pages/s as a fraction of
            the configured per-host rate limit (the politeness ceiling; target >= 0.95), next to
            the same pages fetched with no limit at all (what the server could give).
  browser   the browser connector rendering N listing pages in headless Chromium: pages/s and
            the RSS of this process plus its Chromium processes, sampled after every page; RSS
            growth from page 50 to page N with contexts recycled (the default) against one
            context for the whole run (the baseline, measured in the same run).

    .venv/bin/python benchmarks/scrape_throughput.py [--rate 20] [--pages 200] [--skip-browser]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from orchestration.config import BrowserSource, JsonLdSource  # noqa: E402
from orchestration.snapshots.manifest import SnapshotWriter  # noqa: E402
from orchestration.snapshots.store import LocalObjectStore  # noqa: E402
from orchestration.sources import jsonld  # noqa: E402
from orchestration.sources.browser import scraper  # noqa: E402
from radar_demo.server import DemoMarketServer  # noqa: E402

LOG = logging.getLogger("bench")
HOUR = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
CATEGORIES = ("serum", "sunscreen", "kopi")


def rss_of_tree(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Chromium runs as several processes)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        stack.extend(children.get(current, []))
    return total


class SamplingWriter(SnapshotWriter):
    """A snapshot writer that samples RSS after every stored page."""

    def add(self, *args, **kwargs):  # noqa: ANN002, ANN003
        key = super().add(*args, **kwargs)
        self.samples.append((time.monotonic(), rss_of_tree(os.getpid())))
        return key


def writer(lake: LocalObjectStore, source: str, label: str) -> SamplingWriter:
    w = SamplingWriter(lake, "products", source, "bench", "bench", HOUR, run_id=f"bench-{label}-{time.monotonic_ns()}")
    w.samples = []
    return w


def bench_httpx(server: DemoMarketServer, lake: LocalObjectStore, rate: float, pages: int) -> None:
    source = JsonLdSource(name="bench-jsonld", kind="jsonld", sitemap_url=f"{server.jsonld_shop_url}/sitemap.xml",
                          url_pattern="/products/", currency="GBP", rate_limit_per_second=rate, max_pages=pages)
    w = writer(lake, source.name, "httpx")
    started = time.monotonic()
    jsonld.write_snapshot(source, w, LOG)
    elapsed = time.monotonic() - started
    fetched = len(w.requests)
    urls = [request["url"] for request in w.requests]
    started = time.monotonic()
    with httpx.Client() as client:
        for url in urls:
            client.get(url)
    unthrottled = len(urls) / (time.monotonic() - started)
    achieved = fetched / elapsed
    print(f"httpx (jsonld connector): {fetched} pages in {elapsed:.2f}s = {achieved:.2f} pages/s at a limit of {rate:g}/s "
          f"-> {achieved / rate:.3f} of the rate limit (target >= 0.95); unthrottled client on the same URLs: "
          f"{unthrottled:.0f} pages/s")


def bench_browser(server: DemoMarketServer, lake: LocalObjectStore, pages: int, pages_per_context: int, label: str) -> dict:
    watchlist = [{"url": f"c/{CATEGORIES[i % 3]}?page={1 + (i // 3) % 3}", "category": CATEGORIES[i % 3]} for i in range(pages)]
    source = BrowserSource(name="bench-browser", kind="browser", recipe="tokoloka-demo", base_url=f"{server.url}/marketplace",
                           rate_limit_per_second=50, max_items=30, max_pages=1, pages_per_context=pages_per_context,
                           watchlist=watchlist)
    w = writer(lake, source.name, label)
    started = time.monotonic()
    extras = scraper.write_snapshot(source, w, LOG)
    elapsed = time.monotonic() - started
    rss = [sample for _, sample in w.samples]
    at50 = rss[min(49, len(rss) - 1)]
    result = {"label": label, "pages": len(w.requests), "elapsed": elapsed, "pages_per_s": len(w.requests) / elapsed,
              "peak_mib": max(rss) / 2**20, "rss50_mib": at50 / 2**20, "rss_last_mib": rss[-1] / 2**20,
              "growth": rss[-1] / at50 - 1, "contexts": extras["contexts"]}
    print(f"browser ({label}): {result['pages']} pages in {elapsed:.1f}s = {result['pages_per_s']:.2f} pages/s, "
          f"{result['contexts']} context(s); RSS page 50 {result['rss50_mib']:.0f} MiB -> page {result['pages']} "
          f"{result['rss_last_mib']:.0f} MiB ({result['growth']:+.1%}), peak {result['peak_mib']:.0f} MiB")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=10.0, help="per-host rate limit for the httpx run (default 10/s)")
    parser.add_argument("--http-pages", type=int, default=200, help="product pages for the httpx run (default 200)")
    parser.add_argument("--pages", type=int, default=200, help="listing pages for each browser run (default 200)")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, DemoMarketServer(marketplace_requests_per_second=None) as server:
        lake = LocalObjectStore(root=folder)
        bench_httpx(server, lake, args.rate, args.http_pages)
        if not args.skip_browser:
            recycled = bench_browser(server, lake, args.pages, 10, "contexts recycled every 10 pages")
            single = bench_browser(server, lake, args.pages, min(args.pages, 200), "baseline: one context")
            print(f"browser RSS growth page 50 -> {args.pages}: {recycled['growth']:+.1%} recycled vs "
                  f"{single['growth']:+.1%} one context (target <= +10%); pages/s ratio recycled/baseline "
                  f"{recycled['pages_per_s'] / single['pages_per_s']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
