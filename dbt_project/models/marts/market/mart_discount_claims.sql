{#-
    The honest-discount check: one row per spell in which a listing claims a discount (the same
    claimed reference price, observation after observation), measured as the EU Omnibus rule
    (Directive 98/6/EC, Art. 6a) asks: against the lowest price of the 30 days before the claim
    started. Only observed prices count; days the warehouse did not observe the listing are not
    prices, and prior_days_observed says how many days the low stands on. A claim with no earlier
    observation (the listing claimed it when first seen) cannot be judged: is_misleading is null.

    A window run builds the claims starting in it and, for each product whose claim changed in it,
    updates the end of the claim open at the window start (the product's last claim change before
    the window). A claim's 30-day low is computed once, when it starts, reading at most 30 days of
    one product's hourly rows through the landing (product_key, partition_hour) index, and kept.
-#}
{{
    config(
        incremental_strategy='delete+insert',
        unique_key='claim_id',
        pre_hook="{{ delete_where(in_window('partition_hour')) }}",
        indexes=[
            {'columns': ['claim_id'], 'unique': True},
            {'columns': ['product_key', 'claim_started_at']},
            {'columns': ['partition_hour']},
        ],
        meta={'window_column': 'partition_hour',
              'bi_scope': {'source': 'source_name', 'product': 'product_key'}},
    )
}}

with

claim_changes as not materialized (

    select * from {{ ref('int_product_claims_changed') }}

),

observations as not materialized (

    select * from {{ ref('stg_landing__product_observations') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

products_in_window as (

    -- products whose claim changed in the window; every other claim stays as it is
    select distinct product_key
    from claim_changes
    where {{ in_window('partition_hour') }}

),

anchor_changes as (

    -- each product's last claim change before the window: the claim the window may end
    {{ last_before_window('claim_changes', 'products_in_window', 'changed_at') }}

),

later_changes as (

    -- the window's changes, and the ones after it that end its claims (a re-run of an old window)
    select *
    from claim_changes
    where claim_changes.changed_at >= {{ window_start() }}
      and claim_changes.product_key in (select product_key from products_in_window)

),

spells as (

    select
        *,
        lead(changed_at) over (partition by product_key order by changed_at) as claim_ended_at
    from (select * from anchor_changes union all select * from later_changes) as changes

),

claims as (

    -- the claim open at the window start (its end may change) and the claims starting in the window
    select spells.*, md5(spells.product_key || '|' || spells.changed_at::text) as claim_id
    from spells
    where spells.claimed_reference is not null
      and (spells.changed_at < {{ window_start() }} or {{ in_window('spells.partition_hour') }})

),

{% if is_incremental() %}
judged_before as (

    -- claims open at the window start keep the 30-day low computed when they started
    select existing.claim_id, existing.lowest_price_30d, existing.prior_days_observed
    from claims
    inner join {{ this }} as existing on existing.claim_id = claims.claim_id

),
{% endif %}

prior_prices as (

    select
        claims.product_key,
        claims.changed_at,
        min(earlier.price) as lowest_price_30d,
        count(distinct (earlier.partition_hour at time zone 'UTC')::date) as prior_days_observed
    from claims
    inner join observations as earlier
        on earlier.product_key = claims.product_key
       and earlier.partition_hour >= claims.partition_hour - interval '30 days'
       and earlier.partition_hour < claims.partition_hour
    {% if is_incremental() %}
    where claims.claim_id not in (select claim_id from judged_before)
    {% endif %}
    group by claims.product_key, claims.changed_at
    {% if is_incremental() %}
    union all
    select claims.product_key, claims.changed_at, judged_before.lowest_price_30d, judged_before.prior_days_observed
    from claims
    inner join judged_before on judged_before.claim_id = claims.claim_id
    {% endif %}

),

final as (

    select
        claims.claim_id,
        claims.product_key,
        products.source_name,
        products.source_product_id,
        products.source_variant_id,
        claims.changed_at as claim_started_at,
        claims.claim_ended_at,
        claims.partition_hour,
        claims.currency_code,
        claims.price as price_at_start,
        claims.claimed_reference as claimed_reference_price,
        claims.reference_is_derived,
        round((1 - claims.price / claims.claimed_reference) * 100, 2) as claimed_discount_pct,
        prior_prices.lowest_price_30d,
        coalesce(prior_prices.prior_days_observed, 0) as prior_days_observed,
        round((1 - claims.price / nullif(prior_prices.lowest_price_30d, 0)) * 100, 2) as discount_vs_30d_low_pct,
        case
            when prior_prices.lowest_price_30d is not null
            then claims.claimed_reference > prior_prices.lowest_price_30d * (1 + {{ var('claim_tolerance_pct') }} / 100.0)
        end as is_misleading
    from claims
    inner join products on products.product_key = claims.product_key
    left join prior_prices
        on prior_prices.product_key = claims.product_key
       and prior_prices.changed_at = claims.changed_at

)

select * from final
