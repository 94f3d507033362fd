"""What time it is for a run: the system clock, or a simulated one (`radar simulate`).

Every place a run asks for the current time (the scrape-window guards, a response's
``fetched_at``, a snapshot's ``started_at``, the staging sensor) asks :func:`utc_now`. Outside a
:func:`simulated_clock` block that is the system clock. The only way into such a block in a run is
the ``clock`` resource (:class:`ClockResource`), which production builds unsimulated.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

import dagster as dg
from pydantic import PrivateAttr

_simulated: ContextVar[tuple[datetime, float] | None] = ContextVar("radar_simulated_clock", default=None)


def utc_now() -> datetime:
    """The current UTC time: simulated inside :func:`simulated_clock`, else the system's."""
    simulated = _simulated.get()
    if simulated is None:
        return datetime.now(UTC)
    start, started_monotonic = simulated
    return start + timedelta(seconds=time.monotonic() - started_monotonic)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; one without an offset is UTC."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@contextmanager
def simulated_clock(start: datetime, started_monotonic: float | None = None) -> Iterator[None]:
    """Inside the block the time is ``start`` plus the real time elapsed since ``started_monotonic``
    (default: now), so a simulated run's clock moves forward like a real one."""
    token = _simulated.set((start, time.monotonic() if started_monotonic is None else started_monotonic))
    try:
        yield
    finally:
        _simulated.reset(token)


class ClockResource(dg.ConfigurableResource):
    """What time it is for a run. Unset, the system clock (production). `simulated_start` (ISO 8601,
    given per run by `radar simulate`): the run starts at that instant and its clock runs at real
    speed from there, so responses fetched in the run are stamped in the simulated hour."""

    simulated_start: str | None = None
    _started_monotonic: float = PrivateAttr(default_factory=time.monotonic)

    @property
    def is_simulated(self) -> bool:
        return self.simulated_start is not None

    def now(self) -> datetime:
        with self.in_effect():
            return utc_now()

    @contextmanager
    def in_effect(self) -> Iterator[None]:
        """Make every `utc_now()` inside the block answer with this clock."""
        if self.simulated_start is None:
            yield
            return
        with simulated_clock(parse_instant(self.simulated_start), self._started_monotonic):
            yield
