"""Stage one day of TikHub snapshots into the pending creator, video and search-target tables,
where the day's gates audit them before they are published to ``landing``.

Reads the archived snapshot only. Videos are deduplicated by id (the same video shows up under
several hashtags and on two pages); each keeps the list of targets that found it. Creators come
from profile calls only, since list authors carry zeroed counts. Everything for the day
(pending creators, videos and search targets, quarantine entries, the brand dictionary) is
replaced in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from orchestration.config import CreatorSearch
from orchestration.formats.normalize import BrandDictionary
from orchestration.formats.rows import (
    CREATORS_DOMAIN,
    QUARANTINE_COLUMNS,
    CreatorObservation,
    QuarantinedRecord,
    SearchTarget,
    VideoObservation,
)
from orchestration.snapshots.manifest import latest_manifest, read_pages
from orchestration.snapshots.store import ObjectStore
from orchestration.sources.connectors import CREATOR_CONNECTOR
from orchestration.warehouse.postgres import PartitionLoad, WarehouseResource
from orchestration.warehouse.publication import (
    CREATOR_OBSERVATIONS,
    CREATOR_PUBLICATION,
    SEARCH_TARGETS,
    VIDEO_OBSERVATIONS,
)


class NoCreatorSnapshotError(RuntimeError):
    """Nothing was scraped for the day."""


@dataclass
class StagedDay:
    day: datetime
    manifest_key: str = ""
    creators: int = 0
    videos: int = 0
    quarantined: int = 0
    coverage: float = 0.0
    failed_targets: dict[str, str] = field(default_factory=dict)


def brand_alias_rows(brands: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    """(brand, alias) pairs; the canonical name is always an alias of itself."""
    return sorted({(brand, alias) for brand, aliases in brands.items() for alias in (brand, *aliases)})


def stage_creators_day(store: ObjectStore, warehouse: WarehouseResource, search: CreatorSearch, day: datetime,
                       brands: Mapping[str, list[str]] | None = None) -> StagedDay:
    manifest = latest_manifest(store, CREATORS_DOMAIN, CREATOR_CONNECTOR.kind, day)
    if manifest is None:
        raise NoCreatorSnapshotError(
            f"no creator search snapshot for {day:%Y-%m-%d} in {store.describe()}; "
            "materialize creator_search_snapshot for this day first"
        )
    partition_date = day.astimezone(UTC).date()
    staged = StagedDay(day, manifest["manifest_key"], coverage=manifest.get("coverage", 0.0))
    videos: dict[str, VideoObservation] = {}
    creators: dict[str, CreatorObservation] = {}
    quarantine: list[QuarantinedRecord] = []
    pages = read_pages(store, manifest)
    for page in CREATOR_CONNECTOR.parse(search, pages, day, BrandDictionary(brands or {})):
        quarantine.extend(page.rejected)
        for creator in page.creators:
            creators.setdefault(creator.user_id, creator)
        for video in page.videos:
            known = videos.setdefault(video.aweme_id, video)
            if known is not video and video.found_by[0] not in known.found_by:
                known.found_by.append(video.found_by[0])
    targets = []
    for name, result in (manifest.get("targets") or {}).items():
        kind, _, target = name.partition(":")
        targets.append(SearchTarget(partition_date, target, kind, result["pages"], result["videos"],
                                    result["error"] is None and result["videos"] > 0, result["error"]))
        if result["error"]:
            staged.failed_targets[name] = result["error"]
    warehouse.replace_partitions([
        *CREATOR_PUBLICATION.pending_loads(day, {CREATOR_OBSERVATIONS.name: list(creators.values()),
                                                 VIDEO_OBSERVATIONS.name: list(videos.values()),
                                                 SEARCH_TARGETS.name: targets}),
        PartitionLoad("landing.quarantine", QUARANTINE_COLUMNS, "domain = %s and partition_hour = %s",
                      [CREATORS_DOMAIN, day], quarantine),
        PartitionLoad("landing.brand_aliases", ("brand", "alias"), "true", [], brand_alias_rows(brands or {})),
    ])
    staged.creators, staged.videos, staged.quarantined = len(creators), len(videos), len(quarantine)
    return staged
