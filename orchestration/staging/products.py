"""Stage one hour of product snapshots into ``landing_pending.product_observations``, where the
hour's gate audits them before they are published to ``landing``.

Reads the archived snapshots only (never the network), so re-staging an old hour replays the
exact bytes that were fetched then.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from orchestration.config import ProductGate, ProductSource
from orchestration.formats.normalize import BrandDictionary
from orchestration.formats.plausibility import (
    IMPLAUSIBLE,
    PricePlausibility,
    held_price,
    hold_record,
    unusable_reason,
)
from orchestration.formats.rows import (
    PRODUCTS_DOMAIN,
    QUARANTINE_COLUMNS,
    ProductObservation,
    QuarantinedRecord,
    SourceScrape,
)
from orchestration.snapshots.manifest import failed_requests, latest_manifest, read_pages
from orchestration.snapshots.store import ObjectStore
from orchestration.sources.connectors import product_connector
from orchestration.warehouse.postgres import PartitionLoad, WarehouseResource
from orchestration.warehouse.publication import PRODUCT_OBSERVATIONS, PRODUCT_PUBLICATION, PRODUCT_SCRAPES


def price_plausibility(gate: ProductGate) -> PricePlausibility:
    return PricePlausibility(gate.max_price_ratio, gate.price_ceilings, gate.default_price_ceiling)


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


class AcceptedPrices:
    """Each product's last accepted price before the hour being staged: from the hours staged earlier
    in the same run, else from its latest published row, looked up once per product through the
    (product_key, partition_hour) index, so the cost does not grow with history.

    Hours must be staged in order; pending rows of other runs are never a reference.
    """

    def __init__(self, warehouse: WarehouseResource):
        self.warehouse = warehouse
        self.known: dict[str, Decimal | None] = {}

    def before(self, hour: datetime, keys: Iterable[str]) -> dict[str, Decimal | None]:
        missing = sorted({key for key in keys if key not in self.known})
        if missing:
            found = dict(self.warehouse.query(
                "select keys.key, latest.price from unnest(%s::text[]) as keys(key) "
                "cross join lateral (select price from landing.product_observations as published "
                "where published.product_key = keys.key and published.partition_hour < %s and price is not null "
                "order by published.partition_hour desc limit 1) as latest", [missing, hour]))
            self.known.update({key: found.get(key) for key in missing})
        return self.known

    def accept(self, observations: Iterable[ProductObservation]) -> None:
        self.known.update({row.product_key: row.price for row in observations if row.product_key and row.price is not None})

    def held_back(self, source: str, hour: datetime) -> dict[str, Decimal]:
        """Prices the source's products were held back at in ``hour`` for being implausible."""
        records = self.warehouse.query(
            "select record from landing.quarantine where domain = %s and partition_hour = %s and source_name = %s "
            "and reason like %s", [PRODUCTS_DOMAIN, hour, source, f"{IMPLAUSIBLE}%"])
        return dict(held for (record,) in records if (held := held_price(record)))


def hold_back_unusable(observations: list[ProductObservation], plausibility: PricePlausibility,
                       prices: AcceptedPrices, source: ProductSource, hour: datetime,
                       quarantine: list[QuarantinedRecord]) -> list[ProductObservation]:
    """The observations that are complete, in the source's currency and believably priced; the
    others go to ``quarantine`` with the reason."""
    last = prices.before(hour, (row.product_key for row in observations if row.product_key))
    held = prices.held_back(source.name, hour - timedelta(hours=1))
    kept = []
    for row in observations:
        key = row.product_key or ""
        reason = unusable_reason(row, source.accepted_currencies) or plausibility.reason(row, last.get(key), held.get(key))
        if reason is None:
            kept.append(row)
        else:
            locator, record = hold_record(row, last.get(key))
            quarantine.append(QuarantinedRecord(PRODUCTS_DOMAIN, source.name, hour, row.snapshot_key, locator, record,
                                                reason))
    return kept


def iter_source_observations(
    store: ObjectStore,
    source: ProductSource,
    manifest: dict,
    partition_hour: datetime,
    quarantine: list[QuarantinedRecord],
    counts: StagedHour,
    brands: BrandDictionary | None = None,
    plausibility: PricePlausibility | None = None,
    prices: AcceptedPrices | None = None,
) -> Iterator[ProductObservation]:
    """The source's observations for the hour, parsed by its connector from the archived pages;
    rejected, incomplete and implausible records go to ``quarantine``, the per-source counts to ``counts``."""
    pages = read_pages(store, manifest)
    parsed = product_connector(source.kind).parse(source, pages, partition_hour, brands or BrandDictionary({}))
    quarantined_before = len(quarantine)
    observations: list[ProductObservation] = []
    for page in parsed:
        quarantine.extend(page.rejected)
        observations.extend(page.observations)
    if plausibility is not None and prices is not None:
        observations = hold_back_unusable(observations, plausibility, prices, source, partition_hour, quarantine)
        prices.accept(observations)
    counts.rows_by_source[source.name] = len(observations)
    counts.quarantined_by_source[source.name] = len(quarantine) - quarantined_before
    yield from observations


def stage_products_hour(
    store: ObjectStore,
    warehouse: WarehouseResource,
    sources: Sequence[ProductSource],
    partition_hour: datetime,
    brands: BrandDictionary | None = None,
    plausibility: PricePlausibility | None = None,
    prices: AcceptedPrices | None = None,
) -> StagedHour:
    """Replace the hour's pending observations (a new batch for its gate) and its quarantine entries in
    one transaction; the published rows of the hour stay as they are until the batch passes."""
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
    plausibility = plausibility or price_plausibility(ProductGate())
    prices = prices or AcceptedPrices(warehouse)

    first_seen_by: dict[str, str] = {}

    def all_observations() -> Iterator[ProductObservation]:
        for source in sources:
            if source.name not in manifests:
                continue
            for row in iter_source_observations(store, source, manifests[source.name], partition_hour, quarantine,
                                                staged, brands, plausibility, prices):
                first = first_seen_by.setdefault(row.product_key, source.name) if row.product_key else source.name
                if first == source.name:
                    yield row
                    continue
                # A marketplace listing keyed on its platform ids, seen by an earlier source this hour
                # (a search and a category of one site): one product, one row per hour.
                locator, record = hold_record(row, None)
                quarantine.append(QuarantinedRecord(PRODUCTS_DOMAIN, source.name, partition_hour, row.snapshot_key,
                                                    locator, record, f"the same listing as a row of {first} this hour"))
                staged.rows_by_source[source.name] -= 1
                staged.quarantined_by_source[source.name] += 1

    def scrapes() -> Iterator[SourceScrape]:
        # Consumed after the observations, so the counts are final.
        for name, manifest in manifests.items():
            yield SourceScrape(partition_hour, name, manifest["manifest_key"], manifest["connector"], manifest["pages"],
                               failed_requests(manifest), int(manifest.get("retries") or 0), manifest["bytes"],
                               bool(manifest.get("truncated")), staged.rows_by_source.get(name, 0),
                               staged.quarantined_by_source.get(name, 0))

    warehouse.replace_partitions([
        *PRODUCT_PUBLICATION.pending_loads(partition_hour, {PRODUCT_OBSERVATIONS.name: all_observations(),
                                                            PRODUCT_SCRAPES.name: scrapes()}),
        # Evaluated after the observations are consumed, so it holds this hour's rejects.
        PartitionLoad("landing.quarantine", QUARANTINE_COLUMNS,
                      "domain = %s and partition_hour = %s", [PRODUCTS_DOMAIN, partition_hour], quarantine),
    ])
    return staged
