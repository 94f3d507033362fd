{#-
    Brand share per day x source x category x currency x brand, from each listing's last
    observation of the day (int_product_days). Listings without a brand are one brand,
    '(unbranded)', so shares always add up to 1.

    listing_share counts listings. units_sold_share weighs by the units sold that day: the
    increase of all-time sold counts over the day before (a lower bound on marketplaces, whose
    counts are bucketed); it is null for a group where no listing shows such counts (Shopify
    and JSON-LD shops do not). brand_rank orders by units_sold_share where there is one, else by
    listings. A window run rebuilds the days it touches.
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(in_window_date('market_date')) }}",
        indexes=[{'columns': ['market_date']}],
        meta={'window_column': 'market_date', 'window_grain': 'day',
              'bi_scope': {'source': 'source_name', 'category': 'category'}},
    )
}}

with

product_days as (

    select * from {{ ref('int_product_days') }}
    where {{ in_window_date('market_date') }}

),

brands as (

    select
        market_date,
        source_name,
        category,
        currency_code,
        brand,
        count(*) as listings,
        sum(units_sold) as units_sold,
        count(units_sold) as listings_with_units_sold,
        percentile_cont(0.5) within group (order by price)::numeric(18, 4) as median_price,
        round(avg(rating), 2) as avg_rating
    from product_days
    group by market_date, source_name, category, currency_code, brand

),

shares as (

    select
        brands.*,
        round(listings::numeric / sum(listings) over market, 6) as listing_share,
        round(units_sold::numeric / nullif(sum(units_sold) over market, 0), 6) as units_sold_share
    from brands
    window market as (partition by market_date, source_name, category, currency_code)

),

final as (

    select
        md5(market_date::text || '|' || source_name || '|' || category || '|' || currency_code || '|' || brand)
            as brand_share_id,
        market_date,
        source_name,
        category,
        currency_code,
        brand,
        listings,
        listing_share,
        units_sold,
        units_sold_share,
        median_price,
        avg_rating,
        rank() over (
            partition by market_date, source_name, category, currency_code
            order by coalesce(units_sold_share, 0) desc, listings desc
        ) as brand_rank
    from shares

)

select * from final
