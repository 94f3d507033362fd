"""schema.org Product JSON-LD in shop product pages -> one offer per variant. Pure, no I/O.

Handles the shapes real pages use (FORMATS.md): several ld+json blocks per page, some invalid
(skipped); the Product at top level, in ``@graph`` (with ``@id`` references), in a top-level
array, as a WebPage's ``mainEntity``, or as a ``ProductGroup`` with ``hasVariant``; ``offers`` as
one Offer, an array, or an AggregateOffer; StrikethroughPrice in ``priceSpecification``; brand as
text, object or array; availability as a URL or a bare name; localized rating strings. Products
that the page only links to (``isRelatedTo``, ``isSimilarTo``, item lists) are not the product.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from selectolax.parser import HTMLParser

from orchestration.formats.json_repair import repair_json
from orchestration.formats.normalize import (
    BrandDictionary,
    NotAProductURL,
    ProductIdentity,
    canonical_product,
    normalize_url,
    parse_count,
    parse_price,
    parse_rating,
    product_key,
)
from orchestration.formats.rows import PRODUCTS_DOMAIN, ProductObservation, QuarantinedRecord

PRODUCT_TYPES = {"Product", "ProductGroup", "IndividualProduct", "ProductModel"}
AVAILABLE = {"instock", "limitedavailability", "onlineonly", "instoreonly", "preorder", "presale", "backorder"}
UNAVAILABLE = {"outofstock", "soldout", "discontinued"}
# An offer with only these keys (identity and boilerplate, no availability) and a price of 0 says
# nothing but "no price here".
PLACEHOLDER_KEYS = {"@type", "@id", "price", "priceCurrency", "url", "seller", "itemCondition", "priceValidUntil",
                    "sku", "mpn", "gtin", "gtin8", "gtin12", "gtin13", "gtin14", "name"}
RELATION_KEYS = {"isRelatedTo", "isSimilarTo", "isAccessoryOrSparePartFor", "isConsumableFor", "itemListElement"}


@dataclass(frozen=True)
class JsonLdOffer:
    """One purchasable offer (usually a variant) of the page's product."""

    product_name: str | None
    variant_name: str | None
    brand: str | None
    category: str | None
    sku: str | None
    identity: str  # the most stable id the page gives: sku, gtin, productID, @id, offer url
    url: str | None
    price: Decimal | None
    price_max: Decimal | None
    compare_at_price: Decimal | None
    currency: str | None
    is_available: bool | None
    rating: Decimal | None
    review_count: int | None
    offer_count: int | None


class NoProductError(ValueError):
    """The page carries no schema.org Product."""


def json_ld_blocks(html: str) -> list[Any]:
    """Every readable ld+json block of a page (see :func:`read_json_ld_blocks`)."""
    return read_json_ld_blocks(html)[0]


def read_json_ld_blocks(html: str) -> tuple[list[Any], list[str]]:
    """(readable blocks, a reason per unreadable one).

    Real pages carry JSON-LD that browsers and search engines still read: wrapped in HTML comments
    or CDATA, with JavaScript comments, stray control characters, trailing commas or a lost closing
    brace at the end. Those are repaired (:func:`repair_json`); anything else is reported, not guessed.
    """
    blocks, unreadable = [], []
    for position, node in enumerate(HTMLParser(html).css('script[type="application/ld+json"]')):
        text = (node.text() or "").strip()
        if not text:
            continue
        try:
            blocks.append(json.loads(text, strict=False))
            continue
        except ValueError:
            pass
        try:
            blocks.append(json.loads(repair_json(text), strict=False))
        except ValueError as error:
            unreadable.append(f"ld+json block {position + 1}: {error}")
    return blocks, unreadable


def _types(node: dict) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1] for v in values}


def _top_level_nodes(blocks: list[Any]) -> Iterator[dict]:
    """Nodes a page states about itself: top level, arrays, @graph members, mainEntity."""
    for block in blocks:
        for node in block if isinstance(block, list) else [block]:
            if not isinstance(node, dict):
                continue
            graph = node.get("@graph")
            members = graph if isinstance(graph, list) else [node]
            for member in members:
                if not isinstance(member, dict):
                    continue
                yield member
                main = member.get("mainEntity") or member.get("mainEntityOfPage")
                if isinstance(main, dict):
                    yield main


def _index_by_id(blocks: list[Any]) -> dict[str, dict]:
    index: dict[str, dict] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("@id"), str) and len(value) > 1:
                index.setdefault(value["@id"], value)
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(blocks)
    return index


def _resolve(value: Any, index: dict[str, dict]) -> Any:
    """Follow a bare {"@id": ...} reference to the node it names."""
    if isinstance(value, dict) and set(value) == {"@id"}:
        return index.get(value["@id"], value)
    return value


