"""The GX gate's rules, with real Great Expectations on in-memory frames (no database)."""

import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from orchestration.checks import gx_suite
from orchestration.checks.gates import (
    ALL_SOURCES,
    creator_gates,
    hour_coverage,
    product_observations_gate,
    row_count_floor,
)
from orchestration.checks.gx_suite import GxGate, SuiteDefinitionError, load_suite, validate_frame
from orchestration.config import ProductGate, RadarConfig, ShopifySource
from orchestration.warehouse.publication import CREATOR_PUBLICATION, PRODUCT_PUBLICATION

HOUR_A, HOUR_B = "2026-11-20 12:00:00+00", "2026-11-20 13:00:00+00"
DEFAULT_GATE = ProductGate()
USD_CONFIG = RadarConfig(product_sources=[ShopifySource(name="shop", kind="shopify", base_url="https://shop.example.com",
                                                        currency="USD")])


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
        "rating": [None] * 4, "sold_count": [None] * 4, "review_count": [None] * 4, "sold_period": [None, "P30D", None, None],
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


def coverage(hour_counts: dict[int, dict[str, int]], sources=("a", "b"), gate=DEFAULT_GATE) -> pd.DataFrame:
    """hour_coverage for hour 12:00 of 2026-11-20, given rows per source for hours (offsets from it)."""
    noon = datetime(2026, 11, 20, 12, tzinfo=UTC)
    counts = {(noon + timedelta(hours=offset), source): rows
              for offset, by_source in hour_counts.items() for source, rows in by_source.items()}
    return hour_coverage({"2026-11-20-12:00": noon}, counts, list(sources), gate)


def validate_coverage(summary: pd.DataFrame):
    gate = product_observations_gate(USD_CONFIG)
    return validate_frame(gate.suites[-1], summary, {}, partition_of=str, partition_column="partition",
                          detail_columns=gate.summary_keys)


STEADY = {offset: {"a": 400, "b": 1000} for offset in range(-24, 0)}


def test_a_source_that_vanishes_fails_the_hour_named_with_its_median():
    summary = coverage({**STEADY, 0: {"a": 0, "b": 1000}})
    assert summary.set_index("source").loc["a", ["row_count", "trailing_median", "min_row_count"]].tolist() == [0, 400, 200]
    (failure,) = validate_coverage(summary)
    # The total (1000 of a 1400 median) is above its floor of 700: only the per-source row catches it.
    assert failure.partitions == ["2026-11-20-12:00 source=a trailing_median=400.0"]
    assert failure.samples == [[0, 200]]


def test_a_source_that_shrinks_below_its_share_fails_and_a_small_dip_passes():
    (failure,) = validate_coverage(coverage({**STEADY, 0: {"a": 150, "b": 1000}}))
    assert failure.partitions == ["2026-11-20-12:00 source=a trailing_median=400.0"]
    assert validate_coverage(coverage({**STEADY, 0: {"a": 201, "b": 990}})) == []


def test_a_new_source_is_exempt_until_it_has_history_and_a_removed_source_is_not_expected():
    recent = {offset: {"a": 400, "b": 1000, "c": 50} for offset in range(-3, 0)}
    summary = coverage({**STEADY, **recent, 0: {"a": 400, "b": 1000, "c": 0}}, sources=("a", "b", "c"))
    assert summary.set_index("source").loc["c", "min_row_count"] == 0  # 3 hours of history < 6 hours of grace
    assert validate_coverage(summary) == []
    assert set(coverage({**STEADY, 0: {"a": 400}}, sources=("a",))["source"]) == {ALL_SOURCES, "a"}


def test_an_hour_with_no_rows_fails_even_with_no_history():
    (failure,) = validate_coverage(coverage({0: {}}, sources=()))
    assert failure.partitions == [f"2026-11-20-12:00 source={ALL_SOURCES} trailing_median=None"]


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
    gates: list[GxGate] = [product_observations_gate(USD_CONFIG), *[g for gs in creator_gates(0.5).values() for g in gs]]
    assert all(gate.suites for gate in gates)
    rows_suite = product_observations_gate(USD_CONFIG).suites[0]
    columns = rows_suite.referenced_columns(["partition_hour", "title", "source_kind", "source_variant_id", "price"])
    assert columns == ["partition_hour", "source_kind", "source_variant_id", "price"]
    with pytest.raises(SuiteDefinitionError, match="partitions suite"):
        GxGate(name="staged_products", publication=PRODUCT_PUBLICATION, partitions_suite_file="x.partitions.json")


def test_publishing_waits_for_exactly_the_gates_that_audit_its_rows():
    by_domain: dict[str, set[str]] = {}
    for gate in [product_observations_gate(USD_CONFIG), *[g for gs in creator_gates(0.5).values() for g in gs]]:
        by_domain.setdefault(gate.publication.domain, set()).add(gate.name)
    assert by_domain == {publication.domain: set(publication.gates)
                         for publication in (PRODUCT_PUBLICATION, CREATOR_PUBLICATION)}
    with pytest.raises(SuiteDefinitionError, match="publishing products does not wait for it"):
        GxGate(name="unlisted", publication=PRODUCT_PUBLICATION)


def test_a_sold_period_that_is_not_an_iso_duration_fails():
    (failure,) = validate_products(product_rows(sold_period=[None, "30 hari", None, "P1M"]))
    assert (failure.column, failure.samples) == ("sold_period", ["30 hari"])
