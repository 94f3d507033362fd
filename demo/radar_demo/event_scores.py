"""DEMO / TEST FIXTURE: the event marts scored against what the demo generator injected.

An injected event counts as found when the mart has an event of the same type for the same
variant starting in the same hour (the scrape at :05 sees it first) and, when the event ended
within the scored hours, ending in the same hour. Scored are the events that start after the
first scraped hour (the first hour has nothing to compare with) and that are detectable by the
last one (a gradual discount needs its third step). Price jitter is noise: a mart event on a
variant and hour where only jitter was injected is a noise event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from radar_demo.catalog import DemoShop
from radar_demo.truth import InjectedEvent, injected_events

EVENT_TYPES = ("flash_sale", "gradual_discount", "misleading_discount", "sold_out", "restocked")
GRADUAL_STEPS_TO_DETECT = 3
HOUR = timedelta(hours=1)

Query = Callable[[str, Sequence], list[tuple]]


@dataclass(frozen=True)
class Occurrence:
    """One event, injected or found: (shop, variant) and the hours it starts and ends in (end None: open)."""

    event_type: str
    shop: str
    variant_id: str
    start_hour: datetime
    end_hour: datetime | None


@dataclass(frozen=True)
class EventScore:
    event_type: str
    injected: int
    found: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.injected if self.injected else 1.0


@dataclass
class EventScores:
    scores: list[EventScore]
    noise_events: list[Occurrence] = field(default_factory=list)
    unmatched: dict[str, list[Occurrence]] = field(default_factory=dict)
    missed: dict[str, list[Occurrence]] = field(default_factory=dict)

    def passes(self, minimum: float = 0.95) -> bool:
        return not self.noise_events and all(s.precision >= minimum and s.recall >= minimum for s in self.scores)

    def describe(self) -> str:
        parts = [f"{s.event_type} {s.matched}/{s.injected} found, precision {s.precision:.2f} recall {s.recall:.2f}"
                 for s in self.scores]
        return "; ".join(parts) + f"; events from noise: {len(self.noise_events)}"


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


@dataclass
class Truth:
    expected: list[Occurrence] = field(default_factory=list)
    noise: list[InjectedEvent] = field(default_factory=list)
    # Promotions already running at the first scraped hour: the marts may see their later part as
    # an event starting then (a gradual discount's remaining steps). Neither right nor wrong.
    censored: list[InjectedEvent] = field(default_factory=list)


def injected_occurrences(shop: DemoShop, hours: Sequence[datetime]) -> Truth:
    """The events the marts should find over consecutive scraped ``hours``, the injected noise and
    the promotions the scraped hours see only part of."""
    first, last = hours[0], hours[-1]
    truth = Truth()
    expected = truth.expected
    for event in injected_events(shop, first, last + HOUR):
        variant = str(event.variant_id)
        end = event.ends_at if event.ends_at <= last else None
        if event.kind == "price_jitter":
            truth.noise.append(event)
        elif event.kind != "sold_out" and event.starts_at <= first:
            truth.censored.append(event)
        elif event.kind == "sold_out":
            if first < event.starts_at <= last:
                expected.append(Occurrence("sold_out", shop.name, variant, event.starts_at, None))
            if end is not None and end > first:
                expected.append(Occurrence("restocked", shop.name, variant, end, None))
        elif first < event.starts_at <= last:
            detectable_at = event.starts_at
            if event.kind == "gradual_discount":
                detectable_at += timedelta(days=GRADUAL_STEPS_TO_DETECT - 1)
            if detectable_at <= last:
                expected.append(Occurrence(event.kind, shop.name, variant, event.starts_at,
                                           None if event.kind == "misleading_discount" else end))
    return truth


def found_occurrences(query: Query, shops: Iterable[str], hours: Sequence[datetime]) -> list[Occurrence]:
    """What the event marts hold for ``shops`` with a start after the first of ``hours``."""
    since, until = hours[0] + HOUR, hours[-1] + HOUR
    names = list(shops)
    rows = query(
        "select event_type, source_name, source_variant_id, started_at, ended_at from marts.mart_discount_events "
        "where source_name = any(%s) and started_at >= %s and started_at < %s", [names, since, until])
    rows += query(
        "select event_type, source_name, source_variant_id, event_at, null from marts.mart_availability_events "
        "where source_name = any(%s) and event_at >= %s and event_at < %s", [names, since, until])
    rows += query(
        "select 'misleading_discount', source_name, source_variant_id, claim_started_at, null "
        "from marts.mart_discount_claims where is_misleading and source_name = any(%s) "
        "and claim_started_at >= %s and claim_started_at < %s", [names, since, until])
    return [Occurrence(kind, shop, variant, _hour(start), _hour(end) if end else None)
            for kind, shop, variant, start, end in rows]


def score_events(query: Query, shops: Sequence[DemoShop], hours: Sequence[datetime]) -> EventScores:
    """Precision and recall of every event mart against the generator's truth for ``shops`` over ``hours``."""
    truth = Truth()
    for shop in shops:
        shop_truth = injected_occurrences(shop, hours)
        truth.expected += shop_truth.expected
        truth.noise += shop_truth.noise
        truth.censored += shop_truth.censored
    censored = {(event.shop, str(event.variant_id), event.kind): event.ends_at for event in truth.censored}
    found = [o for o in found_occurrences(query, [shop.name for shop in shops], hours)
             if o.start_hour >= censored.get((o.shop, o.variant_id, o.event_type), o.start_hour)]
    expected, noise = truth.expected, truth.noise
    scores = EventScores([])
    for event_type in EVENT_TYPES:
        want = {(o.shop, o.variant_id, o.start_hour): o for o in expected if o.event_type == event_type}
        got = {(o.shop, o.variant_id, o.start_hour): o for o in found if o.event_type == event_type}
        matched = [key for key, occurrence in got.items()
                   if key in want and (want[key].end_hour is None or want[key].end_hour == occurrence.end_hour)]
        scores.scores.append(EventScore(event_type, len(want), len(got), len(matched)))
        scores.unmatched[event_type] = [got[key] for key in got.keys() - set(matched)]
        scores.missed[event_type] = [want[key] for key in want.keys() - set(matched)]
    jitter = {(event.shop, str(event.variant_id), hour)
              for event in noise
              for hour in (event.starts_at, event.ends_at)}
    scores.noise_events = [o for kind in scores.unmatched.values() for o in kind
                           if (o.shop, o.variant_id, o.start_hour) in jitter]
    return scores
