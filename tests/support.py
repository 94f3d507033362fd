"""Helpers the tests share: fixture paths, demo sources and configs, the real Definitions for a test."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from orchestration.config import (
    BrowserSource,
    JsonLdSource,
    RadarConfig,
    ShopifySource,
    load_config,
)
from radar_demo import DEMO_CONFIG_PATH

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def marketplace_source(server_url: str, **overrides) -> BrowserSource:
    """The demo marketplace as a browser source: one search (infinite scroll), one category (pages)."""
    values = {"name": "tokoloka", "kind": "browser", "recipe": "tokoloka-demo", "base_url": f"{server_url}/marketplace",
              "currency": "IDR", "rate_limit_per_second": 10, "max_items": 40, "max_pages": 2,
              "navigation_timeout_seconds": 10,
              "watchlist": [{"keyword": "serum", "category": "Serum"}, {"url": "c/kopi", "category": "Kopi"}]}
    return BrowserSource(**(values | overrides))


def jsonld_source(server_url: str, **overrides) -> JsonLdSource:
    values = {"name": "hearth-and-loom", "kind": "jsonld", "sitemap_url": f"{server_url}/stores/hearth-and-loom/sitemap.xml",
              "url_pattern": "/products/", "currency": "GBP", "rate_limit_per_second": 50, "max_pages": 100}
    return JsonLdSource(**(values | overrides))


def demo_brands() -> dict[str, list[str]]:
    return dict(load_config(DEMO_CONFIG_PATH).brands)


def demo_config(server_url: str, shops: tuple[str, ...] = ("glow-lab", "kopi-nusantara", "trail-and-tide"),
                extra_sources: tuple = (), **overrides) -> RadarConfig:
    currencies = {"glow-lab": "USD", "kopi-nusantara": "IDR", "trail-and-tide": "EUR"}
    sources = [
        ShopifySource(name=shop, kind="shopify", base_url=f"{server_url}/shops/{shop}", currency=currencies[shop],
                      rate_limit_per_second=50, max_pages=20, **overrides)
        for shop in shops
    ]
    return RadarConfig(product_sources=[*sources, *extra_sources], brands=demo_brands())


def build_test_definitions(config: RadarConfig, database_url: str, store, tikhub_api_key: str | None = None,
                           clock=None):
    """The real Definitions with resources pointed at the test database and lake."""
    from orchestration.definitions import build_definitions
    from orchestration.resources import build_resources
    from radar_demo.tikhub_pages import DEMO_API_KEY

    return build_definitions(config, resources=build_resources(
        database_url=database_url, object_store=store, tikhub_api_key=tikhub_api_key or DEMO_API_KEY, clock=clock))


def range_tags(first: str, last: str) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}


MANIFEST_REQUEST_FIELDS = {"url", "status", "content_type", "bytes", "sha256", "object_key", "fetched_at", "attempts",
                           "records"}


def republish_snapshot(lake, hour: datetime, source: str, edit: Callable[[int, bytes], bytes],
                       run_id: str = "republished") -> str:
    """A later snapshot of ``source`` for ``hour``: the archived responses with fetched_at kept and
    ``edit(page_index, body)`` applied to each body (extension and record counts kept). Returns its
    manifest key; staging replays the latest snapshot, so this is what the next restage reads."""
    from orchestration.formats.responses import FetchedResponse
    from orchestration.formats.rows import PRODUCTS_DOMAIN
    from orchestration.snapshots.manifest import SnapshotWriter, fetched_at, latest_manifest, read_pages

    old = latest_manifest(lake, PRODUCTS_DOMAIN, source, hour)
    writer = SnapshotWriter(lake, PRODUCTS_DOMAIN, source, old["connector"], old["connector_version"], hour,
                            run_id=run_id, started_at=hour + timedelta(minutes=50))
    for index, page in enumerate(read_pages(lake, old)):
        request = page.request
        details = {name: value for name, value in request.items() if name not in MANIFEST_REQUEST_FIELDS}
        writer.add(FetchedResponse(request["url"], request["status"], request["content_type"],
                                   edit(index, page.body), fetched_at(request), 1), request["records"],
                   extension=request["object_key"].rsplit("/", 1)[-1].split(".", 1)[1].removesuffix(".gz"), **details)
    return writer.finish()["manifest_key"]


def republish_shopify_snapshot(lake, hour: datetime, source: str, edit: Callable[[dict], None],
                               run_id: str = "republished") -> str:
    """:func:`republish_snapshot` with ``edit`` applied to every products.json payload."""

    def edit_json(_: int, body: bytes) -> bytes:
        payload = json.loads(body)
        edit(payload)
        return json.dumps(payload).encode()

    return republish_snapshot(lake, hour, source, edit_json, run_id)


def stage_and_publish(defs, instance, partition_key: str):
    """Stage, audit and publish one hour with the real restage job, without dbt (the tests that
    need only to know what reached landing)."""
    import dagster as dg

    job = defs.resolve_job_def("restage_products_job")
    return job.execute_in_process(instance=instance, partition_key=partition_key, raise_on_error=False,
                                  asset_selection=[dg.AssetKey("staged_products"), dg.AssetKey("published_products"),
                                  dg.AssetKey("published_product_scrapes")])
