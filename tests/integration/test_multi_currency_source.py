"""One source that prices in two currencies (a shop selling to two countries) runs an hour through
staging, the gate, publishing and every product mart, with one KPI row per currency."""

import json
from datetime import UTC, datetime, timedelta

import dagster as dg
import psycopg

from orchestration.config import JsonLdSource, RadarConfig
from orchestration.formats.responses import FetchedResponse
from orchestration.formats.rows import PRODUCTS_DOMAIN
from orchestration.snapshots.manifest import SnapshotWriter
from tests.support import build_test_definitions

HOUR = datetime(2026, 11, 20, 9, tzinfo=UTC)
KEY = f"{HOUR:%Y-%m-%d-%H}:00"
SHOP = "https://atlas.example"
# (handle, price, currency): the same throws on the UK and the euro storefronts.
OFFERS = [("wool-throw-uk", "48.00", "GBP"), ("linen-throw-uk", "52.00", "GBP"), ("wool-throw-eu", "56.00", "EUR"),
          ("linen-throw-eu", "61.00", "EUR"), ("cotton-throw-eu", "39.00", "EUR"), ("mohair-throw-us", "70.00", "USD")]


def product_page(handle: str, price: str, currency: str) -> bytes:
    product = {"@context": "https://schema.org", "@type": "Product", "name": handle.replace("-", " ").title(),
               "sku": handle.upper(), "category": "Throws", "brand": "Atlas",
               "offers": {"@type": "Offer", "price": price, "priceCurrency": currency,
                          "availability": "https://schema.org/InStock"}}
    return f'<html><head><script type="application/ld+json">{json.dumps(product)}</script></head></html>'.encode()


def test_a_source_in_two_currencies_builds_the_marts_with_a_row_per_currency(database_url, lake):
    source = JsonLdSource(name="atlas", kind="jsonld", urls=[f"{SHOP}/products/{handle}" for handle, *_ in OFFERS],
                          currency="GBP", extra_currencies=["EUR"])
    writer = SnapshotWriter(lake, PRODUCTS_DOMAIN, source.name, "jsonld", "1.0.0", HOUR, run_id="fixture",
                            started_at=HOUR + timedelta(minutes=5))
    for handle, price, currency in OFFERS:
        writer.add(FetchedResponse(f"{SHOP}/products/{handle}", 200, "text/html; charset=utf-8",
                                   product_page(handle, price, currency), HOUR + timedelta(minutes=6), 1),
                   1, "html", role="product_page")
    writer.finish()
    defs = build_test_definitions(RadarConfig(product_sources=[source]), database_url, lake)

    result = defs.resolve_job_def("restage_products_job").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), partition_key=KEY, raise_on_error=False)

    assert result.success
    with psycopg.connect(database_url) as connection:
        kpis = connection.execute("select currency_code, listings, median_price from marts.mart_market_kpis "
                                  "order by currency_code").fetchall()
        (reason,) = connection.execute("select reason from landing.quarantine").fetchone()
    assert [(currency, listings, float(median)) for currency, listings, median in kpis] == [
        ("EUR", 3, 56.0), ("GBP", 2, 50.0)]
    assert reason.startswith("currency changed: priced in USD, but the source is configured in GBP, EUR")
