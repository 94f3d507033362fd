"""Stage one day of TikHub snapshots into landing.creator_observations / video_observations.

Reads the archived snapshot only. Videos are deduplicated by id (the same video shows up under
several hashtags and on two pages); each keeps the list of targets that found it. Creators come
from profile calls only, since list authors carry zeroed counts. Everything for the day
(creators, videos, search targets and quarantine entries) is replaced in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from orchestration.formats.rows import (
    CREATOR_OBSERVATION_COLUMNS,
    QUARANTINE_COLUMNS,
    SEARCH_TARGET_COLUMNS,
    VIDEO_OBSERVATION_COLUMNS,
    CreatorObservation,
    QuarantinedRecord,
    SearchTarget,
    VideoObservation,
)
from orchestration.formats.tikhub import (
    TikHubFormatError,
    app_profile,
    envelope_data,
    hashtag_video_page,
    search_video_page,
    web_profile,
)
from orchestration.snapshots.manifest import fetched_at, latest_manifest, read_pages
from orchestration.snapshots.store import ObjectStore
from orchestration.warehouse.postgres import PartitionLoad, WarehouseResource

CREATORS_DOMAIN = "creators"
CREATOR_SOURCE = "tikhub"
VIDEO_ROLES = {"hashtag_videos": hashtag_video_page, "keyword_search": search_video_page}


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


def stage_creators_day(store: ObjectStore, warehouse: WarehouseResource, day: datetime,
                       brands: Mapping[str, list[str]] | None = None) -> StagedDay:
    manifest = latest_manifest(store, CREATORS_DOMAIN, CREATOR_SOURCE, day)
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

    def reject(key: str, locator: str, record: object, reason: str) -> None:
        quarantine.append(QuarantinedRecord(CREATORS_DOMAIN, CREATOR_SOURCE, day, key, locator,
                                            json.dumps(record, default=str)[:20_000], reason))

    for request, body in read_pages(store, manifest):
        role, key, observed = request.get("role"), request["object_key"], fetched_at(request)
        if role not in VIDEO_ROLES and role != "profile":
            continue
        try:
            data = envelope_data(body)
            if role == "profile":
                profile = web_profile(data) if "userInfo" in data else app_profile(data)
                creators.setdefault(profile.user_id, CreatorObservation(
                    partition_date, key, observed, profile.user_id, profile.sec_uid, profile.handle, profile.nickname,
                    profile.followers, profile.following, profile.hearts, profile.videos, profile.signature,
                    profile.avatar_url))
                continue
            page = VIDEO_ROLES[role](data)
        except TikHubFormatError as error:
            reject(key, role, body[:2000].decode("utf-8", "replace"), str(error))
            continue
        for record, reason in page.rejected:
            reject(key, f"{role}:{request.get('target')}", record, reason)
        target = f"{request.get('target_kind')}:{request.get('target')}"
        for video in page.videos:
            if video.aweme_id in videos:
                if target not in videos[video.aweme_id].found_by:
                    videos[video.aweme_id].found_by.append(target)
                continue
            videos[video.aweme_id] = VideoObservation(
                partition_date, key, observed, video.aweme_id, video.author_uid, video.author_handle, video.caption,
                list(video.hashtags), list(video.mentions), video.created_at, video.play_count, video.digg_count,
                video.comment_count, video.share_count, video.collect_count, [target])
    targets = []
    for name, result in (manifest.get("targets") or {}).items():
        kind, _, target = name.partition(":")
        targets.append(SearchTarget(partition_date, target, kind, result["pages"], result["videos"],
                                    result["error"] is None and result["videos"] > 0, result["error"]))
        if result["error"]:
            staged.failed_targets[name] = result["error"]
    warehouse.replace_partitions([
        PartitionLoad("landing.creator_observations", CREATOR_OBSERVATION_COLUMNS, "partition_date = %s", [partition_date],
                      list(creators.values())),
        PartitionLoad("landing.video_observations", VIDEO_OBSERVATION_COLUMNS, "partition_date = %s", [partition_date],
                      list(videos.values())),
        PartitionLoad("landing.creator_search_targets", SEARCH_TARGET_COLUMNS, "partition_date = %s", [partition_date],
                      targets),
        PartitionLoad("landing.quarantine", QUARANTINE_COLUMNS, "domain = %s and partition_hour = %s",
                      [CREATORS_DOMAIN, day], quarantine),
        PartitionLoad("landing.brand_aliases", ("brand", "alias"), "true", [], brand_alias_rows(brands or {})),
    ])
    staged.creators, staged.videos, staged.quarantined = len(creators), len(videos), len(quarantine)
    return staged