def find_product(blocks: list[Any], page_url: str | None = None) -> dict:
    """The page's own product: the mainEntity or the Product whose url/@id is the page, else the first."""
    index = _index_by_id(blocks)
    candidates = []
    for node in _top_level_nodes(blocks):
        node = _resolve(node, index)
        if isinstance(node, dict) and _types(node) & PRODUCT_TYPES:
            candidates.append(node)
    # A ProductGroup's variants are Products too; the group is the product.
    grouped = {id(_resolve(v, index)) for c in candidates if "ProductGroup" in _types(c)
               for v in (c.get("hasVariant") or [])}
    candidates = [c for c in candidates if id(c) not in grouped]
    if not candidates:
        raise NoProductError("no schema.org Product in the page's JSON-LD")
    if page_url:
        wanted = normalize_url(page_url).split("?")[0]
        for candidate in candidates:
            for key in ("url", "@id"):
                if isinstance(candidate.get(key), str) and normalize_url(candidate[key]).split("?")[0] == wanted:
                    return candidate
    return candidates[0]


def _text(value: Any) -> str | None:
    """Text as a reader should see it: HTML entities that themes leave in JSON-LD (``&amp;``,
    ``&#8211;``) decoded, surrounding space removed."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = unescape(str(value)).strip()
        return text or None
    return None


def _brand(value: Any, index: dict[str, dict]) -> str | None:
    value = _resolve(value, index)
    if isinstance(value, list):
        names = [_brand(v, index) for v in value]
        return next((name for name in names if name), None)
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _availability(value: Any) -> bool | None:
    name = _text(value)
    if not name:
        return None
    key = name.rsplit("/", 1)[-1].lower()
    return True if key in AVAILABLE else False if key in UNAVAILABLE else None


def _amount(value: Any, currency: str | None) -> tuple[Decimal | None, str | None]:
    if value is None:
        return None, currency
    parsed = parse_price(str(value), currency_hint=currency)
    return parsed.amount, parsed.currency or currency


def _strikethrough(offer: dict) -> Any:
    specs = offer.get("priceSpecification")
    for spec in specs if isinstance(specs, list) else [specs]:
        if isinstance(spec, dict) and "StrikethroughPrice" in str(spec.get("priceType", "")):
            return spec.get("price")
    return None


def _offers(node: dict, index: dict[str, dict]) -> tuple[list[dict], dict | None]:
    """The node's offers, and the AggregateOffer holding them, if any."""
    offers = _resolve(node.get("offers"), index)
    aggregate = offers if isinstance(offers, dict) and "AggregateOffer" in _types(offers) else None
    if aggregate is not None and isinstance(aggregate.get("offers"), list):
        offers = aggregate["offers"]
    offers = offers if isinstance(offers, list) else [offers] if isinstance(offers, dict) else []
    return [o for o in (_resolve(o, index) for o in offers) if isinstance(o, dict)], aggregate


def _is_placeholder(offer: dict, price: Decimal | None) -> bool:
    """A price of 0 on an offer that is discontinued, out of stock or sold out, or that states
    nothing else about itself, stands for "no price", not for a free item."""
    if price != 0:
        return False
    return _availability(offer.get("availability")) is False or not (set(offer) - PLACEHOLDER_KEYS)


def _same_site(url: str | None, page_url: str | None) -> bool:
    return bool(url and page_url) and urlsplit(normalize_url(url)).netloc == urlsplit(normalize_url(page_url)).netloc


def _item_page_url(blocks: list[Any], index: dict[str, dict], product: dict) -> str | None:
    """The url of an ItemPage (or WebPage) whose mainEntity is the product."""
    for node in _top_level_nodes(blocks):
        if isinstance(node, dict) and _types(node) & {"ItemPage", "WebPage"}:
            main = _resolve(node.get("mainEntity"), index)
            if main is product:
                return _text(node.get("url"))
    return None


def _identity(*candidates: Any) -> str | None:
    return next((text for text in map(_text, candidates) if text), None)


