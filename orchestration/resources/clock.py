"""The run's clock as a resource: the system clock in production, a simulated one in `radar simulate`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import dagster as dg
from pydantic import PrivateAttr

from orchestration.clock import parse_instant, simulated_clock, utc_now


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
