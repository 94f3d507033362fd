"""A damaged snapshot (missing object, truncated gzip, wrong bytes) stops staging with a message
naming the source, the object and how to repair it, never a bare traceback."""

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orchestration.formats.responses import FetchedResponse
from orchestration.formats.rows import PRODUCTS_DOMAIN
from orchestration.snapshots.manifest import SnapshotIntegrityError, SnapshotWriter, read_pages
from orchestration.snapshots.store import LocalObjectStore

HOUR = datetime(2026, 11, 20, 12, tzinfo=UTC)


def archived_snapshot(root: Path) -> tuple[LocalObjectStore, dict]:
    store = LocalObjectStore(root=str(root))
    writer = SnapshotWriter(store, PRODUCTS_DOMAIN, "glow-lab", "shopify", "1.0.0", HOUR, run_id="run-1")
    for page in (1, 2):
        body = b'{"products": [{"id": %d}]}' % page
        writer.add(FetchedResponse(f"https://glow.example/products.json?page={page}", 200, "application/json", body,
                                   HOUR, 1), 1)
    return store, writer.finish()


def damage(root: Path, manifest: dict, how: str) -> str:
    key = manifest["requests"][1]["object_key"]
    path = root / key
    if how == "missing":
        path.unlink()
    elif how == "truncated":
        path.write_bytes(path.read_bytes()[:-12])
    else:
        path.write_bytes(gzip.compress(b'{"products": []}'))
    return key


@pytest.mark.parametrize(("how", "problem"), [
    ("missing", "the object is missing"),
    ("truncated", "its gzip data is truncated or corrupt"),
    ("replaced", "its content has sha256"),
])
def test_a_damaged_page_names_the_source_the_object_and_the_repair(tmp_path, how, problem):
    store, manifest = archived_snapshot(tmp_path)
    key = damage(tmp_path, manifest, how)

    with pytest.raises(SnapshotIntegrityError) as raised:
        list(read_pages(store, manifest))

    message = str(raised.value)
    assert message.startswith(f"glow-lab snapshot for 2026-11-20T12:00:00Z is damaged: {key}: {problem}")
    assert "restore the object from a copy of the object store" in message
    assert f"move {manifest['manifest_key']} aside to stage the hour without this source" in message


def test_an_intact_snapshot_reads_back_every_page(tmp_path):
    store, manifest = archived_snapshot(tmp_path)
    assert [page.body for page in read_pages(store, manifest)] == [b'{"products": [{"id": 1}]}',
                                                                  b'{"products": [{"id": 2}]}']
