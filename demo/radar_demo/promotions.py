"""DEMO / TEST FIXTURE: when each demo variant is on promotion, claims a discount it does not give,
jitters, or is sold out. Generated from the seed, not real data.

Every variant follows its own promotion calendar: 42-day cycles, shifted per variant, with at most
one promotion per cycle (a flash sale, a gradual discount, or a misleading discount: the strike
price raised while the price stays), always in the cycle's first days. So two promotions of a
variant lie more than 30 days apart, and an honest promotion's claimed reference is the lowest price
of the 30 days before it, as the EU Omnibus rule asks. On top of that, noise the marts must not
mistake for events: price jitter of 1-2 % for a few hours (returning to the shelf price), and
sell-outs with restocks. ``intervals`` lists every one of them, for the ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

PROMOTION_CYCLE_DAYS = 42
PROMOTION_PROBABILITY = 0.8
# Shares of the promotion kinds: flash sale 50 %, gradual discount 25 %, misleading discount 25 %.
FLASH_SALE, GRADUAL_DISCOUNT, MISLEADING_DISCOUNT = 1, 2, 3
KIND_NAMES = {FLASH_SALE: "flash_sale", GRADUAL_DISCOUNT: "gradual_discount", MISLEADING_DISCOUNT: "misleading_discount"}
GRADUAL_DISCOUNT_STEP = 0.06
GRADUAL_DISCOUNT_STEPS = 4
JITTER_DAILY_PROBABILITY = 0.1
SELL_OUT_DAILY_PROBABILITY = 0.02


@dataclass(frozen=True)
class CycleDraws:
    """One cycle's promotion for every variant (arrays in catalogue order); hours count from the cycle start."""

    kind: np.ndarray  # 0 none, else FLASH_SALE | GRADUAL_DISCOUNT | MISLEADING_DISCOUNT
    start_hour: np.ndarray
    flash_hours: np.ndarray
    flash_depth: np.ndarray
    gradual_hold_days: np.ndarray
    misleading_days: np.ndarray
    misleading_ratio: np.ndarray

    def length_hours(self) -> np.ndarray:
        """How long each variant's promotion lasts (0 without one)."""
        return np.select(
            [self.kind == FLASH_SALE, self.kind == GRADUAL_DISCOUNT, self.kind == MISLEADING_DISCOUNT],
            [self.flash_hours, 24 * (GRADUAL_DISCOUNT_STEPS - 1 + self.gradual_hold_days), 24 * self.misleading_days],
            0,
        )


@dataclass(frozen=True)
class PromotionState:
    """Every variant's promotion during one hour: a price factor on the shelf price, and a misleading strike ratio."""

    price_factor: np.ndarray  # 1.0 outside flash sales and gradual discounts
    promoted: np.ndarray  # a flash sale or gradual discount runs: the shelf price is the honest reference
    misleading_ratio: np.ndarray  # nan unless a misleading discount runs


@dataclass(frozen=True)
class Interval:
    """One injected event or noise burst of one variant, in hours since the demo epoch, end exclusive."""

    variant_index: int
    kind: str  # flash_sale | gradual_discount | misleading_discount | price_jitter | sold_out
    start_hour: int
    end_hour: int


