{#-
    Discount-claim change points: observations whose claimed reference price (the compare-at or
    original price shown above a lower price, or derived from a discount badge; null when the
    listing claims no discount) differs from the same product's previous observation, or that
    are its first. Rebuilt per partition window; the lookback is each product's last observation
    before the window, through the landing (product_key, partition_hour) index.
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

observations as not materialized (

    select
        product_key,
        partition_hour,
        observed_at,
        price,
        currency_code,
        case when is_discounted then compare_at_price end as claimed_reference,
        is_discounted and compare_at_is_derived as reference_is_derived
    from {{ ref('stg_landing__product_observations') }}

),

window_observations as (

    select * from observations
    where {{ in_window('partition_hour') }}
      and product_key is not null

),

last_observation_before_window as (

    {{ last_before_window('observations', 'window_observations', 'partition_hour') }}

),

sequenced as (

    select
        *,
        lag(claimed_reference) over product_observations as previous_reference,
        row_number() over product_observations as position
    from (
        select *, true as is_in_window from window_observations
        union all
        select *, false as is_in_window from last_observation_before_window
    ) as combined
    window product_observations as (partition by product_key order by partition_hour, observed_at)

),

final as (

    select
        product_key,
        partition_hour,
        observed_at as changed_at,
        price,
        currency_code,
        claimed_reference,
        reference_is_derived,
        previous_reference
    from sequenced
    where is_in_window
      and (position = 1 or claimed_reference is distinct from previous_reference)

)

select * from final
