"""DEMO / TEST FIXTURE: creator search snapshots for past days, fetched by the real connector.

For each past day, a demo server whose clock is pinned to that day answers the real TikHub
connector, and the snapshot is filed with that day's timestamps and the configured base URL. So
the history holds exactly what a search on that day would have stored.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from orchestration.config import CreatorSearch
from orchestration.formats.responses import FetchedResponse
from orchestration.formats.rows import CREATORS_DOMAIN
from orchestration.snapshots.layout import manifest_key, snapshot_prefix
from orchestration.snapshots.manifest import SnapshotWriter
from orchestration.snapshots.store import ObjectStore
from orchestration.sources.connectors import CREATOR_CONNECTOR
from radar_demo.catalog import DemoMarket
from radar_demo.server import DemoMarketServer
from radar_demo.tikhub_pages import DEMO_API_KEY

HISTORY_RUN_ID = "demo-history"
GENERATED_BY = "demo creator history generator (not a live search)"
SEARCH_TIME = time(1, 20)  # when the daily schedule searches


class _BackdatedWriter(SnapshotWriter):
    """Files each response as fetched on the past day, from the configured base URL."""

    served_from: str = ""
    base_url: str = ""
    clock: datetime = datetime.min

    def add(self, response: FetchedResponse, records: int, extension: str = "json", **details) -> str:
        self.clock += timedelta(milliseconds=150)
        response = replace(response, url=response.url.replace(self.served_from, self.base_url, 1), fetched_at=self.clock)
        return super().add(response, records, extension, **details)


def creator_history_manifest_key(day: datetime) -> str:
    return manifest_key(snapshot_prefix(CREATORS_DOMAIN, CREATOR_CONNECTOR.kind, day, HISTORY_RUN_ID))


def creator_history_exists(store: ObjectStore, day: datetime) -> bool:
    return store.exists(creator_history_manifest_key(day))


def write_creator_history_day(store: ObjectStore, market: DemoMarket, search: CreatorSearch, day: datetime) -> dict:
    started = datetime.combine(day.date(), SEARCH_TIME, UTC)
    with DemoMarketServer(market, clock=lambda: started, marketplace_requests_per_second=None) as server:
        writer = _BackdatedWriter(store, CREATORS_DOMAIN, CREATOR_CONNECTOR.kind, CREATOR_CONNECTOR.kind, CREATOR_CONNECTOR.version,
                                  day, run_id=HISTORY_RUN_ID, generated_by=GENERATED_BY, started_at=started)
        writer.served_from, writer.base_url, writer.clock = f"{server.url}/tikhub", search.base_url, started
        pinned = search.model_copy(update={"base_url": f"{server.url}/tikhub", "rate_limit_per_second": 50})
        extras = CREATOR_CONNECTOR.fetch(pinned, writer, logging.getLogger("radar.demo"), secrets={"api_key": DEMO_API_KEY})
        return writer.finish(**extras)


def write_creator_history(store: ObjectStore, market: DemoMarket, search: CreatorSearch, days: list[datetime]) -> list[dict]:
    """Snapshots for every day not yet written; returns the new manifests."""
    return [write_creator_history_day(store, market, search, day) for day in days if not creator_history_exists(store, day)]
