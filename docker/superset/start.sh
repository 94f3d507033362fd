#!/bin/sh
# Compose's Superset: metadata in PostgreSQL (database "superset"), an admin from .env, then the
# web server. The marts are read as radar_bi (docs/deploy.md).
set -eu
export SUPERSET_METADATA_URI="postgresql+psycopg2://superset:${SUPERSET_DB_PASSWORD}@postgres:5432/superset"
python -c "import psycopg2" 2>/dev/null || pip install --no-cache-dir psycopg2-binary
superset db upgrade
superset fab create-admin --username admin --firstname Radar --lastname Admin \
  --email admin@localhost --password "$SUPERSET_ADMIN_PASSWORD" || true  # exists after the first start
superset init
exec gunicorn --bind 0.0.0.0:8088 --workers 2 --timeout 120 "superset.app:create_app()"
