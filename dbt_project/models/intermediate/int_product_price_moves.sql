{#-
    Every price move (a change point with a previous price), classified for the event marts:
    its reference price (the median observed price of the reference_days before it), whether it
    is a step (a move of at least gradual_discount_min_step_pct either way; smaller moves are
    jitter) and a flash-sale drop, and the state of the run of decreasing steps it belongs to
    (`run_*`, carried over jitter).

    The run state needs the state before the window: one row per product, the product's last
    move before the window, read through the (product_key, changed_at) index. The reference
    reads at most reference_days of one product's hourly rows through the landing
    (product_key, partition_hour) index. So the cost follows the window's moves, not the history.
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

{%- set min_step_pct = var('gradual_discount_min_step_pct') -%}
{%- set flash_drop_pct = var('flash_sale_min_drop_pct') %}

with

observations as not materialized (

    select * from {{ ref('stg_landing__product_observations') }}

),

window_moves as (

    select
        product_key,
        partition_hour,
        changed_at,
        price,
        previous_price,
        currency_code,
        round((price - previous_price) / previous_price * 100, 4) as change_pct
    from {{ ref('int_product_prices_changed') }}
    where {{ in_window('partition_hour') }}
      and previous_price > 0

),

reference_prices as (

    select
        window_moves.product_key,
        window_moves.changed_at,
        percentile_cont(0.5) within group (order by earlier.price)::numeric(18, 4) as reference_price,
        count(*) as reference_hours
    from window_moves
    inner join observations as earlier
        on earlier.product_key = window_moves.product_key
       and earlier.partition_hour >= window_moves.partition_hour - {{ var('reference_days') }} * interval '1 day'
       and earlier.partition_hour < window_moves.partition_hour
    group by window_moves.product_key, window_moves.changed_at

),

classified as (

    select
        window_moves.*,
        reference_prices.reference_price,
        reference_prices.reference_hours,
        abs(window_moves.change_pct) >= {{ min_step_pct }} as is_step,
        coalesce(window_moves.change_pct <= -{{ flash_drop_pct }}
            and window_moves.price <= reference_prices.reference_price * (1 - {{ flash_drop_pct }} / 100.0), false)
            as is_flash_drop
    from window_moves
    -- a product seen again after more than reference_days away has no reference: no flash drop
    left join reference_prices
        on reference_prices.product_key = window_moves.product_key
       and reference_prices.changed_at = window_moves.changed_at

),

state_before_window as (

    {% if is_incremental() %}
    {{ last_before_window(this, 'window_moves', 'changed_at',
                          ['last_step_at', 'last_step_was_decrease', 'run_started_at', 'run_steps']) }}
    {% else %}
    select null::text as product_key, null::timestamptz as last_step_at, null::boolean as last_step_was_decrease,
           null::timestamptz as run_started_at, null::integer as run_steps
    where false
    {% endif %}

),

steps as (

    select
        classified.product_key,
        classified.changed_at,
        classified.change_pct < 0 as is_decrease,
        row_number() over product_steps as step_number,
        coalesce(lag(classified.changed_at) over product_steps, state_before_window.last_step_at) as previous_step_at,
        coalesce(lag(classified.change_pct < 0) over product_steps, state_before_window.last_step_was_decrease)
            as previous_step_was_decrease,
        state_before_window.run_started_at as run_started_before,
        state_before_window.run_steps as run_steps_before
    from classified
    left join state_before_window on state_before_window.product_key = classified.product_key
    where classified.is_step
    window product_steps as (partition by classified.product_key order by classified.changed_at)

),

runs as (

    -- A decrease continues the run when the step before it was a decrease within the gap; run 0
    -- of a product continues the run that was going on before the window.
    select
        *,
        sum(case when continues_run then 0 else 1 end)
            over (partition by product_key order by changed_at rows unbounded preceding) as run_number
    from (
        select
            steps.*,
            steps.is_decrease
                and coalesce(steps.previous_step_was_decrease, false)
                and steps.changed_at - steps.previous_step_at <= {{ var('gradual_discount_max_gap_days') }} * interval '1 day'
                as continues_run
        from steps
    ) as marked

),

step_states as (

    select
        product_key,
        step_number,
        changed_at as last_step_at,
        is_decrease as last_step_was_decrease,
        case
            when not is_decrease then null
            when run_number = 0 then run_started_before
            else min(changed_at) over run_steps
        end as run_started_at,
        case
            when not is_decrease then 0
            when run_number = 0 then run_steps_before + row_number() over run_steps
            else row_number() over run_steps
        end as run_steps
    from runs
    window run_steps as (partition by product_key, run_number order by changed_at)

),

final as (

    -- Each move carries the state after the latest step at or before it (the state before the
    -- window when none): jitter neither extends nor breaks a run.
    select
        moves.product_key,
        moves.partition_hour,
        moves.changed_at,
        moves.price,
        moves.previous_price,
        moves.currency_code,
        moves.change_pct,
        moves.reference_price,
        moves.reference_hours,
        moves.is_step,
        moves.is_flash_drop,
        coalesce(step_states.last_step_at, state_before_window.last_step_at) as last_step_at,
        coalesce(step_states.last_step_was_decrease, state_before_window.last_step_was_decrease)
            as last_step_was_decrease,
        case when moves.steps_so_far > 0 then step_states.run_started_at else state_before_window.run_started_at end
            as run_started_at,
        coalesce(case when moves.steps_so_far > 0 then step_states.run_steps else state_before_window.run_steps end, 0)
            as run_steps
    from (
        select
            classified.*,
            count(*) filter (where classified.is_step) over (
                partition by classified.product_key order by classified.changed_at rows unbounded preceding
            ) as steps_so_far
        from classified
    ) as moves
    left join step_states
        on step_states.product_key = moves.product_key
       and step_states.step_number = moves.steps_so_far
    left join state_before_window on state_before_window.product_key = moves.product_key

)

select * from final