class PromotionCalendar:
    """The promotions, jitter and sell-outs of one shop's variants."""

    def __init__(self, seed: int, shop_index: int, misleading_allowed: np.ndarray):
        self.seed = seed
        self.shop_index = shop_index
        self.variants = len(misleading_allowed)
        # A variant with a standing strike price already claims a discount: it gets no misleading one on top.
        self.misleading_allowed = misleading_allowed
        self.phase_days = self._rng(5, 0).integers(0, PROMOTION_CYCLE_DAYS, self.variants)
        self.draws = lru_cache(maxsize=8)(self._draws)

    def _rng(self, stream: int, index: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, self.shop_index, stream, index])

    def _draws(self, cycle: int) -> CycleDraws:
        rng = self._rng(4, cycle)
        n = self.variants
        has, roll = rng.random(n) < PROMOTION_PROBABILITY, rng.random(n)
        kind = np.where(roll < 0.5, FLASH_SALE, np.where(roll < 0.75, GRADUAL_DISCOUNT, MISLEADING_DISCOUNT))
        kind = np.where(has & ((kind != MISLEADING_DISCOUNT) | self.misleading_allowed), kind, 0)
        # Promotions start in the cycle's first four days and last at most a week.
        return CycleDraws(kind=kind, start_hour=rng.integers(0, 4 * 24, n), flash_hours=rng.integers(2, 6, n),
                          flash_depth=rng.uniform(0.25, 0.5, n), gradual_hold_days=rng.integers(1, 4, n),
                          misleading_days=rng.integers(2, 7, n), misleading_ratio=rng.uniform(1.25, 1.6, n))

    def cycle_start_hours(self, cycle: int) -> np.ndarray:
        return (cycle * PROMOTION_CYCLE_DAYS - self.phase_days) * 24

    def promotions_at(self, hour: int) -> PromotionState:
        cycle = (hour // 24 + self.phase_days) // PROMOTION_CYCLE_DAYS
        factor = np.ones(self.variants)
        promoted = np.zeros(self.variants, dtype=bool)
        misleading = np.full(self.variants, np.nan)
        for current in np.unique(cycle):
            draws, mine = self.draws(int(current)), cycle == current
            elapsed = hour - (self.cycle_start_hours(int(current)) + draws.start_hour)
            running = mine & (elapsed >= 0) & (elapsed < draws.length_hours())
            flash = running & (draws.kind == FLASH_SALE)
            gradual = running & (draws.kind == GRADUAL_DISCOUNT)
            step = np.minimum(elapsed // 24 + 1, GRADUAL_DISCOUNT_STEPS)
            factor = np.where(flash, 1 - draws.flash_depth, factor)
            factor = np.where(gradual, 1 - GRADUAL_DISCOUNT_STEP * step, factor)
            promoted |= flash | gradual
            misleading = np.where(running & (draws.kind == MISLEADING_DISCOUNT), draws.misleading_ratio, misleading)
        return PromotionState(factor, promoted, misleading)

    def jitter(self, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(has jitter, start hour of day, length in hours, price factor) per variant for a day."""
        rng = self._rng(6, day)
        n = self.variants
        magnitude = rng.uniform(0.01, 0.02, n) * np.where(rng.random(n) < 0.5, -1, 1)
        return rng.random(n) < JITTER_DAILY_PROBABILITY, rng.integers(0, 21, n), rng.integers(1, 5, n), 1 + magnitude

    def jitter_factor_at(self, hour: int) -> np.ndarray:
        has, start, length, factor = self.jitter(hour // 24)
        hour_of_day = hour % 24
        return np.where(has & (start <= hour_of_day) & (hour_of_day < start + length), factor, 1.0)

    def sell_outs(self, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(has sell-out, start hour of day, length in hours) per variant for a day."""
        rng = self._rng(3, day)
        n = self.variants
        return rng.random(n) < SELL_OUT_DAILY_PROBABILITY, rng.integers(0, 24, n), rng.integers(3, 21, n)

    def unavailable_at(self, hour: int) -> np.ndarray:
        day, hour_of_day = divmod(hour, 24)
        unavailable = np.zeros(self.variants, dtype=bool)
        for offset in (0, 1):  # a sell-out that started yesterday may run into today
            has, start, length = self.sell_outs(day - offset)
            position = hour_of_day + 24 * offset
            unavailable |= has & (start <= position) & (position < start + length)
        return unavailable

    def intervals(self, first_hour: int, end_hour: int) -> list[Interval]:
        """Every promotion, jitter burst and sell-out (overlapping sell-outs merged) touching [first_hour, end_hour)."""
        found: list[Interval] = []
        first_day, last_day = first_hour // 24 - 1, end_hour // 24
        for cycle in range(first_day // PROMOTION_CYCLE_DAYS - 1, last_day // PROMOTION_CYCLE_DAYS + 2):
            draws = self.draws(cycle)
            starts = self.cycle_start_hours(cycle) + draws.start_hour
            ends = starts + draws.length_hours()
            for index in np.flatnonzero(draws.kind):
                found.append(Interval(int(index), KIND_NAMES[int(draws.kind[index])], int(starts[index]), int(ends[index])))
        sold_out: dict[int, list[list[int]]] = {}
        for day in range(first_day, last_day + 1):
            has, start, length, _factor = self.jitter(day)
            for index in np.flatnonzero(has):
                found.append(Interval(int(index), "price_jitter", day * 24 + int(start[index]),
                                      day * 24 + int(start[index] + length[index])))
            has, start, length = self.sell_outs(day)
            for index in np.flatnonzero(has):
                begin, end = day * 24 + int(start[index]), day * 24 + int(start[index] + length[index])
                spells = sold_out.setdefault(int(index), [])
                if spells and begin <= spells[-1][1]:
                    spells[-1][1] = max(spells[-1][1], end)
                else:
                    spells.append([begin, end])
        found += [Interval(index, "sold_out", begin, end) for index, spells in sold_out.items() for begin, end in spells]
        return sorted((i for i in found if i.start_hour < end_hour and i.end_hour > first_hour),
                      key=lambda i: (i.start_hour, i.variant_index, i.kind))
