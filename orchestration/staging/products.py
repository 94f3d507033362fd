"""Stage one hour of product snapshots into ``landing.product_observations``.

Reads the archived snapshots only (never the network), so re-staging an old hour replays the
exact bytes that were fetched then.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from orchestration.config import ProductSource
from orchestration.formats.normalize import BrandDictionary
from orchestration.formats.rows import (
    PRODUCT_OBSERVATION_COLUMNS,
    PRODUCTS_DOMAIN,
    QUARANTINE_COLUMNS,
    ProductObservation,
    QuarantinedRecord,
)
from orchestration.snapshots.manifest import latest_manifest, read_pages
from orchestration.snapshots.store import ObjectStore
from orchestration.sources.connectors import product_connector
from orchestration.warehouse.postgres import PartitionLoad, WarehouseResource


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


def iter_source_observations(
    store: ObjectStore,
    source: ProductSource,
    manifest: dict,
    partition_hour: datetime,
    quarantine: list[QuarantinedRecord],
    counts: StagedHour,
    brands: BrandDictionary | None = None,
) -> Iterator[ProductObservation]:
    """The source's observations for the hour, parsed by its connector from the archived pages;
    rejected records go to ``quarantine`` and the per-source counts to ``counts``."""
    pages = read_pages(store, manifest)
    parsed = product_connector(source.kind).parse(source, pages, partition_hour, brands or BrandDictionary({}))
    rows = 0
    quarantined_before = len(quarantine)
    for page in parsed:
        quarantine.extend(page.rejected)
        rows += len(page.observations)
        yield from page.observations
    counts.rows_by_source[source.name] = rows
    counts.quarantined_by_source[source.name] = len(quarantine) - quarantined_before


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
