#!/usr/bin/env bash
# Create .venv and install Commerce Radar with its dev tools. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "bootstrap: $PYTHON not found; install Python 3.11 (Debian: apt-get install python3)" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
  echo "bootstrap: Python 3.11 or 3.12 is required, found $("$PYTHON" --version 2>&1)" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "bootstrap: python venv support missing; installing python3-venv with apt-get"
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
      "$PYTHON" -m venv .venv
    else
      echo "bootstrap: '$PYTHON -m venv' failed; install venv support (Debian: sudo apt-get install python3-venv)" >&2
      exit 1
    fi
  fi
fi

echo "bootstrap: installing Commerce Radar into .venv (first time takes a few minutes)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
# The product and, as its own distribution, the demo market (a showcase and test fixture).
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' -e ./demo
scripts/install_browser.sh
echo "bootstrap: ready"
