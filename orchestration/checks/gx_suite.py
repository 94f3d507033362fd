"""Great Expectations 1.x suites as partition-scoped, blocking Dagster asset checks.

dagster-ge only supports GX < 1.0, so this small factory does the wiring: load the suite JSON
from ``expectations/``, validate each partition's rows as a pandas batch, and report every failed
expectation with its unexpected count and sample values. GX is imported lazily (seconds).
"""


import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from orchestration.partitions import partition_starts

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
SAMPLE_SIZE = 5


@dataclass(frozen=True)
class ExpectationFailure:
    partition: str
    expectation: str
    column: str | None
    unexpected_count: int | None
    samples: list[Any]
    observed: Any

    def describe(self) -> str:
        target = f" on {self.column}" if self.column else ""
        detail = (
            f"{self.unexpected_count} unexpected, e.g. {self.samples}"
            if self.unexpected_count is not None
            else f"observed {self.observed}"
        )
        return f"[{self.partition}] {self.expectation}{target}: {detail}"


def load_suite_definition(suite_path: Path) -> dict[str, Any]:
    return json.loads(suite_path.read_text())


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if value != value else value  # NaN -> null
    return str(value)


class SuiteValidator:
    """One ephemeral GX context and suite, reused for every partition of a check run."""

    def __init__(self, suite_definition: Mapping[str, Any]):
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._suite = gx.ExpectationSuite(**json.loads(json.dumps(suite_definition)))
        self._batch_definition = (
            context.data_sources.add_pandas("partition_rows")
            .add_dataframe_asset("rows")
            .add_batch_definition_whole_dataframe("whole_partition")
        )

    def validate(self, frame: pd.DataFrame, partition: str, parameters: Mapping[str, Any]) -> list[ExpectationFailure]:
        """Run the suite against one partition's rows; return the failed expectations."""
        batch = self._batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(self._suite, expectation_parameters=dict(parameters), result_format="SUMMARY")
        failures = []
        for outcome in result.results:
            if outcome.success:
                continue
            details = outcome.result or {}
            kwargs = outcome.expectation_config.kwargs
            column = kwargs.get("column") or (",".join(kwargs["column_list"]) if kwargs.get("column_list") else None)
            failures.append(
                ExpectationFailure(
                    partition=partition,
                    expectation=outcome.expectation_config.type,
                    column=column,
                    unexpected_count=details.get("unexpected_count"),
                    samples=[_jsonable(v) for v in (details.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]],
                    observed=_jsonable(details.get("observed_value")),
                )
            )
        return failures


def build_partitioned_gx_check(
    *,
    asset: dg.AssetsDefinition,
    suite_file: str,
    partitions_def: dg.TimeWindowPartitionsDefinition,
    load_rows: Callable[[Any, datetime], pd.DataFrame],
    suite_parameters: Callable[[Any, datetime], Mapping[str, Any]],
    required_resource_keys: set[str],
    resource_for_loading: str,
) -> dg.AssetChecksDefinition:
    """A blocking check that validates every partition of the run with one GX suite.

    ``load_rows(resource, partition_start)`` returns the partition's rows;
    ``suite_parameters(resource, partition_start)`` returns runtime values for ``$PARAMETER``
    references in the suite (e.g. a minimum row count from the trailing median).
    """
    suite_path = EXPECTATIONS_DIR / suite_file
    suite_definition = load_suite_definition(suite_path)
    expectation_names = ", ".join(sorted({e["type"] for e in suite_definition["expectations"]}))

    @dg.asset_check(
        asset=asset,
        name=f"gx_{suite_definition['name']}",
        description=f"Great Expectations suite expectations/{suite_file} ({expectation_names}); blocks downstream on failure.",
        blocking=True,
        partitions_def=partitions_def,
        required_resource_keys=required_resource_keys,
    )
    def _gx_check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        resource = getattr(context.resources, resource_for_loading)
        validator = SuiteValidator(suite_definition)
        failures: list[ExpectationFailure] = []
        row_counts: dict[str, int] = {}
        for partition_start in partition_starts(context.partition_time_window, partitions_def):
            key = partitions_def.get_partition_key_for_timestamp(partition_start.timestamp())
            frame = load_rows(resource, partition_start)
            row_counts[key] = len(frame)
            failures.extend(validator.validate(frame, key, suite_parameters(resource, partition_start)))
        for failure in failures:
            context.log.error(f"expectation failed: {failure.describe()}")
        metadata: dict[str, Any] = {
            "suite": dg.MetadataValue.path(str(suite_path)),
            "partitions_validated": len(row_counts),
            "rows_validated": sum(row_counts.values()),
            "failed_expectations": len(failures),
        }
        if failures:
            metadata["failures"] = dg.MetadataValue.json(
                [
                    {
                        "partition": f.partition,
                        "expectation": f.expectation,
                        "column": f.column,
                        "unexpected_count": f.unexpected_count,
                        "sample_values": f.samples,
                        "observed_value": f.observed,
                    }
                    for f in failures
                ]
            )
            metadata["summary"] = dg.MetadataValue.md("\n".join(f"- {f.describe()}" for f in failures[:20]))
        return dg.AssetCheckResult(
            passed=not failures,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata=metadata,
            description=(
                f"{len(failures)} expectation(s) failed: " + "; ".join(f.describe() for f in failures[:3])
                if failures
                else f"all expectations passed on {sum(row_counts.values())} rows"
            ),
        )

    return _gx_check
