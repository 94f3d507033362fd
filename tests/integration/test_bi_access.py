"""The BI roles, connected as themselves, on a warehouse the pipeline built as a non-superuser
owner (superusers pass every row-level policy, so an owner that is one would prove nothing):

- the BI role reads every mart and is refused on landing, analytics, the alert outbox and
  Dagster's database;
- a tenant scoped to sources or categories sees only those rows, through marts that carry the
  column and through dim_products for marts that carry only a product key; a mart it cannot be
  scoped on is refused, not shown whole;
- a mart rebuilt by dbt (--full-refresh swaps in a new table) keeps its grants and policies, and
  the owner itself reads through a policy (FORCE ROW LEVEL SECURITY).
"""

import json
import subprocess
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import dagster as dg
import psycopg
import pytest
from psycopg import errors

from orchestration.assets.dbt import environment
from orchestration.config.bi import BiAccess, BiTenant
from orchestration.snapshots.store import LocalObjectStore
from orchestration.warehouse.dbt import DBT_PROJECT_DIR, dbt_executable
from orchestration.warehouse.embedded import DAGSTER_DATABASE, WAREHOUSE_DATABASE
from orchestration.warehouse.postgres import WarehouseResource
from radar_demo.history import write_history
from tests.support import build_test_definitions, demo_config, range_tags

HOURS = [datetime(2026, 11, 20, 9, tzinfo=UTC) + timedelta(hours=i) for i in range(2)]
BUILDER = "radar_test_builder"
ACCESS = BiAccess(role="radar_bi", tenants=[
    BiTenant(role="client_glow", sources=["glow-lab"]),
    BiTenant(role="client_gear", categories=["Tents", "Jackets"]),
    BiTenant(role="client_beans", sources=["kopi-nusantara"], categories=["Beans"]),
])
PRODUCT_MARTS = ["dim_products", "fct_price_history", "mart_market_kpis", "mart_brand_share", "mart_price_movers",
                 "mart_price_rating_heatmap", "mart_discount_events", "mart_discount_claims",
                 "mart_availability_events", "mart_scrape_health", "mart_alert_deliveries"]


