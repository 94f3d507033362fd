{#-
    Price change points: observations whose price differs from the same product's previous
    observation (or that are its first). Rebuilt per partition window. The lookback is one row
    per product in the window (its last observation in an earlier partition), read through the
    landing (product_key, partition_hour) index, so the cost follows the window, not the history.
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(in_window('partition_hour')) }}",
        indexes=[
            {'columns': ['partition_hour']},
            {'columns': ['product_key', 'changed_at']},
            {'columns': ['changed_at']},
        ],
        meta={'window_column': 'partition_hour'},
    )
}}

with

-- `not materialized`: referenced twice, a plain CTE would be materialized whole (all of
-- history) and scanned once per product; inlined, each reference uses the landing indexes.
observations as not materialized (

    select * from {{ ref('stg_landing__product_observations') }}

),

window_observations as (

    select product_key, partition_hour, observed_at, price, currency_code
    from observations
    where {{ in_window('partition_hour') }}

),

last_observation_before_window as (

    -- a product has one row per partition (the gate checks it): the index alone orders them
    {{ last_before_window('observations', 'window_observations', 'partition_hour',
                          ['partition_hour', 'observed_at', 'price', 'currency_code']) }}

),

sequenced as (

    select
        *,
        lag(price) over (partition by product_key order by partition_hour, observed_at) as previous_price
    from (
        select *, true as is_in_window from window_observations
        union all
        select *, false as is_in_window from last_observation_before_window
    ) as combined

),

final as (

    select
        product_key,
        partition_hour,
        observed_at as changed_at,
        price,
        previous_price,
        currency_code,
        case
            when previous_price > 0 then round((price - previous_price) / previous_price * 100, 2)
        end as price_change_pct
    from sequenced
    where is_in_window
      and (previous_price is null or price <> previous_price)

)

select * from final
