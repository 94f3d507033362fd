"""Raw snapshots: exact response bytes (gzip'd) plus a manifest written last.

A snapshot without a manifest is incomplete and never read, so a crashed scrape is invisible.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
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
from orchestration.snapshots.store import ObjectMissingError, ObjectStore

MANIFEST_FORMAT = 1


class SnapshotIntegrityError(RuntimeError):
    """A snapshot's stored page is missing, truncated or not what its manifest recorded."""


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


def failed_requests(manifest: Mapping[str, Any]) -> int:
    """Responses the snapshot kept with a 4xx or 5xx status (a delisted product page's 404 among them)."""
    return sum(1 for request in manifest.get("requests", []) if int(request.get("status", 200)) >= 400)


class ArchivedPage(NamedTuple):
    """One request of a snapshot: its manifest entry (url, status, role, object_key, ...) and its body."""

    request: Mapping[str, Any]
    body: bytes


def read_pages(store: ObjectStore, manifest: dict[str, Any]) -> Iterator[ArchivedPage]:
    """Each request entry of a manifest with its verified response body.

    A missing object, a truncated or corrupt gzip stream, or a body whose sha256 differs from the
    manifest raises :class:`SnapshotIntegrityError` naming the source, the object and what to do.
    """
    for request in manifest["requests"]:
        key = request["object_key"]
        try:
            body = gzip.decompress(store.get(key))
        except ObjectMissingError:
            raise SnapshotIntegrityError(damaged_snapshot(manifest, key, "the object is missing")) from None
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            raise SnapshotIntegrityError(
                damaged_snapshot(manifest, key, f"its gzip data is truncated or corrupt ({error})")) from None
        digest = hashlib.sha256(body).hexdigest()
        if digest != request["sha256"]:
            raise SnapshotIntegrityError(damaged_snapshot(
                manifest, key, f"its content has sha256 {digest[:12]}..., the manifest recorded {request['sha256'][:12]}..."))
        yield ArchivedPage(request, body)


def damaged_snapshot(manifest: dict[str, Any], key: str, problem: str) -> str:
    return (f"{manifest.get('source', '?')} snapshot for {manifest.get('partition_hour', '?')} is damaged: {key}: {problem}. "
            f"A past hour cannot be scraped again: restore the object from a copy of the object store, or move "
            f"{manifest['manifest_key']} aside to stage the hour without this source (an older complete snapshot "
            "of the same hour is used if there is one).")


def fetched_at(request: dict[str, Any]) -> datetime:
    return _parse(request["fetched_at"])
