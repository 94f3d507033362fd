"""Shared fixtures: a real embedded PostgreSQL, the demo market over real HTTP, a local lake."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from orchestration.snapshots.store import LocalObjectStore
from orchestration.warehouse.embedded import WAREHOUSE_DATABASE
from radar_demo.catalog import DemoMarket
from radar_demo.server import DemoMarketServer


@pytest.fixture(scope="session")
def demo_market() -> DemoMarket:
    return DemoMarket()


@pytest.fixture(scope="session")
def postgres_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One embedded PostgreSQL server for the whole session, with the production database names."""
    from orchestration.warehouse.embedded import start_embedded_postgres, stop_embedded_postgres

    data_dir = tmp_path_factory.mktemp("pg") / "data"
    yield start_embedded_postgres(data_dir)
    stop_embedded_postgres(data_dir)


@pytest.fixture
def database_url(postgres_urls: dict[str, str]) -> str:
    """The warehouse database, emptied of every schema the pipeline writes.

    Tests share the database name production uses ("radar") because dbt bakes the database
    name into the manifest's relation names.
    """
    url = postgres_urls[WAREHOUSE_DATABASE]
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("drop schema if exists landing, landing_pending, analytics, marts, alerts cascade")
    return url


@pytest.fixture
def market_server(demo_market: DemoMarket) -> Iterator[DemoMarketServer]:
    with DemoMarketServer(demo_market) as server:
        yield server


@pytest.fixture
def lake(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(root=str(tmp_path / "lake"))
