"""Immutable object storage: a local folder by default, S3 or Cloudflare R2 in production."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from pathlib import Path

import dagster as dg
from dagster_aws.s3 import S3Resource
from pydantic import PrivateAttr

# What S3 and its stand-ins (R2, MinIO, moto) answer for a key that is not there.
MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})


class ObjectMissingError(KeyError):
    """No object under the key (``get`` raises it, whichever the store)."""


class ObjectExistsError(FileExistsError):
    """Snapshots are immutable: a key is written once."""


class ObjectStore(dg.ConfigurableResource, ABC):
    """Write-once object storage for raw snapshots."""

    @abstractmethod
    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``; raise ObjectExistsError if the key exists."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """The object's bytes; :class:`ObjectMissingError` if there is none."""

    @abstractmethod
    def list_keys(self, prefix: str) -> list[str]:
        """All keys under ``prefix``, sorted."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def describe(self) -> str:
        """Where objects go, for logs and metadata (never a secret)."""

    @abstractmethod
    def location(self, key: str) -> str:
        """A URL naming one object (file:// or s3://), for materialization metadata."""


class LocalObjectStore(ObjectStore):
    """A folder on disk standing in for a bucket (the embedded default)."""

    root: str

    def _path(self, key: str) -> Path:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"invalid object key {key!r}")
        return Path(self.root) / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary name, then link it into place: readers never see half an object
        # and a second writer of the same key fails instead of overwriting.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise ObjectExistsError(f"{key} already exists; snapshots are immutable") from None
        finally:
            temporary.unlink(missing_ok=True)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise ObjectMissingError(key) from None

    def list_keys(self, prefix: str) -> list[str]:
        root = Path(self.root)
        base = root / prefix.rsplit("/", 1)[0] if "/" in prefix else root
        if not base.is_dir():
            return []
        keys = (
            path.relative_to(root).as_posix()
            for path in base.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        )
        return sorted(key for key in keys if key.startswith(prefix))

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def describe(self) -> str:
        return f"local folder {Path(self.root).resolve()}"

    def location(self, key: str) -> str:
        return self._path(key).resolve().as_uri()


class S3ObjectStore(ObjectStore):
    """An S3-protocol bucket (Cloudflare R2, AWS S3, MinIO) through dagster-aws."""

    bucket: str
    s3: S3Resource
    _client: object = PrivateAttr(default=None)

    def _s3(self):
        if self._client is None:
            self._client = self.s3.get_client()
        return self._client

    def put(self, key: str, data: bytes) -> None:
        if self.exists(key):
            raise ObjectExistsError(f"s3://{self.bucket}/{key} already exists; snapshots are immutable")
        self._s3().put_object(Bucket=self.bucket, Key=key, Body=data)

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            return self._s3().get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING_CODES:
                raise ObjectMissingError(key) from None
            raise

    def list_keys(self, prefix: str) -> list[str]:
        keys: list[str] = []
        paginator = self._s3().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        return sorted(keys)

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._s3().head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING_CODES:
                return False
            raise
        return True

    def location(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"

    def describe(self) -> str:
        endpoint = self.s3.endpoint_url or "AWS S3"
        return f"s3://{self.bucket} at {endpoint}"
