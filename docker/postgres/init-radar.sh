#!/usr/bin/env bash
# First start of the PostgreSQL container: the warehouse and Dagster's storage in separate
# databases, each owned by its own role; the BI role may connect to the warehouse only (what it
# may read there is granted by dbt: dbt_project/macros/bi_access.sql). Passwords come from .env.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v pipeline_password="$RADAR_PIPELINE_PASSWORD" \
  -v dagster_password="$DAGSTER_PG_PASSWORD" \
  -v bi_password="$RADAR_BI_PASSWORD" \
  -v superset_password="$SUPERSET_DB_PASSWORD" <<'SQL'
-- The pipeline builds the warehouse and creates the tenant roles of the config's bi section.
create role radar_pipeline login createrole password :'pipeline_password';
create role dagster login password :'dagster_password';
create role radar_bi login password :'bi_password';
create role superset login password :'superset_password';

create database radar owner radar_pipeline;
create database dagster owner dagster;
create database superset owner superset;

revoke connect on database dagster from public;
revoke connect on database superset from public;
revoke connect on database radar from public;
grant connect on database radar to radar_pipeline, radar_bi;
SQL

# Tenant roles the pipeline creates later must connect too: it grants them CONNECT as owner.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname radar <<'SQL'
revoke create on schema public from public;
SQL
