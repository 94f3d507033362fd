"""Raw snapshots: exact response bytes (gzip'd) plus a manifest written last.

A snapshot without a manifest is incomplete and never read, so a crashed scrape is invisible.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from orchestration.clock import utc_now
from orchestration.formats.responses import FetchedResponse
from orchestration.snapshots.layout import (
    failure_artifact_key,
    hour_prefix,
    manifest_key,
    page_key,
    snapshot_prefix,
)
from orchestration.snapshots.store import ObjectStore

MANIFEST_FORMAT = 1


class SnapshotIntegrityError(RuntimeError):
    """A stored page does not match the checksum its manifest recorded."""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class SnapshotWriter:
    """Collects one scrape's responses under one prefix; ``finish`` writes the manifest."""

    store: ObjectStore
    domain: str
    source: str
    connector: str
    connector_version: str
    partition_hour: datetime
    run_id: str
    generated_by: str = "scraper"
    started_at: datetime = field(default_factory=utc_now)
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return snapshot_prefix(self.domain, self.source, self.partition_hour, self.run_id)

    def add(self, response: FetchedResponse, records: int, extension: str = "json", **details: Any) -> str:
        """Store one response body; ``details`` (e.g. the watchlist entry) go into its manifest entry."""
        key = page_key(self.prefix, len(self.requests) + 1, extension)
        # mtime=0 keeps the gzip bytes a pure function of the body.
        self.store.put(key, gzip.compress(response.body, mtime=0))
        self.requests.append(
            {
                "url": response.url,
                "status": response.status,
                "content_type": response.content_type,
                "bytes": len(response.body),
                "sha256": hashlib.sha256(response.body).hexdigest(),
                "object_key": key,
                "fetched_at": _iso(response.fetched_at),
                "attempts": response.attempts,
                "records": records,
                **details,
            }
        )
        return key

    def add_failure_artifact(self, name: str, data: bytes) -> str:
        """Keep evidence of a failed page (screenshot, HTML); never read by staging."""
        key = failure_artifact_key(self.prefix, name)
        self.store.put(key, data)
        return key

    def finish(self, **extra: Any) -> dict[str, Any]:
        manifest = {
            "format": MANIFEST_FORMAT,
            "domain": self.domain,
            "source": self.source,
            "connector": self.connector,
            "connector_version": self.connector_version,
            "generated_by": self.generated_by,
            "partition_hour": _iso(self.partition_hour),
            "run_id": self.run_id,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(max([self.started_at, *(_parse(r["fetched_at"]) for r in self.requests)])),
            "pages": len(self.requests),
            "records": sum(request["records"] for request in self.requests),
            "bytes": sum(request["bytes"] for request in self.requests),
            "requests": self.requests,
            **extra,
        }
        key = manifest_key(self.prefix)
        self.store.put(key, json.dumps(manifest, indent=2, sort_keys=True).encode())
        manifest["manifest_key"] = key
        return manifest


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def latest_manifest(
    store: ObjectStore, domain: str, source: str, partition_hour: datetime
) -> dict[str, Any] | None:
    """The newest complete snapshot of a source for an hour, or None if there is none."""
    manifests = [key for key in store.list_keys(hour_prefix(domain, source, partition_hour)) if key.endswith("/manifest.json")]
    if not manifests:
        return None
    candidates = []
    for key in manifests:
        manifest = json.loads(store.get(key))
        manifest["manifest_key"] = key
        candidates.append(manifest)
    # Later scrapes of the same hour supersede earlier ones; run id breaks ties deterministically.
    return max(candidates, key=lambda manifest: (manifest["finished_at"], manifest["run_id"]))


class ArchivedPage(NamedTuple):
    """One request of a snapshot: its manifest entry (url, status, role, object_key, ...) and its body."""

    request: Mapping[str, Any]
    body: bytes


def read_pages(store: ObjectStore, manifest: dict[str, Any]) -> Iterator[ArchivedPage]:
    """Each request entry of a manifest with its verified response body."""
    for request in manifest["requests"]:
        body = gzip.decompress(store.get(request["object_key"]))
        if hashlib.sha256(body).hexdigest() != request["sha256"]:
            raise SnapshotIntegrityError(
                f"{request['object_key']}: content does not match the sha256 in {manifest['manifest_key']}"
            )
        yield ArchivedPage(request, body)


def fetched_at(request: dict[str, Any]) -> datetime:
    return _parse(request["fetched_at"])
