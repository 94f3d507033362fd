"""DEMO / TEST FIXTURE: renders demo shops as Shopify storefront ``products.json`` pages.

The live demo server and the history writer both call :func:`render_products_page`, so a
snapshot written for a past hour holds exactly the bytes a scrape at that hour would have got.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from radar_demo.catalog import DemoProduct, DemoShop, VariantState


@dataclass
class RecordFaults:
    """Corruptions applied to rendered records, for reliability tests."""

    negative_price: int = 0  # how many variants get a negative price
    missing_id: int = 0  # how many products lose their id
    unparseable_price: int = 0  # how many variants get a price that is not a number
    duplicate_across_pages: bool = False  # repeat the last product of a page on the next page

    def any(self) -> bool:
        return bool(self.negative_price or self.missing_id or self.unparseable_price or self.duplicate_across_pages)


def _stamp(moment: datetime, offset_hours: int) -> str:
    return moment.astimezone(timezone(timedelta(hours=offset_hours))).isoformat(timespec="seconds")


def _product_json(shop: DemoShop, product: DemoProduct, states: dict[int, VariantState]) -> dict:
    offset = shop.spec.utc_offset_hours
    created = _stamp(product.created_at, offset)
    variants = []
    for position, variant in enumerate(product.variants, start=1):
        state = states[variant.variant_id]
        variants.append(
            {
                "id": variant.variant_id,
                "title": variant.title,
                "option1": variant.title,
                "option2": None,
                "option3": None,
                "sku": variant.sku,
                "requires_shipping": True,
                "taxable": True,
                "featured_image": None,
                "available": state.available,
                "price": state.price,
                "grams": variant.grams,
                "compare_at_price": state.compare_at_price,
                "position": position,
                "product_id": product.product_id,
                "created_at": created,
                "updated_at": created,
            }
        )
    return {
        "id": product.product_id,
        "title": product.title,
        "handle": product.handle,
        "body_html": f"&lt;p&gt;{product.title}: demo product, not a real listing.&lt;/p&gt;",
        "published_at": created,
        "created_at": created,
        "updated_at": created,
        "vendor": product.vendor,
        "product_type": product.product_type,
        "tags": list(product.tags),
        "variants": variants,
        "images": [],
        "options": [{"name": shop.spec.option_name if len(product.variants) > 1 else "Title", "position": 1,
                     "values": [variant.title for variant in product.variants]}],
    }


def collection_handle(product_type: str) -> str:
    return product_type.lower().replace(" ", "-")


def render_products_page(
    shop: DemoShop,
    moment: datetime,
    page: int,
    limit: int,
    collection: str | None = None,
    faults: RecordFaults | None = None,
) -> bytes:
    """The exact ``products.json`` body the demo shop serves for ``moment``'s hour."""
    moment = moment.astimezone(UTC)
    products = shop.products
    if collection is not None:
        products = [p for p in products if collection_handle(p.product_type) == collection]
    limit = max(1, min(limit, 250))
    start = (max(page, 1) - 1) * limit
    selected = products[start : start + limit]
    if faults and faults.duplicate_across_pages and page > 1 and selected:
        selected = [products[start - 1], *selected]
    states = shop.states_by_variant(moment)
    payload = [_product_json(shop, product, states) for product in selected]
    if faults:
        _corrupt(payload, faults)
    return json.dumps({"products": payload}, separators=(",", ":")).encode()


def _corrupt(products: list[dict], faults: RecordFaults) -> None:
    variants = [variant for product in products for variant in product["variants"]]
    for variant in variants[: faults.negative_price]:
        variant["price"] = "-" + variant["price"]
    for product in products[: faults.missing_id]:
        del product["id"]
    for variant in variants[len(variants) - faults.unparseable_price :] if faults.unparseable_price else []:
        variant["price"] = "call for price"
