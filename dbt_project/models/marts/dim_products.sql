{#-
    One row per product (variant listing) with its latest attributes and first/last sighting.
    A window run updates the products observed in it; re-running an older window never
    overwrites newer attributes. The table holds one row per listing ever seen, so its size
    follows the catalogue, not the history; existing rows are found through the product_key index.

    Ties are broken, never left to chance: within the window by the later partition and snapshot;
    against the table, the window's rebuilt row wins over a row with the same last_seen_at, which
    can only come from an earlier build of the same hour (a restage keeps each response's
    fetched_at), so a restage of an older snapshot puts the older attributes back.
-#}
{{
    config(
        incremental_strategy='delete+insert',
        unique_key='product_key',
        indexes=[
            {'columns': ['product_key'], 'unique': True},
            {'columns': ['last_seen_at']},
        ],
        meta={'window_column': 'last_seen_at',
              'bi_scope': {'source': 'source_name', 'category': 'category', 'product': 'product_key'}},
    )
}}

with

observations as (

    select * from {{ ref('stg_landing__product_observations') }}
    where {{ in_window('partition_hour') }}

),

latest_in_window as (

    select distinct on (product_key) *
    from observations
    order by product_key, observed_at desc, partition_hour desc, snapshot_key desc

),

first_in_window as (

    select product_key, min(observed_at) as first_seen_at
    from observations
    group by product_key

),

window_products as (

    select
        latest_in_window.product_key,
        latest_in_window.source_name,
        latest_in_window.source_product_id,
        latest_in_window.source_variant_id,
        latest_in_window.product_title,
        latest_in_window.variant_title,
        latest_in_window.brand,
        latest_in_window.category,
        latest_in_window.sku,
        latest_in_window.product_url,
        latest_in_window.currency_code,
        latest_in_window.price as latest_price,
        latest_in_window.compare_at_price as latest_compare_at_price,
        latest_in_window.is_available as is_available,
        first_in_window.first_seen_at,
        latest_in_window.observed_at as last_seen_at,
        1 as precedence
    from latest_in_window
    inner join first_in_window on latest_in_window.product_key = first_in_window.product_key

),

candidates as (

    select * from window_products
    {% if is_incremental() %}
    union all
    select existing.*, 0 as precedence
    from {{ this }} as existing
    where existing.product_key in (select product_key from window_products)
    {% endif %}

),

latest as (

    select distinct on (product_key) *
    from candidates
    order by product_key, last_seen_at desc, precedence desc

),

first_sighting as (

    select product_key, min(first_seen_at) as first_seen_at
    from candidates
    group by product_key

),

final as (

    select
        latest.product_key, latest.source_name, latest.source_product_id, latest.source_variant_id,
        latest.product_title, latest.variant_title, latest.brand, latest.category, latest.sku,
        latest.product_url, latest.currency_code, latest.latest_price, latest.latest_compare_at_price,
        latest.is_available,
        first_sighting.first_seen_at,
        latest.last_seen_at
    from latest
    inner join first_sighting on latest.product_key = first_sighting.product_key

)

select * from final
