"""DEMO / TEST FIXTURE: a deterministic make-believe market, not real data.

Every shop, product, price and event here is generated from a seed and the hour. Prices
random-walk in daily steps; on top of that the generator injects flash sales, gradual discounts
and sell-outs with restocks, and can report exactly what it injected (the ground truth tests
compare the marts against).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import numpy as np

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
DEFAULT_SEED = 20261122

FLASH_SALE_DAILY_PROBABILITY = 0.02
GRADUAL_DISCOUNT_WEEKLY_PROBABILITY = 0.03
GRADUAL_DISCOUNT_STEP = 0.06
GRADUAL_DISCOUNT_STEPS = 4
SELL_OUT_DAILY_PROBABILITY = 0.02
PRICE_STEP_PROBABILITY = 0.3


@dataclass(frozen=True)
class ShopSpec:
    name: str
    title: str
    currency: str
    utc_offset_hours: int
    product_count: int
    brands: tuple[str, ...]
    categories: dict[str, tuple[float, float]]  # product_type -> base price range
    option_name: str
    option_values: tuple[str, ...]


SHOP_SPECS: tuple[ShopSpec, ...] = (
    ShopSpec(
        "glow-lab", "Glow Lab (demo)", "USD", -5, 180,
        ("Lumiere", "Dewdrop", "Verdant Skin", "Atelier Nine", "Soleil & Co", "Pure Ritual", "Mira", "Kaya Botanics"),
        {"Serum": (18, 65), "Moisturizer": (15, 55), "Cleanser": (8, 30), "Sunscreen": (12, 40), "Toner": (10, 35)},
        "Size", ("30 ml", "50 ml", "100 ml"),
    ),
    ShopSpec(
        "kopi-nusantara", "Kopi Nusantara (demo)", "IDR", 7, 120,
        ("Sumatra Roastery", "Toraja Hills", "Kintamani Co", "Gayo Select", "Java Mokka Works", "Flores Crafted"),
        {"Beans": (65_000, 250_000), "Drip Bags": (35_000, 120_000), "Grinders": (350_000, 2_500_000), "Kettles": (250_000, 1_200_000)},
        "Weight", ("200 g", "500 g", "1 kg"),
    ),
    ShopSpec(
        "trail-and-tide", "Trail & Tide (demo)", "EUR", 1, 320,
        ("Nordkamm", "Fjellro", "Alta Via", "Brisa Outdoor", "Kestrel", "Lumen Peak", "Tidewater"),
        {"Backpacks": (39, 220), "Tents": (89, 650), "Jackets": (59, 380), "Bottles": (12, 45), "Headlamps": (15, 90)},
        "Color", ("Black", "Olive", "Sand", "Blue"),
    ),
)

# The marketplace (browser connector) and the JSON-LD shop are shops too: same catalogue and
# pricing engine, rendered differently.
MARKETPLACE_SPEC = ShopSpec(
    "tokoloka", "Tokoloka (demo marketplace)", "IDR", 7, 240,
    ("Lumiere", "Dewdrop", "Verdant Skin", "Sinar Lab", "Kaya Botanics", "Sumatra Roastery", "Toraja Hills", "Gayo Select"),
    {"Serum": (45_000, 350_000), "Sunscreen": (35_000, 180_000), "Kopi": (40_000, 250_000)},
    "Varian", ("30 ml", "50 ml", "100 ml"),
)
JSONLD_SHOP_SPEC = ShopSpec(
    "hearth-and-loom", "Hearth & Loom (demo)", "GBP", 0, 60,
    ("Hearth & Loom", "Fernhill", "Oakmoor", "Linden Row"),
    {"Throws": (24, 140), "Candles": (8, 42), "Mugs": (9, 30)},
    "Colour", ("Oat", "Sage", "Charcoal"),
)

_ADJECTIVES = ("Daily", "Ultra", "Gentle", "Classic", "Pro", "Light", "Bold", "Calm", "Bright", "Deep", "Rapid", "Soft")
_NOUNS = {
    "Serum": ("Vitamin C Serum", "Niacinamide Serum", "Retinol Serum", "Peptide Serum", "Hyaluronic Serum"),
    "Moisturizer": ("Gel Cream", "Barrier Cream", "Night Cream", "Water Cream"),
    "Cleanser": ("Foam Cleanser", "Cleansing Oil", "Milk Cleanser"),
    "Sunscreen": ("Sun Fluid SPF50", "Sun Stick SPF50", "Tinted SPF30"),
    "Toner": ("Exfoliating Toner", "Hydrating Toner", "Essence Toner"),
    "Beans": ("Arabica Single Origin", "Espresso Blend", "Peaberry", "Honey Process"),
    "Drip Bags": ("Drip Bag Sampler", "Drip Bag Box"),
    "Grinders": ("Hand Grinder", "Burr Grinder"),
    "Kettles": ("Gooseneck Kettle", "Pour-over Kettle"),
    "Backpacks": ("Daypack 22L", "Trekking Pack 45L", "Roll-top 30L"),
    "Tents": ("Tunnel Tent 2P", "Dome Tent 3P", "Ultralight Tent 1P"),
    "Jackets": ("Rain Shell", "Down Jacket", "Softshell"),
    "Bottles": ("Steel Bottle 750ml", "Insulated Flask 1L"),
    "Headlamps": ("Headlamp 400lm", "Trail Headlamp 800lm"),
    "Kopi": ("Kopi Arabika Gayo 250g", "Kopi Robusta Lampung", "Cold Brew Concentrate", "Kopi Susu Literan"),
    "Throws": ("Wool Throw", "Waffle Blanket", "Herringbone Throw"),
    "Candles": ("Soy Candle", "Pillar Candle Set", "Travel Tin Candle"),
    "Mugs": ("Stoneware Mug", "Speckled Mug Pair"),
}


@dataclass(frozen=True)
class DemoVariant:
    variant_id: int
    title: str
    sku: str
    grams: int
    base_price: float
    phase_hours: int
    standing_compare_at_ratio: float | None  # >1 a permanent strike price; 1.0 equal (not a discount)


@dataclass(frozen=True)
class DemoProduct:
    product_id: int
    handle: str
    title: str
    vendor: str
    product_type: str
    tags: tuple[str, ...]
    created_at: datetime
    variants: tuple[DemoVariant, ...]


@dataclass(frozen=True)
class VariantState:
    price: str
    compare_at_price: str | None
    available: bool


def hour_index(moment: datetime) -> int:
    return int((moment.astimezone(UTC) - EPOCH).total_seconds() // 3600)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _round_price(value: np.ndarray, currency: str) -> np.ndarray:
    if currency == "IDR":
        return np.maximum(1000.0, np.round(value / 1000.0) * 1000.0)
    # Shelf prices end in .95 or .00: pick the nearer.
    whole = np.floor(value)
    return np.where(value - whole >= 0.5, whole + 0.95, np.maximum(whole, 1.0))


class DemoShop:
    """One demo shop: its catalogue and its prices at any hour since EPOCH."""

    def __init__(self, spec: ShopSpec, shop_index: int, seed: int):
        self.spec = spec
        self.shop_index = shop_index
        self.seed = seed
        self.products = self._build_catalogue()
        self.variants = [variant for product in self.products for variant in product.variants]
        self._base = np.array([variant.base_price for variant in self.variants])
        self._phase = np.array([variant.phase_hours for variant in self.variants])
        ratio = [variant.standing_compare_at_ratio for variant in self.variants]
        self._standing_ratio = np.array([r if r is not None else np.nan for r in ratio])
        self._walk = np.zeros((0, len(self.variants)))
        self._states_cache: dict[int, dict[int, VariantState]] = {}

    @property
    def name(self) -> str:
        return self.spec.name

    def _build_catalogue(self) -> list[DemoProduct]:
        spec = self.spec
        rng = random.Random(f"{self.seed}:{spec.name}")
        products: list[DemoProduct] = []
        categories = list(spec.categories)
        for index in range(spec.product_count):
            product_type = categories[index % len(categories)]
            low, high = spec.categories[product_type]
            vendor = rng.choice(spec.brands)
            title = f"{vendor} {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS[product_type])}"
            product_id = 7_000_000_000_000 + self.shop_index * 100_000_000 + index * 97 + 13
            base = math.exp(rng.uniform(math.log(low), math.log(high)))
            variant_count = rng.choice((1, 1, 2, 3, 3, 4))
            variants = []
            for position in range(variant_count):
                option = spec.option_values[position % len(spec.option_values)] if variant_count > 1 else None
                roll = rng.random()
                ratio = rng.uniform(1.15, 1.4) if roll < 0.25 else (1.0 if roll < 0.30 else None)
                variants.append(
                    DemoVariant(
                        variant_id=product_id * 10 + position + 40_000_000_000_000,
                        title=option or "Default Title",
                        sku=f"{spec.name[:3].upper()}-{index:04d}-{position}",
                        grams=rng.randint(50, 3000),
                        base_price=base * (1 + 0.35 * position),
                        phase_hours=rng.randrange(24),
                        standing_compare_at_ratio=ratio,
                    )
                )
            created = EPOCH - timedelta(days=rng.randint(30, 900), hours=rng.randint(0, 23))
            products.append(
                DemoProduct(
                    product_id=product_id,
                    handle=f"{_slug(title)}-{index}",
                    title=title,
                    vendor=vendor,
                    product_type=product_type,
                    tags=tuple(sorted({product_type.lower(), vendor.lower(), rng.choice(("new", "bestseller", "eco", "gift"))})),
                    created_at=created,
                    variants=tuple(variants),
                )
            )
        return products

    # -- pricing ---------------------------------------------------------------------------
    def _rng(self, stream: int, index: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, self.shop_index, stream, index])

    def _cumulative_walk(self, segment: int) -> np.ndarray:
        """Log price multiplier of every variant after ``segment`` daily steps (cached)."""
        if segment >= len(self._walk):
            rows = [self._walk[-1] if len(self._walk) else np.zeros(len(self.variants))]
            for k in range(len(self._walk), segment + 1):
                rng = self._rng(0, k)
                moves = rng.random(len(self.variants)) < PRICE_STEP_PROBABILITY
                steps = np.where(moves, rng.normal(0.0, 0.04, len(self.variants)), 0.0)
                rows.append(np.clip(rows[-1] + steps, math.log(0.7), math.log(1.5)))
            self._walk = np.vstack([self._walk, *rows[1:]]) if len(self._walk) else np.vstack(rows[1:])
        return self._walk

    def regular_prices(self, hour: int) -> np.ndarray:
        segments = (hour + self._phase) // 24
        walk = self._cumulative_walk(int(segments.max()))
        multiplier = np.exp(walk[segments, np.arange(len(self.variants))])
        return _round_price(self._base * multiplier, self.spec.currency)

    def flash_sales(self, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(has sale, start hour of day, length in hours, depth) per variant for a day."""
        rng = self._rng(1, day)
        n = len(self.variants)
        return rng.random(n) < FLASH_SALE_DAILY_PROBABILITY, rng.integers(0, 20, n), rng.integers(2, 6, n), rng.uniform(0.25, 0.5, n)

    def gradual_discounts(self, week: int) -> tuple[np.ndarray, np.ndarray]:
        """(has discount, start day within the week) per variant for a week."""
        rng = self._rng(2, week)
        n = len(self.variants)
        return rng.random(n) < GRADUAL_DISCOUNT_WEEKLY_PROBABILITY, rng.integers(0, 3, n)

    def sell_outs(self, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(has sell-out, start hour of day, length in hours) per variant for a day."""
        rng = self._rng(3, day)
        n = len(self.variants)
        return rng.random(n) < SELL_OUT_DAILY_PROBABILITY, rng.integers(0, 24, n), rng.integers(3, 21, n)

    def states_by_variant(self, moment: datetime) -> dict[int, VariantState]:
        """``states_at`` keyed by variant id, cached for the last few hours (pages are served many times an hour)."""
        hour = hour_index(moment)
        cached = self._states_cache.get(hour)
        if cached is None:
            cached = dict(zip((v.variant_id for v in self.variants), self.states_at(moment), strict=True))
            if len(self._states_cache) >= 4:
                self._states_cache.pop(next(iter(self._states_cache)))
            self._states_cache[hour] = cached
        return cached

    def states_at(self, moment: datetime) -> list[VariantState]:
        """What the shop shows for every variant (catalogue order) during ``moment``'s hour."""
        hour = hour_index(moment)
        day, hour_of_day, week = hour // 24, hour % 24, hour // 168
        regular = self.regular_prices(hour)
        price = regular.copy()

        has_flash, flash_start, flash_length, flash_depth = self.flash_sales(day)
        in_flash = has_flash & (flash_start <= hour_of_day) & (hour_of_day < flash_start + flash_length)
        price = np.where(in_flash, regular * (1 - flash_depth), price)

        has_gradual, gradual_start_day = self.gradual_discounts(week)
        step = np.clip((day - week * 7) - gradual_start_day + 1, 0, GRADUAL_DISCOUNT_STEPS)
        gradual_price = regular * (1 - GRADUAL_DISCOUNT_STEP * step)
        price = np.where(has_gradual & (step > 0), np.minimum(price, gradual_price), price)
        price = _round_price(price, self.spec.currency)
        promoted = price < regular

        unavailable = np.zeros(len(self.variants), dtype=bool)
        for offset in (0, 1):  # a sell-out that started yesterday may run into today
            has_out, out_start, out_length = self.sell_outs(day - offset)
            position = hour_of_day + 24 * offset
            unavailable |= has_out & (out_start <= position) & (position < out_start + out_length)

        standing = _round_price(regular * np.nan_to_num(self._standing_ratio, nan=1.0), self.spec.currency)
        states = []
        for index in range(len(self.variants)):
            compare_at: float | None = None
            if promoted[index]:
                compare_at = max(regular[index], standing[index])
            elif not np.isnan(self._standing_ratio[index]):
                compare_at = standing[index] if self._standing_ratio[index] > 1 else price[index]
            states.append(
                VariantState(
                    price=f"{price[index]:.2f}",
                    compare_at_price=None if compare_at is None else f"{compare_at:.2f}",
                    available=not unavailable[index],
                )
            )
        return states


class DemoMarket:
    """All demo shops for one seed."""

    def __init__(self, seed: int = DEFAULT_SEED):
        self.seed = seed

    @cached_property
    def shops(self) -> dict[str, DemoShop]:
        return {spec.name: DemoShop(spec, index, self.seed) for index, spec in enumerate(SHOP_SPECS)}

    @cached_property
    def marketplace(self) -> DemoShop:
        """The JS-rendered marketplace's catalogue (its sellers and strings: demo/marketplace.py)."""
        return DemoShop(MARKETPLACE_SPEC, len(SHOP_SPECS), self.seed)

    @cached_property
    def jsonld_shop(self) -> DemoShop:
        """The shop whose product pages carry schema.org JSON-LD (demo/jsonld_pages.py)."""
        return DemoShop(JSONLD_SHOP_SPEC, len(SHOP_SPECS) + 1, self.seed)

    @cached_property
    def creators(self):  # noqa: ANN201 - a DemoCreatorPopulation (imported lazily: it imports config)
        """TikTok creators for the TikHub-compatible endpoints (demo/creators.py)."""
        from radar_demo.creators import DemoCreatorPopulation

        return DemoCreatorPopulation(self.seed)

    def shop(self, name: str) -> DemoShop:
        try:
            return self.shops[name]
        except KeyError:
            raise KeyError(f"no demo shop named {name!r}; demo shops: {', '.join(self.shops)}") from None