def extract_offers(html: str, page_url: str | None = None) -> list[JsonLdOffer]:
    """Every offer of the page's product; raises NoProductError if the page has none."""
    blocks = json_ld_blocks(html)
    index = _index_by_id(blocks)
    product = find_product(blocks, page_url)
    group_brand = _brand(product.get("brand"), index)
    rating_node = _resolve(product.get("aggregateRating"), index)
    rating = review_count = None
    if isinstance(rating_node, dict):
        best = _text(rating_node.get("bestRating"))
        rating = parse_rating(f"{rating_node.get('ratingValue')}/{best}" if best else str(rating_node.get("ratingValue")))
        review_count = parse_count(str(rating_node.get("reviewCount") or rating_node.get("ratingCount") or ""))
    variants = [v for v in (_resolve(v, index) for v in product.get("hasVariant") or []) if isinstance(v, dict)]
    items = variants or [product]
    # The page's own statement of its URL, preferred over the fetched one when it is the same site.
    stated_url = next((url for url in (_text(product.get("url")), _item_page_url(blocks, index, product))
                       if _same_site(url, page_url)), None) if page_url else None
    product_name = _text(product.get("name"))
    results = []
    for item in items:
        offers, aggregate = _offers(item, index)
        for offer in offers or [{}]:
            currency = (_text(offer.get("priceCurrency")) or _text((aggregate or {}).get("priceCurrency")) or "").upper() or None
            price, currency = _amount(offer.get("price", offer.get("lowPrice")), currency)
            price_max, _ = _amount(offer.get("highPrice"), currency)
            if _is_placeholder(offer, price):
                # The placeholder's 0 is no price; the aggregate's range is, when the page gives one.
                price, _ = _amount((aggregate or {}).get("lowPrice"), currency)
                price_max, _ = _amount((aggregate or {}).get("highPrice"), currency)
            compare_at, _ = _amount(_strikethrough(offer), currency)
            url = _text(offer.get("url")) or _text(item.get("url")) or stated_url or page_url
            identity = _identity(offer.get("sku"), item.get("sku"), offer.get("gtin13"), item.get("gtin13"),
                                 item.get("gtin"), item.get("productID"), item.get("@id"), url)
            offer_name = _text(offer.get("name"))
            variant_name = (_text(item.get("name")) if item is not product else None) or (
                offer_name if offer_name and offer_name != product_name else None)
            results.append(
                JsonLdOffer(
                    product_name=product_name,
                    variant_name=variant_name,
                    brand=_brand(item.get("brand"), index) or group_brand,
                    category=_text(product.get("category")),
                    sku=_text(offer.get("sku")) or _text(item.get("sku")),
                    identity=identity or "",
                    url=normalize_url(url) if url else None,
                    price=price,
                    price_max=price_max if price_max is not None else price,
                    compare_at_price=compare_at,
                    currency=currency,
                    is_available=_availability(offer.get("availability")),
                    rating=rating,
                    review_count=review_count,
                    offer_count=int(offer["offerCount"]) if str(offer.get("offerCount", "")).isdigit() else None,
                )
            )
    return results


def canonical_url(url: str) -> ProductIdentity:
    """The product's canonical URL and the variant it names (``?variant=``); a page whose URL is not
    a product's (a collection page carrying a Product) keeps its normalized URL."""
    try:
        return canonical_product(url)
    except NotAProductURL:
        return ProductIdentity(normalize_url(url), f"url:{normalize_url(url)}")


def observations_from_page(
    html: str,
    *,
    page_url: str,
    source_name: str,
    currency: str,
    brands: BrandDictionary,
    partition_hour: datetime,
    observed_at: datetime,
    snapshot_key: str,
) -> tuple[list[ProductObservation], list[QuarantinedRecord]]:
    """One observation per offer of the page's product; a page or offer that cannot be read is quarantined."""

    def quarantine(locator: str, record: str, reason: str) -> QuarantinedRecord:
        return QuarantinedRecord(PRODUCTS_DOMAIN, source_name, partition_hour, snapshot_key, locator, record[:20_000], reason)

    try:
        offers = extract_offers(html, page_url)
    except NoProductError as error:
        blocks = json.dumps(json_ld_blocks(html), default=str)
        return [], [quarantine("page", blocks if blocks != "[]" else html[:4000], str(error))]
    observations, rejected = [], []
    for position, offer in enumerate(offers):
        if offer.price is None:
            rejected.append(quarantine(f"offers[{position}]", json.dumps(asdict(offer), default=str),
                                       "offer has no readable price"))
            continue
        identity = offer.identity or page_url
        url = canonical_url(offer.url or page_url)
        observations.append(
            ProductObservation(
                partition_hour=partition_hour,
                source_name=source_name,
                source_kind="jsonld",
                snapshot_key=snapshot_key,
                observed_at=observed_at,
                product_key=product_key(source_name, f"jsonld:{identity}"),
                source_product_id=identity,
                source_variant_id=url.variant_id,
                title=offer.product_name,
                variant_title=offer.variant_name,
                brand=offer.brand or brands.match(offer.product_name),
                category=offer.category,
                sku=offer.sku,
                product_url=url.url,
                price=offer.price,
                compare_at_price=offer.compare_at_price if offer.compare_at_price and offer.compare_at_price > offer.price else None,
                price_max=offer.price_max if offer.price_max is not None and offer.price_max > offer.price else None,
                currency_code=offer.currency or currency,
                is_available=offer.is_available,
                rating=offer.rating,
                review_count=offer.review_count,
            )
        )
    return observations, rejected
