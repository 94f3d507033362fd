"""The publish step of write-audit-publish: one asset per domain, downstream of the gated staging
assets, so a failed blocking gate stops it in the run; the publish itself re-checks every gate's
verdict on the exact batch, so running it alone can never publish unaudited rows."""

import time
from collections.abc import Mapping, Sequence

import dagster as dg

from orchestration.partitions import partition_starts
from orchestration.warehouse.postgres import WarehouseResource
from orchestration.warehouse.publication import PartitionedTable, Publication, UnauditedBatchError, publish


def build_publish_asset(publication: Publication, partitions_def: dg.TimeWindowPartitionsDefinition,
                        published: Mapping[str, Sequence[PartitionedTable]], deps: list[str],
                        group_name: str) -> dg.AssetsDefinition:
    """One step publishing the whole domain; ``published`` names an asset per group of its tables
    (what dbt sources and the lineage graph point at)."""
    gates = ", ".join(publication.gates)
    specs = [dg.AssetSpec(
        key, deps=deps, group_name=group_name, kinds={"postgres"},
        description=f"{', '.join(table.published for table in tables)}: the audited {publication.domain} rows, moved "
                    f"from landing_pending in one transaction for the whole run once gates {gates} passed on them. "
                    "dbt models, lookbacks and BI read only these rows.",
        metadata={"tables": ", ".join(table.published for table in tables), "gates": gates},
    ) for key, tables in published.items()]

    @dg.multi_asset(
        name=f"publish_{publication.domain}",
        specs=specs,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        can_subset=False,
    )
    def _publish(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        started = time.monotonic()
        warehouse.ensure_landing_schema()
        starts = list(partition_starts(context.partition_time_window, partitions_def))
        try:
            outcome = publish(warehouse, publication, starts)
        except UnauditedBatchError as error:
            raise dg.Failure(description=str(error), allow_retries=False) from None
        if outcome.already_published:
            context.log.info(f"{len(outcome.already_published)} partition(s) had nothing pending (already published)")
        for key, tables in published.items():
            yield dg.MaterializeResult(asset_key=key, metadata={
                "rows": sum(outcome.rows_by_table.get(table.published, 0) for table in tables),
                "partitions_published": len(outcome.published),
                "partitions_already_published": len(outcome.already_published),
                "duration_s": round(time.monotonic() - started, 2),
            })

    return _publish
