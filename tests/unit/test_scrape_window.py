"""The one scrape-window guard: a scrape may only be filed under the partition that is current."""

from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from orchestration.assets.scrape_window import refuse_unless_current
from orchestration.clock import simulated_clock

HOUR = datetime(2026, 11, 20, 22, tzinfo=UTC)
GRACE = timedelta(minutes=15)


def guard(now: datetime, window_start: datetime = HOUR, length: timedelta = timedelta(hours=1)) -> None:
    with simulated_clock(now):
        refuse_unless_current("scrape glow-lab", window_start, length, GRACE, replay="restage it")


@pytest.mark.parametrize("now", [HOUR, HOUR + timedelta(minutes=59), HOUR + timedelta(hours=1, minutes=14)])
def test_the_current_hour_and_its_grace_are_allowed(now):
    guard(now)


@pytest.mark.parametrize("now", [HOUR - timedelta(seconds=1), HOUR + timedelta(hours=1, minutes=15), HOUR + timedelta(days=2)])
def test_outside_the_window_the_run_fails_without_retries(now):
    with pytest.raises(dg.Failure) as raised:
        guard(now)
    assert raised.value.allow_retries is False
    assert str(raised.value).startswith(f"refusing to scrape glow-lab for hour 2026-11-20 22:00 at {now:%Y-%m-%d %H:%M} UTC")
    assert "To rebuild a past one, restage it." in str(raised.value)


def test_a_daily_window_is_named_as_a_day():
    day = datetime(2026, 11, 20, tzinfo=UTC)
    with pytest.raises(dg.Failure, match="for day 2026-11-20 at 2026-11-22"):
        guard(datetime(2026, 11, 22, 3, tzinfo=UTC), day, timedelta(days=1))
    guard(day + timedelta(days=1, minutes=10), day, timedelta(days=1))
