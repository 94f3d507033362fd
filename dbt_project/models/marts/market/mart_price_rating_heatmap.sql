{#-
    Where the price/rating sweet spot is: day x category x currency x price band x rating band,
    from each listing's last observation of the day (int_product_days), across sources.

    Price bands are quantile bands (price_bands of them) per day, category and currency, so IDR
    and USD listings never share a band; equal prices always share one. Rating bands are fixed;
    listings without a rating are their own band. Sales are all-time sold counts (a lower bound
    on marketplaces). The sweet spot of a day, category and currency is the cell with the most
    sold per listing among cells with at least sweet_spot_min_listings listings. A window run
    rebuilds the days it touches.
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(in_window_date('market_date')) }}",
        indexes=[{'columns': ['market_date']}],
        meta={'window_column': 'market_date', 'window_grain': 'day',
              'bi_scope': {'category': 'category'}},
    )
}}

{%- set bands = var('price_bands') %}

with

product_days as (

    select * from {{ ref('int_product_days') }}
    where {{ in_window_date('market_date') }}
      and price is not null

),

banded as (

    select
        product_days.*,
        count(*) over market as market_listings,
        least(ceil(cume_dist() over (partition by market_date, category, currency_code order by price) * {{ bands }}),
              {{ bands }})::integer as price_band,
        case
            when rating is null then 0
            when rating < 4.0 then 1
            when rating < 4.5 then 2
            when rating < 4.8 then 3
            else 4
        end as rating_band_order
    from product_days
    window market as (partition by market_date, category, currency_code)

),

cells as (

    select
        market_date,
        category,
        currency_code,
        price_band,
        rating_band_order,
        min(price) as price_band_low,
        max(price) as price_band_high,
        count(*) as listings,
        min(market_listings) as market_listings,
        percentile_cont(0.5) within group (order by sold_count) filter (where sold_period is null) as median_sold,
        round(sum(sold_count) filter (where sold_period is null)::numeric / count(*), 2) as sold_per_listing,
        round(avg(coalesce(discount_pct, 0)), 2) as avg_discount_pct
    from banded
    group by market_date, category, currency_code, price_band, rating_band_order

),

ranked as (

    select
        cells.*,
        case
            when listings >= {{ var('sweet_spot_min_listings') }} and sold_per_listing is not null
            then rank() over (
                partition by market_date, category, currency_code,
                    listings >= {{ var('sweet_spot_min_listings') }} and sold_per_listing is not null
                order by sold_per_listing desc, listings desc, price_band, rating_band_order desc
            )
        end as sweet_spot_rank
    from cells

),

final as (

    select
        md5(market_date::text || '|' || category || '|' || currency_code || '|' || price_band::text || '|'
            || rating_band_order::text) as heatmap_cell_id,
        market_date,
        category,
        currency_code,
        price_band,
        price_band_low,
        price_band_high,
        case rating_band_order
            when 0 then '(unrated)'
            when 1 then 'below 4.0'
            when 2 then '4.0-4.4'
            when 3 then '4.5-4.7'
            else '4.8-5.0'
        end as rating_band,
        rating_band_order,
        listings,
        market_listings,
        median_sold::numeric(18, 1) as median_sold,
        sold_per_listing,
        avg_discount_pct,
        coalesce(sweet_spot_rank = 1, false) as is_sweet_spot
    from ranked

)

select * from final
