"""Row shapes of the landing tables; field order is the COPY column order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple


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


class QuarantinedRecord(NamedTuple):
    domain: str
    source_name: str
    partition_hour: datetime
    snapshot_key: str
    record_locator: str
    record: str
    reason: str


PRODUCT_OBSERVATION_COLUMNS = ProductObservation._fields
QUARANTINE_COLUMNS = QuarantinedRecord._fields
