{#-
    Day x source x category market KPIs from each listing's last observation of the day.
    A window run recomputes every UTC day the window touches (a day is at most 24 partitions),
    replacing those days whole.
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(
            'market_date >= (' ~ window_start() ~ \" at time zone 'UTC')::date\"
            ~ ' and market_date <= ((' ~ window_end() ~ \" - interval '1 microsecond') at time zone 'UTC')::date\"
        ) }}",
    )
}}

with

observations as (

    select * from {{ ref('stg_landing__product_observations') }}

),

days_in_window as (

    select
        date_trunc('day', {{ window_start() }} at time zone 'UTC') at time zone 'UTC' as day_start,
        (date_trunc('day', ({{ window_end() }} - interval '1 microsecond') at time zone 'UTC') + interval '1 day')
            at time zone 'UTC' as day_end

),

day_observations as (

    select
        observations.*,
        (observations.partition_hour at time zone 'UTC')::date as market_date
    from observations
    cross join days_in_window
    where observations.partition_hour >= days_in_window.day_start
      and observations.partition_hour < days_in_window.day_end
      and observations.product_key is not null

),

last_of_day as (

    select distinct on (market_date, product_key) *
    from day_observations
    order by market_date, product_key, observed_at desc

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
        sum(sold_count) as sold_count_lower_bound,
        count(distinct shop_name) as shops,
        count(distinct partition_hour) as hours_observed
    from last_of_day
    group by market_date, source_name, category, currency_code

),

final as (

    select
        md5(market_date::text || '|' || source_name || '|' || category) as market_kpi_id,
        *
    from kpis

)

select * from final
