"""Write-audit-publish: where staged rows wait for their gates, and the one step that publishes them.

Staging replaces a partition's rows in ``landing_pending`` and records a new batch for it. The
gates audit the pending batch and record their verdict against its id. Publishing moves the rows
of batches that every gate passed into ``landing`` (the schema dbt, lookbacks and BI read) in one
transaction, so a reader sees a partition's previous published rows or its new ones, never
unaudited rows and never a mix. A batch that failed stays pending, with the verdicts, until the
partition is staged again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from psycopg import sql

from orchestration.formats.rows import (
    CREATOR_OBSERVATION_COLUMNS,
    CREATORS_DOMAIN,
    PRODUCT_OBSERVATION_COLUMNS,
    PRODUCTS_DOMAIN,
    SEARCH_TARGET_COLUMNS,
    SOURCE_SCRAPE_COLUMNS,
    VIDEO_OBSERVATION_COLUMNS,
)
from orchestration.warehouse.postgres import PartitionLoad, WarehouseResource

PENDING_SCHEMA = "landing_pending"
PUBLISHED_SCHEMA = "landing"


class UnauditedBatchError(RuntimeError):
    """A partition whose pending rows lack a passing verdict from one of their gates."""


@dataclass(frozen=True)
class PartitionedTable:
    """A landing table and its pending twin, with one partition per value of ``partition_column``."""

    name: str
    partition_column: str  # partition_hour (a timestamptz) or partition_date (a date)
    columns: Sequence[str]

    @property
    def pending(self) -> str:
        return f"{PENDING_SCHEMA}.{self.name}"

    @property
    def published(self) -> str:
        return f"{PUBLISHED_SCHEMA}.{self.name}"

    def value(self, start: datetime) -> datetime | date:
        return start.astimezone(UTC).date() if self.partition_column == "partition_date" else start


@dataclass(frozen=True)
class Publication:
    """What one staging run writes for a domain and which gates must pass before it is published."""

    domain: str
    tables: Sequence[PartitionedTable]
    gates: Sequence[str]

    def pending_loads(self, start: datetime, rows: Mapping[str, Any]) -> list[PartitionLoad]:
        """Loads replacing the partition's pending rows (``rows`` by table name) and starting a new batch."""
        loads = [PartitionLoad(table.pending, table.columns, f"{table.partition_column} = %s", [table.value(start)],
                               rows[table.name]) for table in self.tables]
        loads.append(PartitionLoad(f"{PENDING_SCHEMA}.batches", ("domain", "partition_start", "batch_id"),
                                   "domain = %s and partition_start = %s", [self.domain, start],
                                   [(self.domain, start, uuid.uuid4())]))
        return loads


@dataclass(frozen=True)
class AuditScope:
    """The rows a gate audits for a run's partitions: a partition's pending batch when it has one,
    else its published rows (a check run again on a published partition re-checks what readers see)."""

    starts: Sequence[datetime]
    batches: Mapping[datetime, uuid.UUID] = field(default_factory=dict)

    def rows(self, table: PartitionedTable, columns: Sequence[str]) -> tuple[str, list[Any]]:
        """A query over the scope's rows of ``table`` and its parameters."""
        pending = [table.value(start) for start in self.starts if start in self.batches]
        published = [table.value(start) for start in self.starts if start not in self.batches]
        selected = ", ".join(columns)
        statement = (f"select {selected} from {table.pending} where {table.partition_column} = any(%s) "
                     f"union all select {selected} from {table.published} where {table.partition_column} = any(%s)")
        return statement, [pending, published]


def audit_scope(warehouse: WarehouseResource, domain: str, starts: Sequence[datetime]) -> AuditScope:
    batches = dict(warehouse.query(
        f"select partition_start, batch_id from {PENDING_SCHEMA}.batches where domain = %s and partition_start = any(%s)",
        [domain, list(starts)]))
    return AuditScope(list(starts), {start: batches[start] for start in starts if start in batches})


def record_audit(warehouse: WarehouseResource, gate: str, scope: AuditScope, passed: bool, result: str) -> None:
    """The gate's verdict on each partition of ``scope``, against the batch it audited (none for published rows)."""
    with warehouse.connect() as connection:
        connection.cursor().executemany(
            f"insert into {PENDING_SCHEMA}.audits (gate, partition_start, batch_id, passed, result) "
            "values (%s, %s, %s, %s, %s) on conflict (gate, partition_start) do update set "
            "batch_id = excluded.batch_id, passed = excluded.passed, result = excluded.result, audited_at = now()",
            [(gate, start, scope.batches.get(start), passed, result) for start in scope.starts])


