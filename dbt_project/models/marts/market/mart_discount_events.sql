{#-
    Flash sales and gradual discounts, one row per event, found in the classified price moves.

    Flash sale: one drop of at least flash_sale_min_drop_pct that leaves the price at least that
    far below its reference price (the median of the reference_days before), back above that
    line within flash_sale_max_hours. While it has not come back it is listed as ongoing
    (ended_at null) until flash_sale_max_hours have passed; then it is a price cut and the row is
    withdrawn. Gradual discount: a run of at least gradual_discount_min_steps decreasing steps,
    each within gradual_discount_max_gap_days of the one before; it ends at the next step up.
    Jitter (moves smaller than a step) neither makes nor breaks either.

    An event is listed from the run that detects it and updated in place (same event_id) as it
    grows or ends; its tests run in the window it was detected in (window_column detected_at: a
    gradual discount starts days before it is detectable). A window run rebuilds the events of the products listed by
    discount_event_rebuilds() from their rebuild instant on (macros/discount_events.sql), reading
    those products' moves since then through the (product_key, changed_at) index.
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(
            '(product_key, started_at) in (select events.product_key, events.started_at from ' ~ this
            ~ ' as events inner join (' ~ discount_event_rebuilds(ref('int_product_price_moves'))
            ~ ') as rebuilds on rebuilds.product_key = events.product_key and events.started_at >= rebuilds.rebuild_from)'
        ) }}",
        indexes=[
            {'columns': ['event_id'], 'unique': True},
            {'columns': ['product_key', 'started_at']},
            {'columns': ['detected_at']},
        ],
        meta={'window_column': 'detected_at',
              'bi_scope': {'source': 'source_name', 'product': 'product_key'}},
    )
}}

{%- set flash_drop_pct = var('flash_sale_min_drop_pct') -%}
{%- set flash_max_hours = var('flash_sale_max_hours') %}

with

moves as not materialized (

    select * from {{ ref('int_product_price_moves') }}

),

observations as not materialized (

    select * from {{ ref('stg_landing__product_observations') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

rebuilds as (

    {{ discount_event_rebuilds('moves') }}

),

moves_to_scan as (

    select moves.*, rebuilds.rebuild_from
    from rebuilds
    inner join moves
        on moves.product_key = rebuilds.product_key
       and moves.changed_at >= rebuilds.rebuild_from

),

latest_observations as (

    -- how far each product's data goes: an open flash sale is judged as of then (or the window end)
    select rebuilds.product_key, latest.partition_hour + interval '1 hour' as observed_until
    from rebuilds
    cross join lateral (
        select observations.partition_hour
        from observations
        where observations.product_key = rebuilds.product_key
        order by observations.partition_hour desc
        limit 1
    ) as latest

),

flash_sales as (

    select
        drops.product_key,
        'flash_sale' as event_type,
        drops.changed_at as started_at,
        drops.changed_at as detected_at,
        recovery.changed_at as ended_at,
        drops.reference_price,
        (select min(during.price) from moves_to_scan as during
         where during.product_key = drops.product_key
           and during.changed_at >= drops.changed_at
           and during.changed_at < coalesce(recovery.changed_at, 'infinity')) as lowest_price,
        null::integer as steps,
        drops.currency_code,
        greatest({{ window_end() }}, latest_observations.observed_until) as judged_until
    from moves_to_scan as drops
    left join latest_observations on latest_observations.product_key = drops.product_key
    left join lateral (
        select later.changed_at
        from moves_to_scan as later
        where later.product_key = drops.product_key
          and later.changed_at > drops.changed_at
          and later.price > drops.reference_price * (1 - {{ flash_drop_pct }} / 100.0)
        order by later.changed_at
        limit 1
    ) as recovery on true
    where drops.is_flash_drop

),

gradual_runs as (

    select
        product_key,
        run_started_at,
        max(run_steps) as steps,
        min(changed_at) filter (where run_steps = {{ var('gradual_discount_min_steps') }}) as detected_at
    from moves_to_scan
    where run_steps > 0
      and run_started_at >= rebuild_from
    group by product_key, run_started_at
    having max(run_steps) >= {{ var('gradual_discount_min_steps') }}

),

gradual_discounts as (

    select
        runs.product_key,
        'gradual_discount' as event_type,
        runs.run_started_at as started_at,
        runs.detected_at,
        revert.changed_at as ended_at,
        first_step.reference_price,
        (select min(during.price) from moves_to_scan as during
         where during.product_key = runs.product_key
           and during.changed_at >= runs.run_started_at
           and during.changed_at < coalesce(revert.changed_at, 'infinity')) as lowest_price,
        runs.steps,
        first_step.currency_code
    from gradual_runs as runs
    inner join moves_to_scan as first_step
        on first_step.product_key = runs.product_key
       and first_step.changed_at = runs.run_started_at
    left join lateral (
        select later.changed_at
        from moves_to_scan as later
        where later.product_key = runs.product_key
          and later.changed_at > runs.run_started_at
          and later.is_step
          and later.change_pct > 0
        order by later.changed_at
        limit 1
    ) as revert on true

),

events as (

    select product_key, event_type, started_at, detected_at, ended_at, reference_price, lowest_price, steps,
           currency_code
    from flash_sales
    where (ended_at is not null and ended_at - started_at <= {{ flash_max_hours }} * interval '1 hour')
       or (ended_at is null and judged_until - started_at <= {{ flash_max_hours }} * interval '1 hour')
    union all
    select product_key, event_type, started_at, detected_at, ended_at, reference_price, lowest_price, steps,
           currency_code
    from gradual_discounts

),

final as (

    select
        md5(events.product_key || '|' || events.event_type || '|' || events.started_at::text) as event_id,
        events.event_type,
        events.product_key,
        products.source_name,
        products.source_product_id,
        products.source_variant_id,
        events.started_at,
        events.detected_at,
        events.ended_at,
        events.reference_price,
        events.lowest_price,
        round((1 - events.lowest_price / nullif(events.reference_price, 0)) * 100, 2) as depth_pct,
        events.steps,
        events.currency_code
    from events
    inner join products on products.product_key = events.product_key

)

select * from final
