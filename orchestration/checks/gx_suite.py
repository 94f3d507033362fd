"""Great Expectations 1.x suites as blocking, partition-scoped Dagster asset checks.

dagster-ge only supports GX < 1.0, so this module does the wiring. A gate validates the
partitions of a run with up to two suites from ``expectations/``:

- a **rows** suite (``<name>.json``) of row-wise expectations, validated over every row of all
  the run's partitions in one pass: a backfill of 168 hours is one validation, not 168;
- a **partitions** suite (``<name>.partitions.json``) over one row per partition (row counts
  and their floor, search coverage): what must hold per partition, including for a partition
  with no rows at all.

Failures name the expectation, the column, the unexpected count, sample values and the
partitions the samples come from. GX is imported lazily (seconds) and its context is built once
per process.
"""

import functools
import json
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from orchestration.partitions import partition_starts
from orchestration.warehouse.postgres import WarehouseResource
from orchestration.warehouse.publication import (
    AuditScope,
    PartitionedTable,
    Publication,
    audit_scope,
    record_audit,
)

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
SAMPLE_SIZE = 5
PARTITION_COLUMN = "partition"  # the partitions suite's frame names each row's partition key here
PARTITIONS_SUITE_SUFFIX = ".partitions.json"

# Expectations whose verdict on many partitions at once is the verdict on each partition.
# expect_column_values_to_be_unique is not among them: over many partitions it would compare
# rows of different partitions; use expect_compound_columns_to_be_unique with the partition column.
ROW_WISE_PREFIXES = (
    "expect_column_values_to_",
    "expect_column_pair_values_",
    "expect_multicolumn_",
    "expect_compound_columns_to_be_unique",
    "expect_select_column_values_to_be_unique_within_record",
)
NOT_ROW_WISE = {"expect_column_values_to_be_unique"}


class SuiteDefinitionError(ValueError):
    """A suite file that cannot serve the gate it is wired into."""


@dataclass(frozen=True)
class ExpectationFailure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    samples: list[Any]
    observed: Any
    partitions: list[str]

    def describe(self) -> str:
        target = f" on {self.column}" if self.column else ""
        detail = (
            f"{self.unexpected_count} unexpected, e.g. {self.samples}"
            if self.unexpected_count is not None
            else f"observed {self.observed}"
        )
        where = f"[{', '.join(self.partitions)}] " if self.partitions else ""
        return f"{where}{self.expectation}{target}: {detail}"


@dataclass(frozen=True)
class Suite:
    path: Path
    definition: dict[str, Any]

    @property
    def name(self) -> str:
        return self.definition["name"]

    @property
    def expectation_types(self) -> list[str]:
        return [expectation["type"] for expectation in self.definition["expectations"]]

    def referenced_columns(self, candidates: Sequence[str]) -> list[str]:
        """Columns of ``candidates`` the suite reads: in kwargs, or named in a row condition."""
        named: set[str] = set()
        for expectation in self.definition["expectations"]:
            kwargs = expectation.get("kwargs", {})
            for key in ("column", "column_A", "column_B"):
                if isinstance(kwargs.get(key), str):
                    named.add(kwargs[key])
            named.update(kwargs.get("column_list") or [])
            named.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", kwargs.get("row_condition") or ""))
        return [column for column in candidates if column in named]


def load_suite(file_name: str, *, row_wise: bool) -> Suite:
    """Read ``expectations/<file_name>``; a rows suite may hold only row-wise expectations."""
    path = EXPECTATIONS_DIR / file_name
    suite = Suite(path, json.loads(path.read_text()))
    if row_wise:
        aggregate = [kind for kind in suite.expectation_types if kind in NOT_ROW_WISE or not kind.startswith(ROW_WISE_PREFIXES)]
        if aggregate:
            raise SuiteDefinitionError(
                f"{path} is validated over many partitions at once, so it may hold only row-wise expectations; "
                f"move {', '.join(sorted(set(aggregate)))} to a {PARTITIONS_SUITE_SUFFIX} suite over one row per "
                f"partition (uniqueness within a partition: expect_compound_columns_to_be_unique with the partition column)"
            )
    return suite


