"""Stage one hour of product snapshots into ``landing.product_observations``.

Reads the archived snapshots only (never the network), so re-staging an old hour replays the
exact bytes that were fetched then.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from orchestration.config import BrowserSource, JsonLdSource, ProductSource, ShopifySource
from orchestration.formats.jsonld import observations_from_page
from orchestration.formats.listing import extract_cards, observations_from_cards
from orchestration.formats.normalize import BrandDictionary
from orchestration.formats.recipes import Recipe, load_recipe
from orchestration.formats.rows import (
    PRODUCT_OBSERVATION_COLUMNS,
    QUARANTINE_COLUMNS,
    ProductObservation,
    QuarantinedRecord,
)
from orchestration.formats.shopify import (
    PageFormatError,
    observations_from_products,
    parse_products_page,
)
from orchestration.snapshots.manifest import fetched_at, latest_manifest, read_pages
from orchestration.snapshots.store import ObjectStore
from orchestration.warehouse.postgres import PartitionLoad, WarehouseResource

PRODUCTS_DOMAIN = "products"


class NoSnapshotsError(RuntimeError):
    """Nothing was scraped for an hour, so there is nothing to stage."""


@dataclass
class StagedHour:
    partition_hour: datetime
    rows_by_source: dict[str, int] = field(default_factory=dict)
    quarantined_by_source: dict[str, int] = field(default_factory=dict)
    manifests: dict[str, str] = field(default_factory=dict)
    missing_sources: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.rows_by_source.values())

    @property
    def quarantined(self) -> int:
        return sum(self.quarantined_by_source.values())


def _quarantine_page(source: ProductSource, partition_hour: datetime, request: dict, body: bytes, reason: str) -> QuarantinedRecord:
    return QuarantinedRecord(PRODUCTS_DOMAIN, source.name, partition_hour, request["object_key"], "page",
                             body[:2000].decode("utf-8", "replace"), reason)


def _shopify_page(source: ShopifySource, request: dict, body: bytes, partition_hour: datetime, brands: BrandDictionary,
                  seen: set[str]) -> tuple[list[ProductObservation], list[QuarantinedRecord]]:
    try:
        products = parse_products_page(body)
    except PageFormatError as error:
        return [], [_quarantine_page(source, partition_hour, request, body, str(error))]
    return observations_from_products(
        products, source_name=source.name, base_url=source.base_url, currency=source.currency,
        partition_hour=partition_hour, observed_at=fetched_at(request), snapshot_key=request["object_key"],
        seen_product_ids=seen,
    )


def _jsonld_page(source: JsonLdSource, request: dict, body: bytes, partition_hour: datetime, brands: BrandDictionary,
                 seen: set[str]) -> tuple[list[ProductObservation], list[QuarantinedRecord]]:
    if request.get("role") != "product_page" or request["status"] != 200:
        return [], []  # sitemaps, and product pages that are gone (404/410)
    observations, rejected = observations_from_page(
        body.decode("utf-8", "replace"), page_url=request["url"], source_name=source.name, currency=source.currency,
        brands=brands, partition_hour=partition_hour, observed_at=fetched_at(request), snapshot_key=request["object_key"],
    )
    fresh = [o for o in observations if o.product_key not in seen]  # two sitemap URLs, one product
    seen.update(o.product_key for o in fresh)
    return fresh, rejected


def _browser_page(source: BrowserSource, request: dict, body: bytes, partition_hour: datetime, brands: BrandDictionary,
                  seen: set[str], recipe: Recipe) -> tuple[list[ProductObservation], list[QuarantinedRecord]]:
    cards = extract_cards(body.decode("utf-8", "replace"), recipe)
    return observations_from_cards(
        cards, source_name=source.name, page_url=request["url"], currency=source.currency,
        category=request.get("watch"), brands=brands, partition_hour=partition_hour,
        observed_at=fetched_at(request), snapshot_key=request["object_key"],
    )


def _first_sightings(observations: list[ProductObservation]) -> list[ProductObservation]:
    """One row per product key: the first organic sighting, else the first ad (ads repeat listings)."""
    chosen: dict[str, ProductObservation] = {}
    for observation in observations:
        current = chosen.get(observation.product_key)
        if current is None or (current.is_sponsored and not observation.is_sponsored):
            chosen[observation.product_key] = observation
    return list(chosen.values())


def iter_source_observations(
    store: ObjectStore,
    source: ProductSource,
    manifest: dict,
    partition_hour: datetime,
    quarantine: list[QuarantinedRecord],
    counts: StagedHour,
    brands: BrandDictionary | None = None,
) -> Iterator[ProductObservation]:
    brands = brands or BrandDictionary({})
    seen: set[str] = set()
    rows = 0
    quarantined_before = len(quarantine)
    if source.kind == "browser":
        recipe = load_recipe(source.recipe)
        observations: list[ProductObservation] = []
        for request, body in read_pages(store, manifest):
            page_rows, rejected = _browser_page(source, request, body, partition_hour, brands, seen, recipe)
            observations.extend(page_rows)
            quarantine.extend(rejected)
        pages = [_first_sightings(observations)]
    else:
        parse_page = _shopify_page if source.kind == "shopify" else _jsonld_page
        pages = (_page_rows(parse_page(source, request, body, partition_hour, brands, seen), quarantine)
                 for request, body in read_pages(store, manifest))
    for page_rows in pages:
        rows += len(page_rows)
        yield from page_rows
    counts.rows_by_source[source.name] = rows
    counts.quarantined_by_source[source.name] = len(quarantine) - quarantined_before


def _page_rows(result: tuple[list[ProductObservation], list[QuarantinedRecord]],
               quarantine: list[QuarantinedRecord]) -> list[ProductObservation]:
    observations, rejected = result
    quarantine.extend(rejected)
    return observations


def stage_products_hour(
    store: ObjectStore,
    warehouse: WarehouseResource,
    sources: Sequence[ProductSource],
    partition_hour: datetime,
    brands: BrandDictionary | None = None,
) -> StagedHour:
    """Replace the hour's observations and quarantine entries in one transaction."""
    staged = StagedHour(partition_hour)
    manifests = {}
    for source in sources:
        manifest = latest_manifest(store, PRODUCTS_DOMAIN, source.name, partition_hour)
        if manifest is None:
            staged.missing_sources.append(source.name)
        else:
            manifests[source.name] = manifest
            staged.manifests[source.name] = manifest["manifest_key"]
    if not manifests:
        raise NoSnapshotsError(
            f"no snapshot of any product source for hour {partition_hour:%Y-%m-%d %H:00} UTC "
            f"(looked for {', '.join(source.name for source in sources)} in {store.describe()}); "
            f"materialize the raw_products snapshot assets for this partition first"
        )
    quarantine: list[QuarantinedRecord] = []

    def all_observations() -> Iterator[ProductObservation]:
        for source in sources:
            if source.name in manifests:
                yield from iter_source_observations(store, source, manifests[source.name], partition_hour, quarantine,
                                                    staged, brands)

    warehouse.replace_partitions(
        [
            PartitionLoad("landing.product_observations", PRODUCT_OBSERVATION_COLUMNS,
                          "partition_hour = %s", [partition_hour], all_observations()),
            # Evaluated after the observations are consumed, so it holds this hour's rejects.
            PartitionLoad("landing.quarantine", QUARANTINE_COLUMNS,
                          "domain = %s and partition_hour = %s", [PRODUCTS_DOMAIN, partition_hour], quarantine),
        ]
    )
    return staged
