"""DEMO / TEST FIXTURE: "Hearth & Loom", a make-believe shop whose product pages carry JSON-LD.

Pages rotate through the shapes real shops use (FORMATS.md): a top-level Product, an ``@graph``
with ``@id`` references, a top-level array, a WebPage's ``mainEntity``, and a ProductGroup with
``hasVariant``; offers as one Offer, an Offer per variant or an AggregateOffer; strike-through
prices; brands as text, object or array; availability as URL or bare name; an invalid app block
and related products on some pages. A sitemap index lists them, plus one delisted page (404).
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from radar_demo.catalog import DemoProduct, DemoShop, VariantState

SHAPES = ("top_level", "graph", "array", "main_entity", "product_group")
DELISTED_HANDLE = "discontinued-linen-throw"


def product_path(product: DemoProduct) -> str:
    return f"/products/{product.handle}"


def render_sitemap_index(shop_url: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{shop_url}/sitemap_products_1.xml</loc></sitemap>"
        f"<sitemap><loc>{shop_url}/sitemap_pages_1.xml</loc></sitemap></sitemapindex>"
    ).encode()


def render_products_sitemap(shop: DemoShop, shop_url: str) -> bytes:
    urls = [f"{shop_url}{product_path(p)}" for p in shop.products] + [f"{shop_url}/products/{DELISTED_HANDLE}"]
    entries = "".join(f"<url><loc>{escape(url)}</loc><changefreq>daily</changefreq></url>" for url in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()


def render_pages_sitemap(shop_url: str) -> bytes:
    entries = "".join(f"<url><loc>{shop_url}/pages/{page}</loc></url>" for page in ("about", "shipping"))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()


def _availability(state: VariantState, index: int) -> str:
    name = "InStock" if state.available else ("OutOfStock" if index % 2 else "SoldOut")
    return (f"https://schema.org/{name}", f"http://schema.org/{name}", name)[index % 3]


def _price(value: str, index: int) -> float | str:
    # Numbers as the spec wants them, strings as many themes print them, sometimes with a symbol.
    return (float(value), value, f"£{value}")[index % 3]


def _offer(shop: DemoShop, product: DemoProduct, variant_index: int, state: VariantState, url: str, index: int) -> dict:
    variant = product.variants[variant_index]
    offer = {
        "@type": "Offer",
        "sku": variant.sku,
        "url": f"{url}?variant={variant.variant_id}" if len(product.variants) > 1 else url,
        "price": _price(state.price, index),
        "priceCurrency": shop.spec.currency if index % 4 else shop.spec.currency.lower(),
        "availability": _availability(state, index),
    }
    if state.compare_at_price and float(state.compare_at_price) > float(state.price):
        offer["priceSpecification"] = [
            {"@type": "UnitPriceSpecification", "price": float(state.price), "priceCurrency": shop.spec.currency},
            {"@type": "UnitPriceSpecification", "priceType": "https://schema.org/StrikethroughPrice",
             "price": float(state.compare_at_price), "priceCurrency": shop.spec.currency},
        ]
    return offer


def _brand(product: DemoProduct, index: int) -> object:
    return (product.vendor, {"@type": "Brand", "name": product.vendor}, [{"@type": "Brand", "name": product.vendor}],
            {"@type": "Organization", "name": product.vendor})[index % 4]


def _rating(index: int) -> dict:
    value = f"{4 + (index % 10) / 10:.1f}"
    return {"@type": "AggregateRating", "ratingValue": value.replace(".", ",") if index % 5 == 0 else value,
            "reviewCount": str(3 + index * 7 % 180), "bestRating": "5"}


def product_ld(shop: DemoShop, product: DemoProduct, states: dict[int, VariantState], url: str, index: int) -> list[dict]:
    """The ld+json blocks of one product page, in the page's shape."""
    shape = SHAPES[index % len(SHAPES)]
    variant_states = [states[variant.variant_id] for variant in product.variants]
    base = {"@type": "Product", "name": product.title, "description": f"{product.title}. Demo product, not a real listing.",
            "category": product.product_type, "image": [f"{url}.jpg"], "aggregateRating": _rating(index)}
    organization = {"@type": "Organization", "name": shop.spec.title, "url": url.split("/products/")[0]}
    breadcrumbs = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": product.product_type, "item": url.split("/products/")[0]}]}
    related = {"@type": "Product", "name": "You may also like: Gift Card", "sku": "GIFT-CARD",
               "offers": {"@type": "Offer", "price": "25.00", "priceCurrency": shop.spec.currency}}
    offers = [_offer(shop, product, i, state, url, index + i) for i, state in enumerate(variant_states)]
    if shape == "top_level":
        product_node = {"@context": "https://schema.org", **base, "sku": product.variants[0].sku, "brand": _brand(product, index),
                        "offers": offers[0] if len(offers) == 1 else offers, "isRelatedTo": related}
        return [{"@context": "https://schema.org", **organization}, product_node]
    if shape == "graph":
        brand_id = f"{url}#brand"
        return [{"@context": "https://schema.org", "@graph": [
            {"@type": "Brand", "@id": brand_id, "name": product.vendor},
            organization,
            {**base, "@id": f"{url}#product", "sku": product.variants[0].sku, "brand": {"@id": brand_id}, "offers": offers},
        ]}]
    if shape == "array":
        return [[{"@context": "https://schema.org", **breadcrumbs},
                 {"@context": "https://schema.org", **base, "sku": product.variants[0].sku, "brand": _brand(product, index),
                  "offers": offers}]]
    if shape == "main_entity":
        prices = [float(state.price) for state in variant_states]
        aggregate = {"@type": "AggregateOffer", "lowPrice": f"{min(prices):.2f}", "highPrice": f"{max(prices):.2f}",
                     "offerCount": len(prices), "priceCurrency": shop.spec.currency,
                     "availability": _availability(variant_states[0], index)} if len(prices) > 1 else offers[0]
        return [{"@context": "https://schema.org", "@type": "ItemPage", "name": product.title,
                 "mainEntity": {**base, "sku": product.variants[0].sku, "brand": _brand(product, index), "offers": aggregate}},
                {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [related]}]
    group = {"@context": "https://schema.org", "@type": "ProductGroup", "name": product.title,
             "productGroupID": str(product.product_id), "category": product.product_type,
             "brand": _brand(product, index), "aggregateRating": _rating(index),
             "hasVariant": [{"@type": "Product", "name": f"{product.title} - {variant.title}", "sku": variant.sku,
                             "offers": offers[i]} for i, variant in enumerate(product.variants)]}
    return [group]


def render_product_page(shop: DemoShop, product: DemoProduct, moment: datetime, shop_url: str) -> bytes:
    states = shop.states_by_variant(moment)
    index = shop.products.index(product)
    url = f"{shop_url}{product_path(product)}"
    blocks = [f'<script type="application/ld+json">{json.dumps(block)}</script>' for block in product_ld(shop, product, states, url, index)]
    if index % 7 == 3:  # a review app's broken block: real pages carry these, parsers must skip them
        blocks.append('<script type="application/ld+json">{"@type": "Review", "author": "demo",, }</script>')
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(product.title)} | {escape(shop.spec.title)}</title>'
        f'{"".join(blocks)}</head><body><h1>{escape(product.title)}</h1><p>Demo shop page, not a real product.</p></body></html>'
    ).encode()


def render_not_found() -> bytes:
    return b"<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Page not found</h1></body></html>"
