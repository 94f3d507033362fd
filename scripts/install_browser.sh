#!/usr/bin/env bash
# Give the browser connector a Chromium: Playwright's own if it downloads, else Debian's.
# Never fails the install: without a browser only the `browser` connector (and its tests)
# cannot run, and they say so with the same instructions printed here.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -n "${RADAR_CHROMIUM_PATH:-}" ] && [ -x "$RADAR_CHROMIUM_PATH" ]; then
  echo "browser: using RADAR_CHROMIUM_PATH=$RADAR_CHROMIUM_PATH"
  exit 0
fi
if .venv/bin/python -m playwright install chromium >/tmp/radar-playwright-install.log 2>&1; then
  echo "browser: Playwright's Chromium is installed"
  exit 0
fi
for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -x "$candidate" ]; then
    echo "browser: Playwright's Chromium could not be downloaded; using $candidate"
    exit 0
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "browser: Playwright's Chromium could not be downloaded; installing Debian's chromium with apt-get"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
    echo "browser: using /usr/bin/chromium"
    exit 0
  fi
fi
cat >&2 <<'MSG'
browser: WARNING no Chromium available; the `browser` connector and its tests cannot run.
  Install one of:
    .venv/bin/playwright install --with-deps chromium      (needs internet access to the Playwright CDN)
    sudo apt-get install chromium                          (Debian/Ubuntu; used from /usr/bin/chromium)
  or point RADAR_CHROMIUM_PATH at a Chromium/Chrome binary.
MSG
exit 0
