{#-
    Price movers, as Keepa and CamelCamelCamel show them: per day and product, the price at the
    day's last observation against the price in effect 24 hours and 7 days before it, with the
    rank of the move within source x category, and whether the price is the lowest of the 30 days
    before or of all the history the warehouse holds. A price the product never left is no low:
    the flags need an earlier, higher price in their period.

    A window run rebuilds the days it touches; each product's lookbacks go through the
    fct_price_history (product_key, valid_from) and (product_key, price) indexes.
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(in_window_date('market_date')) }}",
        indexes=[{'columns': ['market_date']}],
        meta={'window_column': 'market_date', 'window_grain': 'day',
              'bi_scope': {'source': 'source_name', 'category': 'category', 'product': 'product_key'}},
    )
}}

with

spells as not materialized (

    select * from {{ ref('fct_price_history') }}

),

product_days as (

    select market_date, product_key, source_name, category, currency_code, price, observed_at
    from {{ ref('int_product_days') }}
    where {{ in_window_date('market_date') }}
      and price is not null

),

with_history as (

    select
        product_days.*,
        {{ price_in_effect_at('spells', 'product_days.product_key', "product_days.observed_at - interval '24 hours'") }}
            as price_24h_ago,
        {{ price_in_effect_at('spells', 'product_days.product_key', "product_days.observed_at - interval '7 days'") }}
            as price_7d_ago,
        month.lowest_price as lowest_price_30d,
        month.highest_price as highest_price_30d,
        ever.lowest_price as lowest_price_ever,
        ever.highest_price as highest_price_ever
    from product_days
    left join lateral (
        -- the spells in effect during the 30 days before (the one open at their start included)
        select min(spells.price) as lowest_price, max(spells.price) as highest_price
        from spells
        where spells.product_key = product_days.product_key
          and spells.valid_from < product_days.observed_at
          and (spells.valid_to is null or spells.valid_to > product_days.observed_at - interval '30 days')
          and spells.valid_from >= coalesce((
              select opening.valid_from from spells as opening
              where opening.product_key = product_days.product_key
                and opening.valid_from <= product_days.observed_at - interval '30 days'
              order by opening.valid_from desc
              limit 1
          ), '-infinity')
    ) as month on true
    left join lateral (
        select
            (select spells.price from spells
             where spells.product_key = product_days.product_key and spells.valid_from < product_days.observed_at
             order by spells.price limit 1) as lowest_price,
            (select spells.price from spells
             where spells.product_key = product_days.product_key and spells.valid_from < product_days.observed_at
             order by spells.price desc limit 1) as highest_price
    ) as ever on true

),

changes as (

    select
        with_history.*,
        price - price_24h_ago as change_24h,
        round((price - price_24h_ago) / nullif(price_24h_ago, 0) * 100, 2) as change_24h_pct,
        price - price_7d_ago as change_7d,
        round((price - price_7d_ago) / nullif(price_7d_ago, 0) * 100, 2) as change_7d_pct
    from with_history

),

final as (

    select
        md5(market_date::text || '|' || product_key) as price_mover_id,
        market_date,
        product_key,
        source_name,
        category,
        currency_code,
        price,
        price_24h_ago,
        change_24h,
        change_24h_pct,
        price_7d_ago,
        change_7d,
        change_7d_pct,
        rank() over (partition by market_date, source_name, category
                     order by abs(change_24h_pct) desc nulls last) as mover_rank_24h,
        rank() over (partition by market_date, source_name, category
                     order by abs(change_7d_pct) desc nulls last) as mover_rank_7d,
        lowest_price_30d,
        price <= lowest_price_30d and highest_price_30d > price as is_lowest_30d,
        lowest_price_ever,
        price <= lowest_price_ever and highest_price_ever > price as is_all_time_low
    from changes

)

select * from final