def as_role(url: str, role: str, database: str = WAREHOUSE_DATABASE) -> str:
    """The embedded server's URL for another role (it trusts local connections)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{role}@{host}", f"/{database}", parts.query, parts.fragment))


def rows(url: str, statement: str) -> list[tuple]:
    with psycopg.connect(url) as connection:
        return connection.execute(statement).fetchall()


def refused(url: str, statement: str) -> bool:
    try:
        rows(url, statement)
    except errors.InsufficientPrivilege:
        return True
    return False


@pytest.fixture(scope="module")
def built(postgres_urls, tmp_path_factory, demo_market):
    """Two demo hours built by the pipeline, connected as a builder role that owns what it builds."""
    database_url = postgres_urls[WAREHOUSE_DATABASE]
    lake = LocalObjectStore(root=str(tmp_path_factory.mktemp("bi") / "lake"))
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("drop schema if exists landing, landing_pending, analytics, marts, alerts cascade")
        if not connection.execute("select 1 from pg_roles where rolname = %s", [BUILDER]).fetchall():
            connection.execute(f"create role {BUILDER} login createrole")
        connection.execute(f"grant create on database {WAREHOUSE_DATABASE} to {BUILDER}")
    builder_url = as_role(database_url, BUILDER)
    config = demo_config("http://127.0.0.1:8765").model_copy(update={"bi": ACCESS})
    write_history(lake, demo_market, config.product_sources, HOURS)
    defs = build_test_definitions(config, builder_url, lake)
    keys = [f"{hour:%Y-%m-%d-%H}:00" for hour in HOURS]
    assert defs.resolve_job_def("restage_products_job").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), tags=range_tags(keys[0], keys[-1])).success
    return builder_url


def test_the_bi_role_reads_every_mart_and_nothing_else(built, postgres_urls):
    reader = as_role(built, "radar_bi")
    for mart in PRODUCT_MARTS:
        assert rows(reader, f"select count(*) from marts.{mart}") == rows(built, f"select count(*) from marts.{mart}")
    assert rows(reader, "select count(*) from marts.dim_products")[0][0] > 0
    for table in ("landing.product_observations", "landing_pending.product_observations",
                  "analytics.int_product_days", "alerts.outbox"):
        assert refused(reader, f"select 1 from {table} limit 1"), table
    assert refused(reader, "create table marts.mine (x int)")
    assert refused(reader, "delete from marts.dim_products")
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(as_role(postgres_urls[DAGSTER_DATABASE], "radar_bi", DAGSTER_DATABASE)).close()


def test_a_tenant_sees_only_its_sources_and_categories(built):
    glow = as_role(built, "client_glow")
    for mart in ("dim_products", "mart_market_kpis", "mart_scrape_health", "mart_discount_events",
                 "mart_availability_events", "mart_brand_share"):
        assert rows(glow, f"select distinct source_name from marts.{mart}") in ([("glow-lab",)], []), mart
    assert rows(glow, "select count(*) from marts.dim_products")[0][0] > 0
    # fct_price_history has no source column: scoped through the tenant's products.
    assert rows(glow, "select count(*) from marts.fct_price_history") == rows(
        built, "select count(*) from marts.fct_price_history join marts.dim_products using (product_key) "
               "where source_name = 'glow-lab'")
    # The heatmap has only a category: a source-scoped tenant cannot be scoped on it, so it gets none of it.
    assert refused(glow, "select 1 from marts.mart_price_rating_heatmap")
    assert refused(glow, "select 1 from marts.mart_alert_deliveries")

    gear = as_role(built, "client_gear")
    assert {row[0] for row in rows(gear, "select distinct category from marts.dim_products")} == {"Tents", "Jackets"}
    assert {row[0] for row in rows(gear, "select distinct category from marts.mart_price_rating_heatmap")} <= {"Tents", "Jackets"}
    assert rows(gear, "select count(*) from marts.mart_discount_claims") == rows(
        built, "select count(*) from marts.mart_discount_claims join marts.dim_products using (product_key) "
               "where category in ('Tents', 'Jackets')")
    assert refused(gear, "select 1 from marts.mart_scrape_health")  # scrape health has no category

    beans = as_role(built, "client_beans")
    assert rows(beans, "select distinct source_name, category from marts.mart_market_kpis") == [("kopi-nusantara", "Beans")]


def access_of(url: str, table: str) -> tuple:
    """A table's oid, grants, row-level security flags and policies."""
    (oid, acl, enabled, forced), = rows(url, f"select oid, relacl::text, relrowsecurity, relforcerowsecurity "
                                              f"from pg_class where oid = 'marts.{table}'::regclass")
    policies = rows(url, f"select policyname, roles::text, cmd, qual from pg_policies "
                         f"where schemaname = 'marts' and tablename = '{table}' order by 1")
    return oid, sorted(acl.strip("{}").split(",")), enabled, forced, policies


def test_a_rebuilt_mart_keeps_its_grants_and_policies_and_binds_its_owner(built, tmp_path):
    before = access_of(built, "mart_market_kpis")
    assert before[2:4] == (True, True) and len(before[4]) == 1 + 3 + 1  # builder, tenants, the BI role
    tenant_rows = rows(as_role(built, "client_glow"), "select count(*) from marts.mart_market_kpis")

    dbt_vars = json.dumps({"bi_access": ACCESS.dbt_var()})
    with environment(WarehouseResource(database_url=built).dbt_environment()):
        rebuilt = subprocess.run(
            [dbt_executable(), "run", "--full-refresh", "--select", "mart_market_kpis", "--vars", dbt_vars,
             "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--target-path", str(tmp_path / "target")], capture_output=True, text=True, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]

    after = access_of(built, "mart_market_kpis")
    assert after[0] != before[0]  # a new table was swapped in
    assert after[1:] == before[1:]
    assert rows(as_role(built, "client_glow"), "select count(*) from marts.mart_market_kpis") == tenant_rows

    # The owner reads through its own policy: without it, it sees nothing.
    with psycopg.connect(built) as connection:
        connection.execute(f"drop policy radar_builder_{BUILDER} on marts.mart_market_kpis")
        assert connection.execute("select count(*) from marts.mart_market_kpis").fetchone() == (0,)
        connection.rollback()
