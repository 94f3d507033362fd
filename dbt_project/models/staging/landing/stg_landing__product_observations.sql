with

source as (

    select * from {{ source('landing', 'product_observations') }}

),

renamed as (

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
        compare_at_price,
        discount_pct,
        coalesce(discount_pct, 0) > 0 as is_discounted,
        is_available,
        rating,
        review_count,
        sold_count,

        -- timestamps and lineage
        partition_hour,
        observed_at,
        snapshot_key

    from source

)

select * from renamed
