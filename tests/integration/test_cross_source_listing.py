"""One marketplace listing seen by two sources in the same hour (a search and a category of one
site) is one product: keyed on the platform's ids, staged once, the second sighting quarantined
with the reason."""

from datetime import UTC, datetime, timedelta

from orchestration.formats.normalize import canonical_product, listing_key
from orchestration.formats.responses import FetchedResponse
from orchestration.formats.rows import PRODUCTS_DOMAIN
from orchestration.snapshots.manifest import SnapshotWriter
from orchestration.staging.products import stage_products_hour
from orchestration.warehouse.postgres import WarehouseResource
from tests.support import FIXTURES, marketplace_source

HOUR = datetime(2026, 11, 20, 9, tzinfo=UTC)
PAGE = (FIXTURES / "listings" / "shopee_search.html").read_bytes()
RECIPE = str(FIXTURES / "listings" / "shopee-like.yaml")


def archive(lake, name: str, url: str) -> None:
    writer = SnapshotWriter(lake, PRODUCTS_DOMAIN, name, "browser", "1.0.0", HOUR, run_id="fixture",
                            started_at=HOUR + timedelta(minutes=5))
    writer.add(FetchedResponse(url, 200, "text/html; charset=utf-8", PAGE, HOUR + timedelta(minutes=6), 1), 1, "html",
               role="listing", watch="Kopi")
    writer.finish()


def test_the_same_listing_from_two_sources_is_one_product(database_url, lake):
    sources = [marketplace_source("https://shopee.co.id", name=name, recipe=RECIPE, base_url="https://shopee.co.id")
               for name in ("shopee-search", "shopee-category")]
    archive(lake, "shopee-search", "https://shopee.co.id/search?keyword=kopi")
    archive(lake, "shopee-category", "https://shopee.co.id/Kopi-cat.11043145")
    warehouse = WarehouseResource(database_url=database_url)
    warehouse.ensure_landing_schema()

    staged = stage_products_hour(lake, warehouse, sources, HOUR)

    listed = staged.rows_by_source["shopee-search"]
    assert listed > 0 and staged.rows_by_source["shopee-category"] == 0
    key = listing_key("shopee-search", canonical_product("https://shopee.co.id/x-i.123456.7890123"))
    assert key == listing_key("shopee-category", canonical_product("https://shopee.co.id/product/123456/7890123"))
    rows = warehouse.query("select source_name, count(*) from landing_pending.product_observations group by 1")
    assert rows == [("shopee-search", listed)]
    reasons = warehouse.query("select reason from landing.quarantine where source_name = 'shopee-category' "
                              "and reason like %s", ["the same listing%"])
    assert len(reasons) == listed and reasons[0][0] == "the same listing as a row of shopee-search this hour"
