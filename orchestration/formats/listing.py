"""Marketplace listing HTML (as rendered and stored by the browser connector) -> observations.

Pure and offline: the recipe says which element is a card and where each field sits (data
attributes first, then reading order for texts without a stable attribute). Runs over stored
snapshots, so fixing a recipe and re-staging replays history.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

from selectolax.parser import HTMLParser, Node

from orchestration.formats.normalize import (
    BrandDictionary,
    NotAProductURL,
    ProductIdentity,
    SoldCount,
    canonical_product,
    listing_key,
    parse_price,
    parse_rating,
    parse_sold,
)
from orchestration.formats.recipes import CARD_ITSELF, Recipe
from orchestration.formats.rows import PRODUCTS_DOMAIN, ProductObservation, QuarantinedRecord

# Above this a listed price is a rendering or parsing accident, not a price (numeric(18,4) tops out at 1e14).
ABSURD_PRICE = Decimal("1e12")
CARD_EVIDENCE_CHARS = 4000


@dataclass(frozen=True)
class ListingCard:
    """The raw texts of one product card, in the site's own words."""

    position: int
    link: str | None
    title: str | None
    price: str | None
    original_price: str | None
    discount_badge: str | None
    rating: str | None
    sold: str | None
    shop_name: str | None
    shop_city: str | None
    is_sponsored: bool
    is_sold_out: bool | None
    html: str


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def _text_nodes(node: Node) -> list[Node]:
    """Non-blank text nodes under ``node`` in document order (``traverse`` would run past its end)."""
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.tag == "-text":
            if (current.text_content or "").strip():
                found.append(current)
        elif current.tag not in ("script", "style"):
            stack.extend(reversed(list(current.iter(include_text=True))))
    return found


def extract_cards(html: str, recipe: Recipe) -> list[ListingCard]:
    """Every filled-in card on a stored listing page, in page order (placeholders are skipped)."""
    tree = HTMLParser(html)
    ignore = [re.compile(pattern, re.IGNORECASE) for pattern in recipe.ignore_text]
    cards = []
    for position, card in enumerate(tree.css(recipe.card)):
        values: dict[str, str | bool | None] = {}
        consumed: set[int] = set()
        for name, rule in recipe.fields.items():
            node = card if rule.selector == CARD_ITSELF else card.css_first(rule.selector)
            if rule.flag:
                values[name] = node is not None
            elif node is None:
                values[name] = None
            else:
                values[name] = _clean(node.attributes.get(rule.attribute) if rule.attribute else node.text(separator=" "))
            if node is not None and not rule.attribute:  # an attribute read (the tile's link) leaves its texts
                consumed.update(text.mem_id for text in _text_nodes(node))
        remaining = [
            text for text in (_clean(n.text_content) for n in _text_nodes(card) if n.mem_id not in consumed)
            if text and not any(pattern.search(text) for pattern in ignore)
        ]
        cursor = 0
        for rule in recipe.reading_order:
            values[rule.field] = None
            if rule.pattern is None:
                if cursor < len(remaining):
                    values[rule.field] = remaining[cursor]
                    cursor += 1
                continue
            pattern = re.compile(rule.pattern, re.IGNORECASE)
            for index in range(cursor, len(remaining)):
                if pattern.search(remaining[index]):
                    values[rule.field] = remaining[index]
                    cursor = index + 1
                    break
        cards.append(
            ListingCard(
                position=position,
                link=values.get("link"),
                title=values.get("title"),
                price=values.get("price"),
                original_price=values.get("original_price"),
                discount_badge=values.get("discount_badge"),
                rating=values.get("rating"),
                sold=values.get("sold"),
                shop_name=values.get("shop_name"),
                shop_city=values.get("shop_city"),
                is_sponsored=bool(values.get("sponsored")),
                is_sold_out=values["sold_out"] if "sold_out" in recipe.fields else None,
                html=(card.html or "")[:CARD_EVIDENCE_CHARS],
            )
        )
    return cards


_BADGE_PERCENT = re.compile(r"(\d{1,2}(?:[.,]\d+)?)\s*%")


