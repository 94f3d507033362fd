"""DEMO / TEST FIXTURE: a deterministic make-believe market, not real data.

Every shop, product, price and event here is generated from a seed and the hour. Shelf prices
stay put; on top of them the generator injects flash sales, gradual discounts, misleading
discounts, sell-outs with restocks and price jitter (radar_demo/promotions.py), and can report
exactly what it injected (the ground truth tests compare the marts against).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import numpy as np

from radar_demo.promotions import PromotionCalendar

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
DEFAULT_SEED = 20261122



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


def _round_shelf_price(value: np.ndarray, currency: str) -> np.ndarray:
    if currency == "IDR":
        return np.maximum(1000.0, np.round(value / 1000.0) * 1000.0)
    # Shelf prices end in .95 or .00: pick the nearer.
    whole = np.floor(value)
    return np.where(value - whole >= 0.5, whole + 0.95, np.maximum(whole, 1.0))


def _round_moved_price(value: np.ndarray, currency: str) -> np.ndarray:
    """A promotion or jitter price, to the cent (to Rp100): a charm ending would turn a 2 % jitter
    into a 10 % jump on a $9 item, or swallow a gradual discount's step."""
    if currency == "IDR":
        return np.maximum(100.0, np.round(value / 100.0) * 100.0)
    return np.maximum(0.01, np.round(value, 2))


class DemoShop:
    """One demo shop: its catalogue and its prices at any hour since EPOCH."""

    def __init__(self, spec: ShopSpec, shop_index: int, seed: int):
        self.spec = spec
        self.shop_index = shop_index
        self.seed = seed
        self.products = self._build_catalogue()
        self.variants = [variant for product in self.products for variant in product.variants]
        self._base = np.array([variant.base_price for variant in self.variants])
        ratio = [variant.standing_compare_at_ratio for variant in self.variants]
        self._standing_ratio = np.array([r if r is not None else np.nan for r in ratio])
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
    @cached_property
    def calendar(self) -> PromotionCalendar:
        return PromotionCalendar(self.seed, self.shop_index, misleading_allowed=np.isnan(self._standing_ratio))

    def shelf_prices(self) -> np.ndarray:
        """The regular price of every variant: constant, so every move is an injected event or noise."""
        return _round_shelf_price(self._base, self.spec.currency)

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
        shelf = self.shelf_prices()
        promotion = self.calendar.promotions_at(hour)
        factor = promotion.price_factor * self.calendar.jitter_factor_at(hour)
        price = np.where(factor == 1.0, shelf, _round_moved_price(shelf * factor, self.spec.currency))
        unavailable = self.calendar.unavailable_at(hour)
        standing = _round_shelf_price(shelf * np.nan_to_num(self._standing_ratio, nan=1.0), self.spec.currency)
        misleading = _round_shelf_price(shelf * np.nan_to_num(promotion.misleading_ratio, nan=1.0), self.spec.currency)
        states = []
        for index in range(len(self.variants)):
            ratio = self._standing_ratio[index]
            compare_at: float | None = None
            if promotion.promoted[index]:
                compare_at = max(shelf[index], standing[index])
            elif not np.isnan(promotion.misleading_ratio[index]):
                compare_at = misleading[index]
            elif not np.isnan(ratio):
                compare_at = standing[index] if ratio > 1 else price[index]
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
