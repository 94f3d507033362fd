#!/bin/sh
# Compose's Superset: metadata in PostgreSQL (database "superset"), then provision.py (migrations,
# the admin from .env, the dashboard over the marts as radar_bi), then the web server.
set -eu
export SUPERSET_METADATA_URI="postgresql+psycopg2://superset:${SUPERSET_DB_PASSWORD}@postgres:5432/superset"
python -c "import psycopg2" 2>/dev/null || pip install --no-cache-dir psycopg2-binary
python /app/radar/provision.py --marts-uri "postgresql+psycopg2://radar_bi:${RADAR_BI_PASSWORD}@postgres:5432/radar"
exec gunicorn --bind 0.0.0.0:8088 --workers 2 --timeout 120 "superset.app:create_app()"