@functools.cache
def _pandas_batches() -> Any:
    """The process's one ephemeral GX context, as a batch definition taking a DataFrame."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every DataFrame batch by hashing all of it, which costs as much as the
    # validation itself; the fingerprint is a batch marker this gate never reads.
    if hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
        pandas_execution_engine.HASH_THRESHOLD = 0
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return (
        context.data_sources.add_pandas("gate_frames")
        .add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("whole_frame")
    )


@functools.cache
def _gx_suite(path: Path) -> Any:
    import great_expectations as gx

    _pandas_batches()
    return gx.ExpectationSuite(**json.loads(path.read_text()))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if value != value else value  # NaN -> null
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


def _columns_of(kwargs: Mapping[str, Any]) -> str | None:
    if kwargs.get("column"):
        return kwargs["column"]
    if kwargs.get("column_A"):
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    return ",".join(kwargs["column_list"]) if kwargs.get("column_list") else None


def validate_frame(suite: Suite, frame: pd.DataFrame, parameters: Mapping[str, Any], *,
                   partition_of: Callable[[Any], str], partition_column: str, detail_columns: Sequence[str] = ()) -> list[ExpectationFailure]:
    """Validate ``frame`` with ``suite``; return the failed expectations.

    The pass that usually succeeds asks GX for verdicts only; evidence (counts, samples and
    their partitions) is gathered by a second pass only when something failed.
    """
    batch = _pandas_batches().get_batch(batch_parameters={"dataframe": frame})
    gx_suite = _gx_suite(suite.path)
    verdict = batch.validate(gx_suite, expectation_parameters=dict(parameters), result_format="BOOLEAN_ONLY")
    if verdict.success:
        return []
    result = batch.validate(
        gx_suite, expectation_parameters=dict(parameters),
        result_format={"result_format": "SUMMARY",
                       "unexpected_index_column_names": [partition_column, *detail_columns],
                       "partial_unexpected_count": 20},
    )
    failures = []
    for outcome in result.results:
        if outcome.success:
            continue
        details = outcome.result or {}
        located = details.get("partial_unexpected_index_list") or []
        partitions = sorted({partition_of(row[partition_column])
                             + "".join(f" {name}={_jsonable(row[name])}" for name in detail_columns if name in row)
                             for row in located if partition_column in row})
        failures.append(
            ExpectationFailure(
                expectation=outcome.expectation_config.type,
                column=_columns_of(outcome.expectation_config.kwargs),
                unexpected_count=details.get("unexpected_count"),
                samples=[_jsonable(v) for v in (details.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]],
                observed=_jsonable(details.get("observed_value")),
                partitions=partitions,
            )
        )
    return failures


@dataclass(frozen=True)
class RowsSpec:
    """The suite validating every row of a gate's table in the run's partitions."""

    suite_file: str
    table: PartitionedTable


@dataclass(frozen=True)
class GxGate:
    """A gate over a partitioned landing table.

    The gate audits the rows of ``publication`` a run staged: a partition's pending batch, or its
    published rows when nothing is pending (see :class:`AuditScope`), and records its verdict
    against the batch, which publishing requires.

    ``summarize(warehouse, partitions, scope)`` gets the run's partitions as {key: start} and
    returns at least one row per partition for the partitions suite (a ``partition`` column
    holding the key, the ``summary_keys`` columns telling a partition's rows apart, e.g. the
    source, then whatever the suite checks); a failure names the partition and those keys;
    ``parameters`` fills the suites' ``$PARAMETER`` references (allowed currencies, coverage).
    """

    name: str
    publication: Publication
    rows: RowsSpec | None = None
    partitions_suite_file: str | None = None
    summarize: Callable[[WarehouseResource, Mapping[str, datetime], AuditScope], pd.DataFrame] | None = None
    summary_keys: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.name not in self.publication.gates:
            raise SuiteDefinitionError(f"gate {self.name}: publishing {self.publication.domain} does not wait for it; "
                                       f"add it to the publication's gates")
        if (self.partitions_suite_file is None) != (self.summarize is None):
            raise SuiteDefinitionError(f"gate {self.name}: a partitions suite needs a summarize function and vice versa")
        if self.partitions_suite_file and not self.partitions_suite_file.endswith(PARTITIONS_SUITE_SUFFIX):
            raise SuiteDefinitionError(f"gate {self.name}: partitions suites are named *{PARTITIONS_SUITE_SUFFIX}")

    @functools.cached_property
    def suites(self) -> list[Suite]:
        suites = [load_suite(self.rows.suite_file, row_wise=True)] if self.rows else []
        if self.partitions_suite_file:
            suites.append(load_suite(self.partitions_suite_file, row_wise=False))
        return suites

    def run(self, warehouse: WarehouseResource, partitions_def: dg.TimeWindowPartitionsDefinition,
            starts: Sequence[datetime]) -> "GateResult":
        started = time.monotonic()

        def partition_of(value: Any) -> str:
            instant = value if isinstance(value, datetime | date) else _parse_partition_value(str(value))
            if not isinstance(instant, datetime):
                instant = datetime(instant.year, instant.month, instant.day, tzinfo=starts[0].tzinfo)
            return partitions_def.get_partition_key_for_timestamp(instant.timestamp())

        scope = audit_scope(warehouse, self.publication.domain, starts)
        failures: list[ExpectationFailure] = []
        rows_validated = 0
        if self.rows:
            frame = self._scope_rows(warehouse, scope)
            rows_validated = len(frame)
            failures += validate_frame(self.suites[0], frame, self.parameters, partition_of=partition_of,
                                       partition_column=self.rows.table.partition_column)
        if self.summarize:
            keys = {partitions_def.get_partition_key_for_timestamp(start.timestamp()): start for start in starts}
            summary = self.summarize(warehouse, keys, scope)
            failures += validate_frame(self.suites[-1], summary, self.parameters, partition_of=str,
                                       partition_column=PARTITION_COLUMN, detail_columns=self.summary_keys)
        result = GateResult(self, len(starts), len(scope.batches), rows_validated, failures, time.monotonic() - started)
        record_audit(warehouse, self.name, scope, result.passed, result.describe())
        return result

    def _scope_rows(self, warehouse: WarehouseResource, scope: AuditScope) -> pd.DataFrame:
        assert self.rows is not None
        table = self.rows.table
        wanted = [table.partition_column] + [column for column in self.suites[0].referenced_columns(table.columns)
                                             if column != table.partition_column]
        return warehouse.read_frame(*scope.rows(table, wanted))


def _parse_partition_value(text: str) -> datetime | date:
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class GateResult:
    gate: GxGate
    partitions: int
    pending_partitions: int  # audited from a staged batch; the others from their published rows
    rows_validated: int
    failures: list[ExpectationFailure]
    seconds: float

    @property
    def passed(self) -> bool:
        return not self.failures

    def describe(self) -> str:
        if self.passed:
            return f"all expectations passed on {self.rows_validated} rows in {self.partitions} partition(s)" + (
                "" if self.pending_partitions == self.partitions
                else f" ({self.partitions - self.pending_partitions} already published)")
        return f"{len(self.failures)} expectation(s) failed: " + "; ".join(f.describe() for f in self.failures[:3])

    def metadata(self) -> dict[str, Any]:
        metadata: dict[str, Any] = {
            "suites": dg.MetadataValue.json([str(suite.path.relative_to(EXPECTATIONS_DIR.parent))
                                             for suite in self.gate.suites]),
            "partitions_validated": self.partitions,
            "pending_partitions": self.pending_partitions,
            "rows_validated": self.rows_validated,
            "failed_expectations": len(self.failures),
            "duration_s": round(self.seconds, 3),
        }
        if self.failures:
            metadata["failures"] = dg.MetadataValue.json([
                {"partitions": f.partitions, "expectation": f.expectation, "column": f.column,
                 "unexpected_count": f.unexpected_count, "sample_values": f.samples, "observed_value": f.observed}
                for f in self.failures
            ])
            metadata["summary"] = dg.MetadataValue.md("\n".join(f"- {f.describe()}" for f in self.failures[:20]))
        return metadata


def build_gx_check(gate: GxGate, *, asset: dg.AssetsDefinition | str,
                   partitions_def: dg.TimeWindowPartitionsDefinition) -> dg.AssetChecksDefinition:
    """A blocking check that runs ``gate`` over every partition of the run at once."""
    suites = " and ".join(f"expectations/{suite.path.name}" for suite in gate.suites)
    kinds = ", ".join(sorted({kind for suite in gate.suites for kind in suite.expectation_types}))

    @dg.asset_check(
        asset=asset,
        name=f"gx_{gate.name}",
        description=f"Great Expectations suites {suites} ({kinds}); blocks downstream on failure.",
        blocking=True,
        partitions_def=partitions_def,
        required_resource_keys={"warehouse"},
    )
    def _gx_check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        starts = list(partition_starts(context.partition_time_window, partitions_def))
        result = gate.run(context.resources.warehouse, partitions_def, starts)
        for failure in result.failures:
            context.log.error(f"expectation failed: {failure.describe()}")
        return dg.AssetCheckResult(passed=result.passed, severity=dg.AssetCheckSeverity.ERROR,
                                   metadata=result.metadata(), description=result.describe())

    return _gx_check
