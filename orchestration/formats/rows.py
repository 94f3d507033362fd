"""Row shapes of the landing tables; field order is the COPY column order."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

# The data domains: landing rows and quarantine entries carry them, and snapshots/layout.py turns
# them (and nothing else) into object-store paths.
PRODUCTS_DOMAIN = "products"
CREATORS_DOMAIN = "creators"


class ProductObservation(NamedTuple):
    partition_hour: datetime
    source_name: str
    source_kind: str
    snapshot_key: str
    observed_at: datetime
    product_key: str | None
    source_product_id: str | None
    source_variant_id: str | None
    title: str | None
    variant_title: str | None
    brand: str | None
    category: str | None
    sku: str | None
    product_url: str | None
    price: Decimal | None
    compare_at_price: Decimal | None
    currency_code: str
    is_available: bool | None
    # Listing-page facts; API sources without them leave the defaults.
    rating: Decimal | None = None
    review_count: int | None = None
    sold_count: int | None = None
    shop_name: str | None = None
    shop_city: str | None = None
    is_sponsored: bool = False
    # The window sold_count covers (ISO 8601 duration: "P30D", "P1M"); None for all-time counts.
    sold_period: str | None = None
    # The high end when the listing shows a price range ("Rp50.000 - Rp75.000"); None for one price.
    price_max: Decimal | None = None
    # True when compare_at_price was computed from a discount badge, not printed by the source.
    compare_at_is_derived: bool = False


class SourceScrape(NamedTuple):
    """One source's scrape of one hour, from its snapshot manifest and its staging counts (scrape health)."""

    partition_hour: datetime
    source_name: str
    manifest_key: str
    connector: str
    pages: int
    failed_pages: int  # responses kept with a 4xx/5xx status (a delisted page's 404 among them)
    retries: int
    snapshot_bytes: int
    truncated: bool
    rows_staged: int
    rows_quarantined: int


class QuarantinedRecord(NamedTuple):
    domain: str
    source_name: str
    partition_hour: datetime
    snapshot_key: str
    record_locator: str
    record: str
    reason: str


class CreatorObservation(NamedTuple):
    partition_date: date
    snapshot_key: str
    observed_at: datetime
    user_id: str | None
    sec_uid: str | None
    handle: str | None
    nickname: str | None
    followers: int | None
    following: int | None
    hearts: int | None
    videos: int | None
    signature: str | None
    avatar_url: str | None


class VideoObservation(NamedTuple):
    partition_date: date
    snapshot_key: str
    observed_at: datetime
    aweme_id: str
    author_user_id: str | None
    author_handle: str | None
    caption: str
    hashtags: list[str]
    mentions: list[str]
    created_at: datetime | None
    play_count: int | None
    digg_count: int | None
    comment_count: int | None
    share_count: int | None
    collect_count: int | None
    found_by: list[str]


class SearchTarget(NamedTuple):
    partition_date: date
    target: str
    target_kind: str
    pages: int
    videos: int
    returned_data: bool
    error: str | None


class ProductPage(NamedTuple):
    """What a product connector parses out of one archived page (or, for listings, a whole snapshot)."""

    observations: list[ProductObservation]
    rejected: list[QuarantinedRecord]


class CreatorPage(NamedTuple):
    """What the creator connector parses out of one archived page: a profile or a page of videos."""

    creators: list[CreatorObservation]
    videos: list[VideoObservation]
    rejected: list[QuarantinedRecord]


PRODUCT_OBSERVATION_COLUMNS = ProductObservation._fields
CREATOR_OBSERVATION_COLUMNS = CreatorObservation._fields
VIDEO_OBSERVATION_COLUMNS = VideoObservation._fields
SEARCH_TARGET_COLUMNS = SearchTarget._fields
QUARANTINE_COLUMNS = QuarantinedRecord._fields
SOURCE_SCRAPE_COLUMNS = SourceScrape._fields
