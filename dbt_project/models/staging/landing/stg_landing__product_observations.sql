{#-
    One select, no CTEs: PostgreSQL does not flatten a view whose query has a WITH clause, and a
    view that is not flattened hides the landing indexes' order from the lookbacks that read
    through it (int_product_prices_changed's "latest earlier partition" became a sort of the
    product's whole history: 8 s instead of 20 ms for one hour on 720 hours of history).
-#}
select
    -- ids
    product_key,
    source_name,
    source_kind,
    source_product_id,
    source_variant_id,

    -- attributes
    title as product_title,
    variant_title,
    brand,
    coalesce(category, '(uncategorized)') as category,
    sku,
    product_url,
    currency_code,
    shop_name,
    shop_city,
    is_sponsored,

    -- numbers
    price,
    price_max,
    compare_at_price,
    compare_at_is_derived,
    discount_pct,
    coalesce(discount_pct, 0) > 0 as is_discounted,
    is_available,
    rating,
    review_count,
    sold_count,
    sold_period,

    -- timestamps and lineage
    partition_hour,
    observed_at,
    snapshot_key

from {{ source('landing', 'product_observations') }}
