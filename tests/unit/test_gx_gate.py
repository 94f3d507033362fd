"""The GX gate's rules, with real Great Expectations on in-memory frames (no database)."""

import json

import pandas as pd
import pytest

from orchestration.checks import gx_suite
from orchestration.checks.gates import creator_gates, product_observations_gate, row_count_floor
from orchestration.checks.gx_suite import GxGate, SuiteDefinitionError, load_suite, validate_frame

HOUR_A, HOUR_B = "2026-11-20 12:00:00+00", "2026-11-20 13:00:00+00"


def partition_key(value: str) -> str:
    return value[:13].replace(" ", "-") + ":00"


def product_rows(**overrides) -> pd.DataFrame:
    rows = pd.DataFrame({
        "partition_hour": [HOUR_A, HOUR_A, HOUR_B, HOUR_B],
        "product_key": ["k1", "k2", "k1", "k2"],  # the same products in two hours: not duplicates
        "source_product_id": ["1", "2", "1", "2"],
        "source_variant_id": ["11", "21", "11", "21"],
        "source_kind": ["shopify"] * 4,
        "source_name": ["shop"] * 4,
        "observed_at": [HOUR_A, HOUR_A, HOUR_B, HOUR_B],
        "price": [10.0, 20.0, 10.0, 20.0],
        "compare_at_price": [None, 25.0, None, 25.0],
        "rating": [None] * 4, "sold_count": [None] * 4, "review_count": [None] * 4,
        "currency_code": ["USD"] * 4,
        "product_url": ["https://shop.example.com/products/a?variant=11"] * 4,
    })
    for column, values in overrides.items():
        rows[column] = values
    return rows.astype({c: "float64" for c in ("price", "compare_at_price", "rating", "sold_count", "review_count")})


def validate_products(frame: pd.DataFrame):
    suite = load_suite("staged_products.json", row_wise=True)
    return validate_frame(suite, frame, {"allowed_currencies": ["USD"]}, partition_of=partition_key,
                          partition_column="partition_hour")


def test_rows_of_many_hours_pass_in_one_validation():
    assert validate_products(product_rows()) == []


def test_failures_name_the_expectation_samples_and_hours():
    (failure,) = validate_products(product_rows(price=[10.0, 20.0, -3.0, 20.0]))
    assert failure.expectation == "expect_column_values_to_be_between"
    assert failure.column == "price"
    assert failure.unexpected_count == 1
    assert failure.samples == [-3.0]
    assert failure.partitions == ["2026-11-20-13:00"]
    assert failure.describe() == "[2026-11-20-13:00] expect_column_values_to_be_between on price: 1 unexpected, e.g. [-3.0]"


def test_a_key_twice_in_one_hour_is_a_duplicate():
    (failure,) = validate_products(product_rows(product_key=["k1", "k1", "k1", "k2"]))
    assert failure.expectation == "expect_compound_columns_to_be_unique"
    assert failure.partitions == ["2026-11-20-12:00"]


def test_currency_outside_the_configured_set_fails():
    (failure,) = validate_products(product_rows(currency_code=["USD", "USD", "EUR", "USD"]))
    assert (failure.expectation, failure.samples) == ("expect_column_values_to_be_in_set", ["EUR"])


def test_row_count_floor_is_half_the_trailing_median():
    assert row_count_floor([]) == 1
    assert row_count_floor([1439, 1439, 1439]) == 719
    assert row_count_floor([1]) == 1


def test_partitions_suite_fails_a_shrunken_and_an_empty_hour():
    suite = load_suite("staged_products.partitions.json", row_wise=False)
    summary = pd.DataFrame({"partition": ["2026-11-20-12:00", "2026-11-20-13:00", "2026-11-20-14:00"],
                            "row_count": [1439, 392, 0], "min_row_count": [719, 719, 719]})
    failures = validate_frame(suite, summary, {}, partition_of=str, partition_column="partition")
    by_type = {failure.expectation: failure for failure in failures}
    assert by_type["expect_column_pair_values_a_to_be_greater_than_b"].partitions == ["2026-11-20-13:00", "2026-11-20-14:00"]
    assert by_type["expect_column_values_to_be_between"].partitions == ["2026-11-20-14:00"]


def test_coverage_below_the_minimum_fails_that_day():
    (gate,) = [g for g in creator_gates(0.8)["staged_videos"] if g.name == "creator_search_coverage"]
    summary = pd.DataFrame({"partition": ["2026-11-20", "2026-11-21"], "targets": [5, 5], "coverage": [1.0, 0.6]})
    (failure,) = validate_frame(gate.suites[0], summary, gate.parameters, partition_of=str, partition_column="partition")
    assert failure.partitions == ["2026-11-21"]


def test_a_rows_suite_refuses_whole_table_expectations(tmp_path, monkeypatch):
    monkeypatch.setattr(gx_suite, "EXPECTATIONS_DIR", tmp_path)
    (tmp_path / "bad.json").write_text(json.dumps({"name": "bad", "expectations": [
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}},
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "k"}}]}))
    with pytest.raises(SuiteDefinitionError, match="expect_column_values_to_be_unique, expect_table_row_count_to_be_between"):
        load_suite("bad.json", row_wise=True)


def test_every_gate_loads_and_reads_only_the_columns_it_checks():
    gates: list[GxGate] = [product_observations_gate(["USD"]), *[g for gs in creator_gates(0.5).values() for g in gs]]
    assert all(gate.suites for gate in gates)
    rows_suite = product_observations_gate(["USD"]).suites[0]
    columns = rows_suite.referenced_columns(["partition_hour", "title", "source_kind", "source_variant_id", "price"])
    assert columns == ["partition_hour", "source_kind", "source_variant_id", "price"]
    with pytest.raises(SuiteDefinitionError, match="partitions suite"):
        GxGate(name="x", partitions_suite_file="x.partitions.json")
