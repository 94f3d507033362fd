"""The plausibility rules for a parsed price, at their edges."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from orchestration.config import ProductGate
from orchestration.formats.plausibility import (
    IMPLAUSIBLE,
    STORAGE_LIMIT,
    held_price,
    hold_record,
    unusable_reason,
)
from orchestration.formats.rows import ProductObservation
from orchestration.staging.products import price_plausibility

RULES = price_plausibility(ProductGate())
HOUR = datetime(2026, 11, 20, 9, tzinfo=UTC)


def observation(price: str | None, currency: str = "USD", compare_at: str | None = None) -> ProductObservation:
    return ProductObservation(HOUR, "shop", "shopify", "raw/key", HOUR, "k1", "1", "2", "Serum", None, None, None,
                              None, "https://shop.example/products/serum", None if price is None else Decimal(price),
                              None if compare_at is None else Decimal(compare_at), currency, True)


@pytest.mark.parametrize(("price", "last"), [
    ("10.00", "10.00"), ("200.00", "10.00"), ("0.50", "10.00"),  # within 20x either way, edges included
    ("12.00", None),  # a product seen for the first time has nothing to compare with
    ("5", "0"),  # a free item last hour is no reference
    ("9999999", "9999999"),  # just below the USD ceiling
])
def test_believable_prices_pass(price, last):
    assert RULES.reason(observation(price), None if last is None else Decimal(last), None) is None


@pytest.mark.parametrize(("price", "last", "expected"), [
    ("200.01", "10.00", "is 20.0x the last accepted price 10.00"),
    ("1999.00", "19.99", "is 100.0x the last accepted price 19.99"),  # a lost decimal point
    ("0.49", "10.00", "is 1/20.4 of the last accepted price 10.00"),
    ("0.1999", "19.99", "is 1/100.0 of the last accepted price 19.99"),
])
def test_a_jump_beyond_the_ratio_is_held_back(price, last, expected):
    reason = RULES.reason(observation(price), Decimal(last), None)
    assert reason.startswith(IMPLAUSIBLE) and expected in reason and "max_price_ratio 20" in reason


def test_a_jump_confirmed_by_the_next_hour_is_a_genuine_repricing():
    last = Decimal("10.00")
    assert RULES.reason(observation("500.00"), last, held_price=Decimal("500.00")) is None
    assert RULES.reason(observation("520.00"), last, held_price=Decimal("500.00")) is None  # within 5%
    assert RULES.reason(observation("530.00"), last, held_price=Decimal("500.00")) is not None
    assert RULES.reason(observation("500.00"), last, held_price=Decimal("40.00")) is not None


@pytest.mark.parametrize(("price", "currency", "held"), [
    ("1000000000000", "USD", True), ("10000000.01", "USD", True), ("10000000", "USD", False),
    ("1000000000000", "IDR", True), ("99000000000", "IDR", False),  # a car in rupiah is believable
    ("20000000000", "XAF", True), ("9000000000", "XAF", False),  # not listed: the default ceiling of 1e10
])
def test_per_currency_ceilings(price, currency, held):
    reason = RULES.reason(observation(price, currency), None, None)
    assert (reason is not None) is held
    if held:
        assert f"above the {currency} ceiling" in reason


@pytest.mark.parametrize(("price", "compare_at", "column"), [
    ("999999999999999", None, "price"), ("1e15", None, "price"), ("10.00", "999999999999999", "compare_at_price"),
])
def test_values_beyond_the_column_are_held_back_instead_of_aborting_the_load(price, compare_at, column):
    reason = RULES.reason(observation(price, compare_at=compare_at), None, None)
    assert reason == (f"{IMPLAUSIBLE}: {column} {Decimal(compare_at or price)} USD is beyond what the warehouse "
                      f"stores ({STORAGE_LIMIT})")


def test_missing_and_negative_prices_are_left_to_the_gate():
    assert RULES.reason(observation(None), Decimal(10), None) is None
    assert RULES.reason(observation("-5"), Decimal(10), None) is None


def test_a_held_back_record_gives_its_price_back_to_the_next_hour():
    locator, record = hold_record(observation("1999.00"), Decimal("19.99"))
    assert locator == "product_key=k1"
    assert held_price(record) == ("k1", Decimal("1999.00"))


def test_thresholds_come_from_the_config_file():
    strict = price_plausibility(ProductGate(max_price_ratio=3, price_ceilings={"USD": 100}))
    assert strict.reason(observation("31"), Decimal(10), None) is not None
    assert strict.reason(observation("101"), None, None) is not None
    assert strict.reason(observation("101", "EUR"), None, None) is None  # the given map replaces the defaults
    with pytest.raises(ValidationError, match="not an ISO 4217 currency code"):
        ProductGate(price_ceilings={"usd": 100})
    with pytest.raises(ValidationError, match="greater than 1"):
        ProductGate(max_price_ratio=1)


def test_a_listing_without_a_title_or_in_another_currency_is_unusable():
    assert unusable_reason(observation("10"), ["USD"]) is None
    assert "the title is empty" in unusable_reason(observation("10")._replace(title=None), ["USD"])
    reason = unusable_reason(observation("10", "EUR"), ["USD"])
    assert reason.startswith("currency changed: priced in EUR, but the source is configured in USD")
    assert unusable_reason(observation("10", "EUR"), ["USD", "EUR"]) is None  # a source with extra_currencies