@dataclass
class PublishedPartitions:
    published: list[datetime] = field(default_factory=list)
    already_published: list[datetime] = field(default_factory=list)
    rows_by_table: dict[str, int] = field(default_factory=dict)


def publish(warehouse: WarehouseResource, publication: Publication, starts: Sequence[datetime]) -> PublishedPartitions:
    """Move the pending batches of ``starts`` into landing in one transaction, after checking that every
    gate passed each of them; raises :class:`UnauditedBatchError` (and changes nothing) otherwise.

    A partition with no pending batch was published by an earlier run and is left as it is.
    """
    outcome = PublishedPartitions()
    with warehouse.connect() as connection, connection.transaction(), connection.cursor() as cursor:
        batches = dict(cursor.execute(
            f"select partition_start, batch_id from {PENDING_SCHEMA}.batches "
            "where domain = %s and partition_start = any(%s) for update",
            [publication.domain, list(starts)]).fetchall())
        verdicts = {(gate, start): (batch, passed, result) for gate, start, batch, passed, result in cursor.execute(
            f"select gate, partition_start, batch_id, passed, result from {PENDING_SCHEMA}.audits "
            "where gate = any(%s) and partition_start = any(%s)", [list(publication.gates), list(batches)]).fetchall()}
        problems = []
        for start in sorted(batches):
            for gate in publication.gates:
                batch, passed, result = verdicts.get((gate, start), (None, None, None))
                if batch != batches[start]:
                    problems.append(f"{start:%Y-%m-%dT%H:%MZ}: gate {gate} has not audited the rows staged for it")
                elif not passed:
                    problems.append(f"{start:%Y-%m-%dT%H:%MZ}: gate {gate} failed: {result}")
        if problems:
            raise UnauditedBatchError(
                f"not publishing {publication.domain}: {'; '.join(problems[:5])}"
                + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
                + f". The rows stay in {PENDING_SCHEMA} for inspection; the published rows are unchanged. "
                "Fix the cause and stage the partition again (its gates run with it)."
            )
        outcome.published = sorted(start for start in starts if start in batches)
        outcome.already_published = sorted(start for start in starts if start not in batches)
        for table in publication.tables:
            values = [table.value(start) for start in outcome.published]
            where = sql.SQL("{} = any(%s)").format(sql.Identifier(table.partition_column))
            columns = sql.SQL(", ").join(map(sql.Identifier, table.columns))
            published, pending = (sql.Identifier(*name.split(".")) for name in (table.published, table.pending))
            cursor.execute(sql.SQL("delete from {} where ").format(published) + where, [values])
            cursor.execute(sql.SQL("insert into {} ({}) select {} from {} where ").format(
                published, columns, columns, pending) + where, [values])
            outcome.rows_by_table[table.published] = cursor.rowcount
            cursor.execute(sql.SQL("delete from {} where ").format(pending) + where, [values])
        cursor.execute(f"delete from {PENDING_SCHEMA}.batches where domain = %s and partition_start = any(%s)",
                       [publication.domain, outcome.published])
    return outcome


PRODUCT_OBSERVATIONS = PartitionedTable("product_observations", "partition_hour", PRODUCT_OBSERVATION_COLUMNS)
CREATOR_OBSERVATIONS = PartitionedTable("creator_observations", "partition_date", CREATOR_OBSERVATION_COLUMNS)
VIDEO_OBSERVATIONS = PartitionedTable("video_observations", "partition_date", VIDEO_OBSERVATION_COLUMNS)
SEARCH_TARGETS = PartitionedTable("creator_search_targets", "partition_date", SEARCH_TARGET_COLUMNS)

PRODUCT_SCRAPES = PartitionedTable("product_scrapes", "partition_hour", SOURCE_SCRAPE_COLUMNS)

PRODUCT_PUBLICATION = Publication(PRODUCTS_DOMAIN, [PRODUCT_OBSERVATIONS, PRODUCT_SCRAPES], gates=["staged_products"])
CREATOR_PUBLICATION = Publication(CREATORS_DOMAIN, [CREATOR_OBSERVATIONS, VIDEO_OBSERVATIONS, SEARCH_TARGETS],
                                  gates=["staged_creators", "staged_videos", "creator_search_coverage"])
