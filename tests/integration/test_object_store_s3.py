"""The R2/S3 object-store path against moto's S3 server (real HTTP, S3 protocol) on 127.0.0.1."""

import socket
from datetime import UTC, datetime

import boto3
import dagster as dg
import psycopg
import pytest

from orchestration.resources import object_store_from_environment
from orchestration.snapshots.store import ObjectExistsError, ObjectMissingError, S3ObjectStore
from tests.support import build_test_definitions, demo_config


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_environment(s3_endpoint, monkeypatch):
    bucket = f"radar-{datetime.now(UTC):%H%M%S%f}"
    monkeypatch.setenv("RADAR_S3_BUCKET", bucket)
    monkeypatch.setenv("RADAR_S3_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing-key-id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="testing-key-id",
                 aws_secret_access_key="testing-secret").create_bucket(Bucket=bucket)
    return bucket


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
    assert "testing-secret" not in store.describe()


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
