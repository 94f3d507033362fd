"""The gates of the landing tables: which suite checks which rows, and the per-partition facts.

Row-wise expectations read the audited rows of the run's partitions (the batch staging left
pending); per-partition expectations read a summary built here, one row per partition, so a
partition with no rows still gets one.
"""

import statistics
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import pandas as pd

from orchestration.checks.gx_suite import GxGate, RowsSpec
from orchestration.config import ProductGate, RadarConfig
from orchestration.warehouse.postgres import WarehouseResource
from orchestration.warehouse.publication import (
    CREATOR_OBSERVATIONS,
    CREATOR_PUBLICATION,
    PRODUCT_OBSERVATIONS,
    PRODUCT_PUBLICATION,
    SEARCH_TARGETS,
    VIDEO_OBSERVATIONS,
    AuditScope,
    PartitionedTable,
)

TRAILING_PARTITIONS = 24
TRAILING_WINDOW = timedelta(days=7)
ALL_SOURCES = "(all sources)"


def row_count_floor(trailing_counts: Sequence[int], share: float = 0.5) -> int:
    """At least one row, and at least ``share`` of the median of the trailing partitions' counts."""
    if not trailing_counts:
        return 1
    return max(1, int(statistics.median(trailing_counts) * share))


def hour_coverage(partitions: Mapping[str, datetime], counts: Mapping[tuple[datetime, str], int],
                  sources: Sequence[str], gate: ProductGate) -> pd.DataFrame:
    """For each hour: one row for the hour's total and one per configured source, with its row
    count, the median of its trailing hours with rows and the floor taken from it.

    ``counts`` holds rows per (hour, source) for the hours and the week before them. The config is
    the truth: a source no longer configured is not expected, and a source with fewer than
    ``new_source_grace_hours`` earlier hours of rows has no floor yet.
    """
    totals: dict[datetime, int] = {}
    for (hour, _), rows in counts.items():
        totals[hour] = totals.get(hour, 0) + rows
    summary = []
    for key, hour in partitions.items():
        earlier = sorted((h for h in totals if hour - TRAILING_WINDOW <= h < hour), reverse=True)
        lines = [(ALL_SOURCES, totals, 0)] + [(source, {h: counts.get((h, source), 0) for h in earlier + [hour]},
                                              gate.new_source_grace_hours) for source in sources]
        for source, count_of, grace in lines:
            history = [rows for h in earlier if (rows := count_of.get(h, 0))][:TRAILING_PARTITIONS]
            floor = row_count_floor(history, gate.min_source_share) if len(history) >= grace else 0
            summary.append({"partition": key, "source": source, "row_count": count_of.get(hour, 0),
                            "trailing_median": float(statistics.median(history)) if history else None,
                            "min_row_count": floor})
    return pd.DataFrame(summary, columns=["partition", "source", "row_count", "trailing_median", "min_row_count"])


def product_hours_summary(sources: Sequence[str], gate: ProductGate):
    """The partitions-suite summary of the product audit, from two indexed counts: the audited rows
    of the run's hours, and the published rows of the week before them (not one count per hour)."""

    def summarize(warehouse: WarehouseResource, partitions: Mapping[str, datetime], scope: AuditScope) -> pd.DataFrame:
        first = min(partitions.values())
        audited, params = scope.rows(PRODUCT_OBSERVATIONS, ["partition_hour", "source_name"])
        counts = {(hour, source): rows for hour, source, rows in warehouse.query(
            f"select partition_hour, source_name, count(*) from ({audited}) as audited group by 1, 2 "
            "union all select partition_hour, source_name, count(*) from landing.product_observations "
            "where partition_hour >= %s and partition_hour < %s group by 1, 2",
            [*params, first - TRAILING_WINDOW, first])}
        return hour_coverage(partitions, counts, sources, gate)

    return summarize


def product_observations_gate(config: RadarConfig) -> GxGate:
    return GxGate(
        name="staged_products",
        publication=PRODUCT_PUBLICATION,
        rows=RowsSpec("staged_products.json", PRODUCT_OBSERVATIONS),
        partitions_suite_file="staged_products.partitions.json",
        summarize=product_hours_summary([source.name for source in config.product_sources], config.product_gate),
        summary_keys=("source", "trailing_median"),
        parameters={"allowed_currencies": list(config.currencies)},
    )


def daily_row_counts(table: PartitionedTable):
    def summarize(warehouse: WarehouseResource, partitions: Mapping[str, datetime], scope: AuditScope) -> pd.DataFrame:
        audited, params = scope.rows(table, ["partition_date"])
        counts = dict(warehouse.query(
            f"select partition_date, count(*) from ({audited}) as audited group by partition_date", params))
        return pd.DataFrame(
            [{"partition": key, "row_count": counts.get(start.astimezone(UTC).date(), 0)} for key, start in partitions.items()],
            columns=["partition", "row_count"])

    return summarize


def summarize_search_coverage(warehouse: WarehouseResource, partitions: Mapping[str, datetime],
                              scope: AuditScope) -> pd.DataFrame:
    """Configured targets searched per day, and the share that returned videos."""
    audited, params = scope.rows(SEARCH_TARGETS, ["partition_date", "returned_data"])
    found = {day: (targets, coverage) for day, targets, coverage in warehouse.query(
        f"select partition_date, count(*), avg(returned_data::int)::float8 from ({audited}) as audited "
        "group by partition_date", params)}
    summary = []
    for key, start in partitions.items():
        targets, coverage = found.get(start.astimezone(UTC).date(), (0, None))
        summary.append({"partition": key, "targets": targets, "coverage": coverage})
    return pd.DataFrame(summary, columns=["partition", "targets", "coverage"]).astype({"coverage": "float64"})


def creator_gates(min_coverage: float) -> dict[str, list[GxGate]]:
    """The creator gates by the asset they check."""
    return {
        "staged_creators": [GxGate(
            name="staged_creators",
            publication=CREATOR_PUBLICATION,
            rows=RowsSpec("staged_creators.json", CREATOR_OBSERVATIONS),
            partitions_suite_file="staged_creators.partitions.json",
            summarize=daily_row_counts(CREATOR_OBSERVATIONS),
        )],
        "staged_videos": [
            GxGate(
                name="staged_videos",
                publication=CREATOR_PUBLICATION,
                rows=RowsSpec("staged_videos.json", VIDEO_OBSERVATIONS),
                partitions_suite_file="staged_videos.partitions.json",
                summarize=daily_row_counts(VIDEO_OBSERVATIONS),
            ),
            GxGate(
                name="creator_search_coverage",
                publication=CREATOR_PUBLICATION,
                partitions_suite_file="creator_search_coverage.partitions.json",
                summarize=summarize_search_coverage,
                parameters={"min_coverage": min_coverage},
            ),
        ],
    }