def original_from_badge(price: Decimal, badge: str | None) -> Decimal | None:
    """The original price a discount badge implies (``-25%`` on 75.00 is 100.00), for a card that
    shows the badge but no slashed price; None without a readable badge between 1% and 99%."""
    match = _BADGE_PERCENT.search(badge or "")
    if not match:
        return None
    percent = Decimal(match.group(1).replace(",", "."))
    if not 0 < percent < 100:
        return None
    return (price / (1 - percent / 100)).quantize(Decimal("0.01"))


def listing_identity(link: str, page_url: str) -> tuple[ProductIdentity, str]:
    """The product a card links to (canonical URL and key, tracking and ad redirects removed) and its
    source product id: the platform's ids where the URL carries them, else the URL's path.
    Raises :class:`NotAProductURL` when the link is a shop, category or search page."""
    identity = canonical_product(urljoin(page_url, link))
    platform, _, ids = identity.key.partition(":")
    return identity, ids if platform != "url" else urlsplit(identity.url).path


def observations_from_cards(
    cards: Iterable[ListingCard],
    *,
    source_name: str,
    page_url: str,
    currency: str,
    category: str | None,
    brands: BrandDictionary,
    partition_hour: datetime,
    observed_at: datetime,
    snapshot_key: str,
) -> tuple[list[ProductObservation], list[QuarantinedRecord]]:
    """One observation per readable card; unreadable cards are quarantined with the reason."""
    observations: list[ProductObservation] = []
    quarantined: list[QuarantinedRecord] = []
    for card in cards:
        problem = None
        if not card.link:
            problem = "card has no product link"
        elif not card.title:
            problem = "card has no title"
        else:
            try:
                identity, source_product_id = listing_identity(card.link, page_url)
            except NotAProductURL as error:
                problem = f"card links to no product: {error}"
        if problem is None:
            parsed = parse_price(card.price, currency_hint=currency)
            price = parsed.amount
            if price is None:
                problem = f"price {card.price!r} is unreadable: {parsed.reason}"
            elif price < 0 or price >= ABSURD_PRICE:
                problem = f"price {card.price!r} is absurd ({price})"
        if problem:
            quarantined.append(QuarantinedRecord(PRODUCTS_DOMAIN, source_name, partition_hour, snapshot_key,
                                                 f"card[{card.position}]", card.html, problem))
            continue
        original = parse_price(card.original_price, currency_hint=currency).amount if card.original_price else None
        derived = False
        if original is None:  # a badge without a slashed price still tells the discount
            original = original_from_badge(price, card.discount_badge)
            derived = original is not None
        sold = parse_sold(card.sold) if card.sold else SoldCount(None, None)
        observations.append(
            ProductObservation(
                partition_hour=partition_hour,
                source_name=source_name,
                source_kind="browser",
                snapshot_key=snapshot_key,
                observed_at=observed_at,
                product_key=listing_key(source_name, identity),
                source_product_id=source_product_id,
                source_variant_id=identity.variant_id,
                title=card.title,
                variant_title=None,
                brand=brands.match(card.title, card.shop_name),
                category=category,
                sku=None,
                product_url=identity.url,
                price=price,
                compare_at_price=original if original is not None and original > price else None,
                compare_at_is_derived=derived and original is not None and original > price,
                price_max=parsed.amount_max if parsed.amount_max is not None and parsed.amount_max > price else None,
                currency_code=parsed.currency or currency,
                is_available=None if card.is_sold_out is None else not card.is_sold_out,
                rating=parse_rating(card.rating) if card.rating else None,
                review_count=None,
                sold_count=sold.count,
                sold_period=sold.period,
                shop_name=card.shop_name,
                shop_city=card.shop_city,
                is_sponsored=card.is_sponsored,
            )
        )
    return observations, quarantined


def first_sightings(observations: list[ProductObservation]) -> list[ProductObservation]:
    """One row per product key: the first organic sighting, else the first ad (ads repeat listings)."""
    chosen: dict[str, ProductObservation] = {}
    for observation in observations:
        current = chosen.get(observation.product_key)
        if current is None or (current.is_sponsored and not observation.is_sponsored):
            chosen[observation.product_key] = observation
    return list(chosen.values())
