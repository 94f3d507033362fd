"""The gates of the landing tables: which suite checks which rows, and the per-partition facts.

Row-wise expectations read the landing rows of the run's partitions; per-partition expectations
read a summary built here, one row per partition, so a partition with no rows still gets one.
"""

import statistics
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import pandas as pd

from orchestration.checks.gx_suite import GxGate, RowsSpec
from orchestration.warehouse.postgres import WarehouseResource

ROW_COUNT_FLOOR_SHARE = 0.5
TRAILING_PARTITIONS = 24
TRAILING_WINDOW = timedelta(days=7)


def row_count_floor(trailing_counts: Sequence[int]) -> int:
    """At least one row, and at least half the median of the trailing partitions' counts."""
    if not trailing_counts:
        return 1
    return max(1, int(statistics.median(trailing_counts) * ROW_COUNT_FLOOR_SHARE))


def summarize_product_hours(warehouse: WarehouseResource, partitions: Mapping[str, datetime]) -> pd.DataFrame:
    """Rows per hour, and the floor from the (up to) 24 earlier hours with rows in the last 7 days.

    One indexed count over the run's hours and the week before them, not one per hour.
    """
    hours = sorted(partitions.values())
    counts = dict(warehouse.query(
        "select partition_hour, count(*) from landing.product_observations "
        "where partition_hour >= %s and partition_hour <= %s group by partition_hour",
        [hours[0] - TRAILING_WINDOW, hours[-1]],
    ))
    newest_first = sorted(counts, reverse=True)
    summary = []
    for key, hour in partitions.items():
        trailing = [counts[earlier] for earlier in newest_first if hour - TRAILING_WINDOW <= earlier < hour]
        summary.append({"partition": key, "row_count": counts.get(hour, 0),
                        "min_row_count": row_count_floor(trailing[:TRAILING_PARTITIONS])})
    return pd.DataFrame(summary, columns=["partition", "row_count", "min_row_count"])


def product_observations_gate(currencies: Sequence[str]) -> GxGate:
    return GxGate(
        name="staged_products",
        rows=RowsSpec("staged_products.json", "landing.product_observations", "partition_hour"),
        partitions_suite_file="staged_products.partitions.json",
        summarize=summarize_product_hours,
        parameters={"allowed_currencies": list(currencies)},
    )


def _days(partitions: Mapping[str, datetime]) -> list:
    return [start.astimezone(UTC).date() for start in partitions.values()]


def daily_row_counts(table: str):
    def summarize(warehouse: WarehouseResource, partitions: Mapping[str, datetime]) -> pd.DataFrame:
        counts = dict(warehouse.query(
            f"select partition_date, count(*) from {table} where partition_date = any(%s) group by partition_date",
            [_days(partitions)]))
        return pd.DataFrame(
            [{"partition": key, "row_count": counts.get(start.astimezone(UTC).date(), 0)} for key, start in partitions.items()],
            columns=["partition", "row_count"])

    return summarize


def summarize_search_coverage(warehouse: WarehouseResource, partitions: Mapping[str, datetime]) -> pd.DataFrame:
    """Configured targets searched per day, and the share that returned videos."""
    found = {day: (targets, coverage) for day, targets, coverage in warehouse.query(
        "select partition_date, count(*), avg(returned_data::int)::float8 from landing.creator_search_targets "
        "where partition_date = any(%s) group by partition_date", [_days(partitions)])}
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
            rows=RowsSpec("staged_creators.json", "landing.creator_observations", "partition_date"),
            partitions_suite_file="staged_creators.partitions.json",
            summarize=daily_row_counts("landing.creator_observations"),
        )],
        "staged_videos": [
            GxGate(
                name="staged_videos",
                rows=RowsSpec("staged_videos.json", "landing.video_observations", "partition_date"),
                partitions_suite_file="staged_videos.partitions.json",
                summarize=daily_row_counts("landing.video_observations"),
            ),
            GxGate(
                name="creator_search_coverage",
                partitions_suite_file="creator_search_coverage.partitions.json",
                summarize=summarize_search_coverage,
                parameters={"min_coverage": min_coverage},
            ),
        ],
    }
