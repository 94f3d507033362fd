{#-
    Creator x brand x day: how often a creator's videos of the day mention a brand, with the
    brand's footprint in product data when there is one (listings and median latest price in
    its most common currency, from dim_products).
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(in_window_date('mention_day')) }}",
        indexes=[{'columns': ['mention_day']}],
        meta={'window_column': 'mention_day', 'window_grain': 'day'},
    )
}}

with

mentions as (

    select * from {{ ref('int_caption_mentions') }}
    where mention_type = 'brand'
      and {{ in_window_date('partition_date') }}

),

videos as (

    select partition_date, video_id, views, author_handle
    from {{ ref('stg_landing__video_observations') }}
    where {{ in_window_date('partition_date') }}

),

per_creator as (

    select
        mentions.partition_date as mention_day,
        mentions.creator_id,
        max(videos.author_handle) as handle,
        mentions.mention as brand,
        count(distinct mentions.video_id) as videos_mentioning,
        sum(videos.views) as views_of_mentioning_videos
    from mentions
    inner join videos on videos.partition_date = mentions.partition_date and videos.video_id = mentions.video_id
    group by 1, 2, 4

),

products as (

    {{ product_brand_listings() }}

),

product_brands as (

    select
        brand,
        count(*) as brand_listings,
        mode() within group (order by currency_code) as brand_currency
    from products
    group by brand

),

brand_prices as (

    select
        products.brand,
        percentile_cont(0.5) within group (order by products.latest_price)::numeric(18, 4) as brand_median_price
    from products
    inner join product_brands
        on product_brands.brand = products.brand and product_brands.brand_currency = products.currency_code
    group by products.brand

),

final as (

    select
        md5(per_creator.creator_id || '|' || per_creator.brand || '|' || per_creator.mention_day::text) as brand_mention_id,
        per_creator.*,
        product_brands.brand_listings,
        brand_prices.brand_median_price,
        product_brands.brand_currency
    from per_creator
    left join product_brands on product_brands.brand = per_creator.brand
    left join brand_prices on brand_prices.brand = per_creator.brand

)

select * from final
