"""The warehouse: PostgreSQL, and the one way rows get into it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

import dagster as dg
import pandas as pd
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.datetime import DatetimeDumper

TIMESTAMP_CACHE_SIZE = 4_096
NUMERIC_TYPE_OIDS = {20, 21, 23, 700, 701, 1700}  # int8, int2, int4, float4, float8, numeric
BOOLEAN_TYPE_OID = 16


class RepeatedTimestamptzDumper(DatetimeDumper):
    """Formats each distinct timestamp once per COPY.

    Loaded rows share a handful of timestamps (the partition hour, each page's fetch time), and
    formatting datetimes is about half of psycopg's per-row client cost; the text sent is the same.
    """

    def __init__(self, cls: type, context: Any = None):
        super().__init__(cls, context)
        self._formatted: dict[Any, bytes] = {}

    def dump(self, obj: Any) -> bytes:
        formatted = self._formatted.get(obj)
        if formatted is None:
            if len(self._formatted) >= TIMESTAMP_CACHE_SIZE:
                self._formatted.clear()
            formatted = self._formatted[obj] = bytes(super().dump(obj))
        return formatted


@dataclass
class PartitionLoad:
    """Replace the rows of ``table`` matching ``where`` with ``rows``."""

    table: str  # schema-qualified, e.g. "landing.product_observations"
    columns: Sequence[str]
    where: str  # a SQL predicate with %s placeholders
    where_params: Sequence[Any]
    rows: Iterable[Sequence[Any]]


class WarehouseResource(dg.ConfigurableResource):
    """PostgreSQL holding the landing tables and the dbt models."""

    database_url: str

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        with psycopg.connect(self.database_url) as connection:
            yield connection

    def ensure_landing_schema(self) -> None:
        ddl = resources.files("orchestration.staging").joinpath("schema.sql").read_text()
        with self.connect() as connection:
            # Concurrent runs may both create the schema; serialize on an advisory lock.
            connection.execute("select pg_advisory_xact_lock(hashtext('radar.landing.ddl'))")
            connection.execute(ddl)

    def replace_partitions(self, loads: Sequence[PartitionLoad]) -> list[int]:
        """Delete and COPY every load in one transaction: readers see old rows or new, never a mix."""
        counts: list[int] = []
        with self.connect() as connection, connection.transaction(), connection.cursor() as cursor:
            cursor.adapters.register_dumper(datetime, RepeatedTimestamptzDumper)
            for load in loads:
                table = sql.Identifier(*load.table.split("."))
                cursor.execute(
                    sql.SQL("delete from {} where ").format(table) + sql.SQL(load.where),  # type: ignore[arg-type]
                    load.where_params,
                )
                copy_statement = sql.SQL("copy {} ({}) from stdin").format(
                    table, sql.SQL(", ").join(map(sql.Identifier, load.columns))
                )
                count = 0
                with cursor.copy(copy_statement) as copy:
                    for row in load.rows:
                        copy.write_row(row)
                        count += 1
                counts.append(count)
        return counts

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.connect() as connection:
            return connection.execute(statement, params).fetchall()

    def read_frame(self, statement: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """A query's rows as a DataFrame: numbers as float64, booleans as bool, the rest as text.

        The server casts each column to float8, boolean or text and the rows come back in binary,
        which psycopg's C loaders turn into Python values several times faster than it parses
        numeric and timestamp text (the gates read whole windows of rows).
        """
        query = sql.SQL(statement)  # type: ignore[arg-type]
        with self.connect() as connection, connection.cursor(binary=True) as cursor:
            cursor.execute(sql.SQL("select * from ({}) as q limit 0").format(query), params)
            columns = [(column.name, column.type_code) for column in cursor.description or []]
            casts = [
                sql.SQL("q.{}::{}").format(sql.Identifier(name), sql.SQL(
                    "float8" if oid in NUMERIC_TYPE_OIDS else "boolean" if oid == BOOLEAN_TYPE_OID else "text"))
                for name, oid in columns
            ]
            cursor.execute(sql.SQL("select {} from ({}) as q").format(sql.SQL(", ").join(casts), query), params)
            frame = pd.DataFrame(cursor.fetchall(), columns=[name for name, _ in columns])
        return frame.astype({name: "float64" for name, oid in columns if oid in NUMERIC_TYPE_OIDS})

    def dbt_environment(self) -> dict[str, str]:
        return dbt_connection_environment(self.database_url)


def dbt_connection_environment(database_url: str) -> dict[str, str]:
    """Connection settings for dbt's profiles.yml, which cannot take a URL."""
    parts = conninfo_to_dict(database_url)
    return {
        "RADAR_PGHOST": str(parts.get("host") or "localhost"),
        "RADAR_PGPORT": str(parts.get("port") or 5432),
        "RADAR_PGUSER": str(parts.get("user") or "postgres"),
        "RADAR_PGPASSWORD": str(parts.get("password") or ""),
        "RADAR_PGDATABASE": str(parts.get("dbname") or "postgres"),
    }
