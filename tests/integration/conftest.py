"""Fixtures of the integration tests that need more than the shared ones: a real S3-protocol server."""

import os
import shutil
import socket
import subprocess
from datetime import UTC, datetime

import boto3
import pytest

# Marked so a scan of logs and metadata can tell a leak from a coincidence (test_secrets.py).
S3_TEST_SECRET = "radar-test-secret-s3-access"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
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
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", S3_TEST_SECRET)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="testing-key-id",
                 aws_secret_access_key=S3_TEST_SECRET).create_bucket(Bucket=bucket)
    return bucket


@pytest.fixture(scope="session")
def docker_compose() -> str:
    """Debian's docker-compose, installed with apt-get when missing and this user may."""
    found = shutil.which("docker-compose")
    if not found and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "docker-compose"], check=True, capture_output=True, timeout=900)
        found = shutil.which("docker-compose")
    assert found, "docker-compose is needed to validate docker/compose.yaml: apt-get install docker-compose"
    return found
