"""Superset's settings for Commerce Radar, in compose (docker/compose.yaml) and under `make bi`.

Secrets come from the environment only. Superset's own metadata (users, charts, dashboards) lives
in SUPERSET_METADATA_URI: compose's `superset` database, or SQLite under .radar/ for `make bi`.
"""

import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = os.environ["SUPERSET_METADATA_URI"]

# Read-only analytics over the marts: no file uploads, no DML from SQL Lab.
FEATURE_FLAGS = {"DASHBOARD_RBAC": False, "ENABLE_TEMPLATE_PROCESSING": False}
PREVENT_UNSAFE_DB_CONNECTIONS = True
ROW_LIMIT = 50_000
# Served on localhost behind compose's port mapping; put a TLS proxy in front for anything else.
TALISMAN_ENABLED = False
