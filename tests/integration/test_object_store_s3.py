"""The R2/S3 object-store path against moto's S3 server (real HTTP, S3 protocol) on 127.0.0.1."""

from datetime import UTC, datetime

import boto3
import dagster as dg
import psycopg
import pytest

from orchestration.resources import object_store_from_environment
from orchestration.snapshots.store import ObjectExistsError, ObjectMissingError, S3ObjectStore
from tests.integration.conftest import S3_TEST_SECRET
from tests.support import build_test_definitions, demo_config


def resolved_store() -> S3ObjectStore:
    """The store as Dagster resolves it at run time (EnvVar values filled in)."""
    @dg.asset
    def probe(object_store: S3ObjectStore) -> None:
        probe.store = object_store  # type: ignore[attr-defined]

    dg.materialize([probe], resources={"object_store": object_store_from_environment()})
    return probe.store  # type: ignore[attr-defined]


def test_environment_selects_s3_and_objects_are_immutable(s3_environment):
    assert isinstance(object_store_from_environment(), S3ObjectStore)
    store = resolved_store()
    store.put("raw/a/b.json.gz", b"one")
    with pytest.raises(ObjectExistsError):
        store.put("raw/a/b.json.gz", b"two")
    assert store.get("raw/a/b.json.gz") == b"one"
    assert store.list_keys("raw/a/") == ["raw/a/b.json.gz"]
    assert store.exists("raw/a/b.json.gz") and not store.exists("raw/a/c")
    with pytest.raises(ObjectMissingError):  # as the local store does, so a damaged snapshot reads the same
        store.get("raw/a/c")
    assert S3_TEST_SECRET not in store.describe()


def test_snapshot_and_staging_through_s3(s3_environment, s3_endpoint, market_server, database_url, demo_market):
    config = demo_config(market_server.url, shops=("kopi-nusantara",))
    defs = build_test_definitions(config, database_url, object_store_from_environment())
    job = defs.resolve_job_def("hourly_products_job")
    partition = datetime.now(UTC).strftime("%Y-%m-%d-%H:00")
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), partition_key=partition)
    assert result.success
    (snapshot,) = result.asset_materializations_for_node("raw_products__kopi_nusantara")
    manifest_key = snapshot.metadata["manifest_key"].value
    assert manifest_key.startswith("raw/products/source=kopi-nusantara/dt=") and manifest_key.endswith("/manifest.json")
    assert snapshot.metadata["object_store"].value == f"s3://{s3_environment} at {s3_endpoint}"

    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=s3_environment)["Contents"]]
    assert manifest_key in keys and sum(key.endswith(".json.gz") for key in keys) == 2
    with psycopg.connect(database_url) as connection:
        count, currencies = connection.execute(
            "select count(*), array_agg(distinct currency_code) from landing.product_observations").fetchone()
    assert count == len(demo_market.shop("kopi-nusantara").variants) and currencies == ["IDR"]
