"""DEMO / TEST FIXTURE: "Tokoloka", a make-believe Indonesian marketplace, not real data.

Listings come from the demo catalogue's pricing engine and are shown the way Tokopedia-style
marketplaces show them: Indonesian price and sold strings, price ranges for multi-variant
products, discount badges omitted for small discounts, ratings with a dot or a comma, seller
shop and city, promo lines, ads mixed in (linked through a click redirect) and tracking
parameters on every product URL. This module decides *what* a result page lists, as JSON-ready
dicts; ``marketplace_pages`` turns them into the page a browser renders.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from urllib.parse import quote

from radar_demo.catalog import DemoProduct, DemoShop, hour_index

SEARCH_PAGE_SIZE = 20
CATEGORY_PAGE_SIZE = 30
AD_EVERY = 6  # one ad after every five organic results
SMALL_DISCOUNT_PCT = 10  # badges are omitted below this
SELLERS = (
    ("Toko Cantik 88", "Surabaya"), ("Glowing Store ID", "Jakarta Barat"), ("Beauty Corner", "Bandung"),
    ("Kopi Kita", "Medan"), ("Warung Kopi Nusantara", "Makassar"), ("Serba Ada Shop", "Tangerang"),
    ("Skin Daily", "Jakarta Selatan"), ("Rumah Kopi Gayo", "Aceh Tengah"), ("Kosmetik Murah", "Semarang"),
)
PROMO_LINES = ("Bisa COD", "Hemat s.d 8% Pakai Bonus", "Cashback", "")


@dataclass(frozen=True)
class Seller:
    name: str
    city: str
    official: bool


@dataclass(frozen=True)
class ListingFacts:
    """What does not change hour to hour for a listing."""

    product: DemoProduct
    seller: Seller
    brand_in_title: bool
    rating: Decimal
    base_sold: int
    sold_per_day: float
    spaced_rupiah: bool
    comma_rating: bool
    promo: str


def category_slug(category: str) -> str:
    return category.lower().replace(" ", "-")


def format_rupiah(amount: float, spaced: bool = False) -> str:
    """``Rp1.250.000`` (dot thousands), or ``Rp 85.000`` as some tiles print it."""
    digits = f"{int(round(amount)):,}".replace(",", ".")
    return f"Rp {digits}" if spaced else f"Rp{digits}"


def format_sold(count: int) -> str:
    """Sold counts as Indonesian marketplaces print them: a bucketed lower bound."""
    if count < 100:
        return f"{count} terjual"
    if count < 1000:
        return f"{count // 50 * 50}+ terjual"
    if count < 10_000:
        return f"{count // 1000}rb+ terjual"
    if count < 1_000_000:
        return f"{count // 10_000 * 10}rb+ terjual"
    millions = math.floor(count / 100_000) / 10
    return f"{millions:.1f}".replace(".", ",").replace(",0", "") + "jt+ terjual"


class DemoMarketplace:
    """What Tokoloka lists for a search keyword or a category at a given hour."""

    def __init__(self, shop: DemoShop):
        self.shop = shop

    @cached_property
    def facts(self) -> dict[int, ListingFacts]:
        rng = random.Random(f"{self.shop.seed}:marketplace-facts")
        facts = {}
        for product in self.shop.products:
            official = rng.random() < 0.3
            # Resellers list some goods with no brand at all ("no-brand" serums, house-roasted kopi).
            unbranded = not official and rng.random() < 0.15
            seller_name, city = rng.choice(SELLERS)
            if official:
                seller_name = f"{product.vendor} Official Store"
            facts[product.product_id] = ListingFacts(
                product=product,
                seller=Seller(seller_name, city, official),
                # An official store often drops the brand from its titles: the shop name carries it.
                brand_in_title=not unbranded and (not official or rng.random() < 0.4),
                rating=Decimal(str(round(rng.uniform(4.2, 5.0), 1))),
                base_sold=0 if rng.random() < 0.08 else int(math.exp(rng.uniform(1, 12))),
                sold_per_day=rng.uniform(0, 40),
                spaced_rupiah=rng.random() < 0.2,
                comma_rating=rng.random() < 0.25,
                promo=rng.choice(PROMO_LINES),
            )
        return facts

    def title(self, facts: ListingFacts) -> str:
        title = facts.product.title
        if not facts.brand_in_title:
            return title.removeprefix(facts.product.vendor).strip()
        return title if facts.product.product_id % 5 else title.lower()  # some sellers type in lower case

    def sold_count(self, facts: ListingFacts, moment: datetime) -> int:
        if facts.base_sold == 0:
            return 0
        return facts.base_sold + int(facts.sold_per_day * hour_index(moment) / 24)

    def category_products(self, category: str) -> list[DemoProduct]:
        return [p for p in self.shop.products if category_slug(p.product_type) == category_slug(category)]

    def search_products(self, keyword: str) -> list[DemoProduct]:
        needle = keyword.strip().lower()
        if not needle:
            return []
        return [p for p in self.shop.products if needle in p.product_type.lower() or needle in p.title.lower()]

    def listing(self, product: DemoProduct, moment: datetime, base_url: str, context: str, position: int,
                ad: bool = False) -> dict:
        """One result tile's data, as the marketplace's JSON API returns it (display strings)."""
        facts = self.facts[product.product_id]
        states = self.shop.states_by_variant(moment)
        product_states = [states[variant.variant_id] for variant in product.variants]
        prices = [float(state.price) for state in product_states]
        cheapest = product_states[prices.index(min(prices))]
        low, high = min(prices), max(prices)
        spaced = facts.spaced_rupiah
        price_text = format_rupiah(low, spaced) if low == high else f"{format_rupiah(low, spaced)} - {format_rupiah(high, spaced)}"
        slash = float(cheapest.compare_at_price) if cheapest.compare_at_price else None
        discount = round((1 - low / slash) * 100) if slash and slash > low else 0
        sold = self.sold_count(facts, moment)
        rating = str(facts.rating).replace(".", ",") if facts.comma_rating else str(facts.rating)
        product_url = (
            f"{base_url}/p/{quote(facts.seller.name.lower().replace(' ', '-'))}/{product.handle}"
            f"?extParam=ivf%3Dfalse%26src%3D{context}&src={context}&trkid=f%3DCa0000L000P0W0S0Sh%2CCo0Po0Fr0Cb0_page%3D"
            f"{position // SEARCH_PAGE_SIZE + 1}_ob%3D{position}&whid=0"
        )
        if ad:
            product_url = f"{base_url}/promo/click?r={quote(product_url, safe='')}&ad_id={product.product_id % 100_000}"
        return {
            "id": str(product.product_id),
            "name": self.title(facts),
            "url": product_url,
            "image": f"{base_url}/img/{product.product_id}.svg",
            "price": price_text,
            "slash_price": format_rupiah(slash, spaced) if discount > 0 else "",
            "discount": (f"{discount}%" if product.product_id % 3 else f"-{discount}%") if discount >= SMALL_DISCOUNT_PCT else "",
            "rating": rating if sold > 0 else "",
            "sold": format_sold(sold) if sold > 0 else "",
            "shop": {"name": facts.seller.name, "city": facts.seller.city, "official": facts.seller.official},
            "promo": facts.promo,
            "is_ad": ad,
            "sold_out": not any(state.available for state in product_states),
        }

    def results(self, products: list[DemoProduct], moment: datetime, base_url: str, context: str) -> list[dict]:
        """Organic results with an ad after every ``AD_EVERY - 1`` (ads repeat listed products)."""
        tiles: list[dict] = []
        ad_rng = random.Random(f"{self.shop.seed}:{context}:{hour_index(moment)}")
        for position, product in enumerate(products):
            if position and position % (AD_EVERY - 1) == 0:
                tiles.append(self.listing(ad_rng.choice(products), moment, base_url, context, len(tiles), ad=True))
            tiles.append(self.listing(product, moment, base_url, context, len(tiles)))
        return tiles

    def search_page(self, keyword: str, page: int, moment: datetime, base_url: str) -> dict:
        tiles = self.results(self.search_products(keyword), moment, base_url, "search")
        return _page(tiles, page, SEARCH_PAGE_SIZE)

    def category_page(self, category: str, page: int, moment: datetime, base_url: str) -> dict:
        tiles = self.results(self.category_products(category), moment, base_url, "category")
        return _page(tiles, page, CATEGORY_PAGE_SIZE)


def _page(tiles: list[dict], page: int, size: int) -> dict:
    page = max(page, 1)
    chunk = tiles[(page - 1) * size : page * size]
    return {"page": page, "total": len(tiles), "items": chunk, "has_more": page * size < len(tiles)}
