#!/usr/bin/env bash
# Superset in its own virtualenv (.venv-bi): it pins pandas < 2.2 and SQLAlchemy < 2, which the
# project's .venv does not satisfy. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

SUPERSET_VERSION="4.1.4"
if .venv-bi/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('apache-superset') != '$SUPERSET_VERSION')" \
     2>/dev/null && [ -x .venv-bi/bin/superset ]; then
  exit 0
fi
PYTHON="${PYTHON:-python3}"
echo "bootstrap-bi: installing Apache Superset $SUPERSET_VERSION into .venv-bi (first time takes a few minutes)"
"$PYTHON" -m venv .venv-bi
.venv-bi/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv-bi/bin/python -m pip install --quiet --disable-pip-version-check \
  "apache-superset==$SUPERSET_VERSION" "psycopg2-binary>=2.9,<3"
echo "bootstrap-bi: ready"
