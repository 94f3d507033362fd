{#-
    Day x source x category market KPIs from each listing's last observation of the day
    (int_product_days). A window run recomputes every UTC day the window touches, replacing those
    days whole.
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

kpis as (

    select
        market_date,
        source_name,
        category,
        currency_code,
        count(*) as listings,
        count(*) filter (where not is_available) as listings_sold_out,
        percentile_cont(0.5) within group (order by price)::numeric(18, 4) as median_price,
        round(avg(price), 4) as avg_price,
        round(avg(case when is_discounted then 1.0 else 0.0 end), 4) as share_discounted,
        round(avg(discount_pct) filter (where is_discounted), 2) as avg_discount_pct,
        round(avg(rating), 2) as avg_rating,
        sum(sold_count) filter (where sold_period is null) as sold_count_lower_bound,
        count(distinct shop_name) as shops,
        count(distinct partition_hour) as hours_observed
    from product_days
    group by market_date, source_name, category, currency_code

),

final as (

    select
        md5(market_date::text || '|' || source_name || '|' || category || '|' || currency_code) as market_kpi_id,
        *
    from kpis

)

select * from final
