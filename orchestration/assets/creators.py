"""Creator discovery assets (daily): the TikHub search snapshot, then staged creators and videos."""

import time
from collections.abc import Mapping
from datetime import UTC, timedelta

import dagster as dg

from orchestration.assets.scrape_window import refuse_unless_current
from orchestration.checks.gates import creator_gates
from orchestration.checks.gx_suite import build_gx_check
from orchestration.clock import ClockResource
from orchestration.config import CreatorSearch
from orchestration.formats.rows import CREATORS_DOMAIN
from orchestration.partitions import partition_starts
from orchestration.snapshots.layout import attempt_id
from orchestration.snapshots.manifest import SnapshotIntegrityError, SnapshotWriter
from orchestration.snapshots.store import ObjectStore
from orchestration.sources.connectors import CREATOR_CONNECTOR
from orchestration.sources.tikhub import TikHubResource
from orchestration.staging.creators import stage_creators_day
from orchestration.warehouse.postgres import WarehouseResource

LATE_SCRAPE_GRACE = timedelta(hours=1)


def build_creator_assets(search: CreatorSearch, partitions_def: dg.DailyPartitionsDefinition,
                         brands: Mapping[str, list[str]]) -> list:
    @dg.asset(
        key="creator_search_snapshot",
        partitions_def=partitions_def,
        group_name="creators_ingest",
        kinds={"s3", "python"},
        description=f"Raw {CREATOR_CONNECTOR.describes} of the day, plus a manifest with per-target results and coverage.",
        metadata={"connector": f"{CREATOR_CONNECTOR.kind} {CREATOR_CONNECTOR.version}", "base_url": search.base_url,
                  "hashtags": ", ".join(h.name for h in search.hashtags), "keywords": ", ".join(search.keywords)},
        retry_policy=dg.RetryPolicy(max_retries=1, delay=60),
        pool="source-tikhub",
    )
    def creator_search_snapshot(context: dg.AssetExecutionContext, object_store: ObjectStore,
                                tikhub_api: TikHubResource, clock: ClockResource) -> dg.MaterializeResult:
        with clock.in_effect():
            return _search(context, object_store, tikhub_api)

    def _search(context: dg.AssetExecutionContext, object_store: ObjectStore,
                tikhub_api: TikHubResource) -> dg.MaterializeResult:
        day = context.partition_time_window.start.astimezone(UTC)
        refuse_unless_current("search TikHub", day, timedelta(days=1), LATE_SCRAPE_GRACE,
                              replay="re-materialize staged_creators for it (it replays the archived snapshot)")
        started = time.monotonic()
        writer = SnapshotWriter(object_store, CREATORS_DOMAIN, CREATOR_CONNECTOR.kind, CREATOR_CONNECTOR.kind,
                                CREATOR_CONNECTOR.version, day,
                                run_id=attempt_id(context.run.run_id, context.retry_number))
        try:
            extras = CREATOR_CONNECTOR.fetch(search, writer, context.log, secrets={"api_key": tikhub_api.api_key})
        except CREATOR_CONNECTOR.permanent_errors as error:
            raise dg.Failure(description=str(error), allow_retries=False) from None
        manifest = writer.finish(**extras)
        failed = {name: result["error"] for name, result in manifest["targets"].items() if result["error"]}
        return dg.MaterializeResult(metadata={
            "manifest_key": manifest["manifest_key"],
            "object_store": object_store.describe(),
            "pages": manifest["pages"],
            "videos": sum(result["videos"] for result in manifest["targets"].values()),
            "authors": manifest["authors"],
            "coverage": manifest["coverage"],
            "failed_targets": dg.MetadataValue.json(failed),
            "profile_failures": len(manifest["profile_failures"]),
            "retries": manifest["retries"],
            "bytes": manifest["bytes"],
            "duration_s": round(time.monotonic() - started, 2),
        })

    @dg.multi_asset(
        specs=[
            dg.AssetSpec("staged_creators", deps=["creator_search_snapshot"], group_name="creators_staging", kinds={"postgres"},
                         description="One row per creator per day from profile calls, pending in "
                                     "landing_pending.creator_observations until the gates pass and published_creators "
                                     "publishes the day.",
                         metadata={"table": "landing_pending.creator_observations"}),
            dg.AssetSpec("staged_videos", deps=["creator_search_snapshot"], group_name="creators_staging", kinds={"postgres"},
                         description="One row per video per day, with the hashtags and keywords that found it, "
                                     "pending in landing_pending.video_observations (per-target coverage in "
                                     "landing_pending.creator_search_targets) until published_creators publishes the day.",
                         metadata={"table": "landing_pending.video_observations"}),
            dg.AssetSpec("brand_dictionary", group_name="creators_staging", kinds={"postgres"},
                         description="landing.brand_aliases: the config file's brand dictionary (brand, alias), "
                                     "for brand mentions in captions; replaced whole on every run.",
                         metadata={"table": "landing.brand_aliases"}),
        ],
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        can_subset=False,
    )
    def staged_creators_and_videos(context: dg.AssetExecutionContext, object_store: ObjectStore,
                                   warehouse: WarehouseResource):
        started = time.monotonic()
        warehouse.ensure_landing_schema()
        totals = {"creators": 0, "videos": 0, "quarantined": 0}
        coverage: dict[str, float] = {}
        failed: dict[str, dict[str, str]] = {}
        days = list(partition_starts(context.partition_time_window, partitions_def))
        for position, day in enumerate(days, start=1):
            try:
                staged = stage_creators_day(object_store, warehouse, search, day, brands)
            except SnapshotIntegrityError as error:
                raise dg.Failure(description=str(error), allow_retries=False) from None
            totals = {key: totals[key] + getattr(staged, key) for key in totals}
            coverage[f"{day:%Y-%m-%d}"] = staged.coverage
            if staged.failed_targets:
                failed[f"{day:%Y-%m-%d}"] = staged.failed_targets
            context.log.info(f"[{position}/{len(days)}] {day:%Y-%m-%d}: {staged.creators} creators, {staged.videos} videos, "
                             f"{staged.quarantined} quarantined, coverage {staged.coverage:.0%}")
        common = {"days": len(days), "quarantined": totals["quarantined"], "duration_s": round(time.monotonic() - started, 2)}
        yield dg.MaterializeResult(asset_key="staged_creators", metadata={"rows": totals["creators"], **common})
        yield dg.MaterializeResult(asset_key="brand_dictionary", metadata={
            "brands": len(brands), "aliases": sum(len(aliases) + 1 for aliases in brands.values())})
        yield dg.MaterializeResult(asset_key="staged_videos", metadata={
            "rows": totals["videos"], "coverage": dg.MetadataValue.json(coverage),
            "failed_targets": dg.MetadataValue.json(failed), **common})

    gates = [build_gx_check(gate, asset=asset, partitions_def=partitions_def)
             for asset, asset_gates in creator_gates(search.min_coverage).items() for gate in asset_gates]
    return [creator_search_snapshot, staged_creators_and_videos, *gates]

