"""Which Chromium to run and how: Playwright's own when installed, else Debian's.

One browser per run; the scraper recycles contexts inside it so memory stays bounded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestration.sources.proxy import ProxySettings

# Flags that keep a headless Chromium quiet and working in containers and CI (no sandbox as
# root, no GPU, no update or sync traffic of its own).
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
SYSTEM_CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
INSTALL_HELP = (
    "Install one: `.venv/bin/playwright install --with-deps chromium` (needs the Playwright CDN), "
    "`sudo apt-get install chromium` (Debian/Ubuntu), or set RADAR_CHROMIUM_PATH to a Chromium binary. "
    "`make demo` / `make test` try the first two themselves."
)


class BrowserUnavailableError(RuntimeError):
    """No Chromium could be found to run the browser connector."""


def chromium_executable(playwright_executable: str | None) -> str | None:
    """The binary to launch: None means Playwright's own (it is installed); else a system path.

    ``RADAR_CHROMIUM_PATH`` wins over both.
    """
    override = os.environ.get("RADAR_CHROMIUM_PATH")
    if override:
        if not Path(override).is_file():
            raise BrowserUnavailableError(f"RADAR_CHROMIUM_PATH={override} does not exist. {INSTALL_HELP}")
        return override
    if playwright_executable and Path(playwright_executable).is_file():
        return None
    for candidate in SYSTEM_CHROMIUM_PATHS:
        if Path(candidate).is_file():
            return candidate
    raise BrowserUnavailableError(f"no Chromium found (Playwright's is not installed, no {' or '.join(SYSTEM_CHROMIUM_PATHS)}). {INSTALL_HELP}")


@contextmanager
def launch_chromium(proxy: ProxySettings | None = None) -> Iterator[tuple[object, str]]:
    """A headless Chromium for one run, and a description of which binary it is."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = chromium_executable(playwright.chromium.executable_path)
        browser = playwright.chromium.launch(
            headless=True,
            executable_path=executable,
            args=list(LAUNCH_ARGS),
            proxy=proxy.playwright() if proxy else None,
        )
        try:
            yield browser, f"{executable or 'playwright chromium'} {browser.version}"
        finally:
            browser.close()
