{#-
    Sell-outs and restocks: one row per change of a listing's availability between two of its
    observations. A listing first seen unavailable has no sell-out (none was observed), and its
    first restock has no hours_unavailable.

    Rebuilt per partition window. Lookbacks: each product's last observation before the window
    (landing (product_key, partition_hour) index) and, for a restock, its last sell-out before
    the window ((product_key, event_at) index), so the cost follows the window.
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(in_window('partition_hour')) }}",
        indexes=[
            {'columns': ['partition_hour']},
            {'columns': ['product_key', 'event_at']},
            {'columns': ['event_id'], 'unique': True},
        ],
        meta={'window_column': 'partition_hour'},
    )
}}

with

observations as not materialized (

    select * from {{ ref('stg_landing__product_observations') }}
    where is_available is not null

),

window_observations as (

    select product_key, source_name, source_product_id, source_variant_id, partition_hour, observed_at, is_available
    from observations
    where {{ in_window('partition_hour') }}

),

last_before_window as (

    select products.product_key, previous.partition_hour, previous.observed_at, previous.is_available
    from (select distinct product_key from window_observations) as products
    cross join lateral (
        select earlier.partition_hour, earlier.observed_at, earlier.is_available
        from observations as earlier
        where earlier.product_key = products.product_key
          and earlier.partition_hour < {{ window_start() }}
        order by earlier.partition_hour desc
        limit 1
    ) as previous

),

changes as (

    select *
    from (
        select
            window_observations.*,
            lag(is_available) over (partition by product_key order by partition_hour, observed_at) as was_available,
            true as is_in_window
        from (
            select product_key, source_name, source_product_id, source_variant_id, partition_hour, observed_at,
                   is_available
            from window_observations
            union all
            select product_key, null, null, null, partition_hour, observed_at, is_available
            from last_before_window
        ) as window_observations
    ) as sequenced
    where source_name is not null  -- the window's own rows
      and was_available is not null
      and is_available <> was_available

),

sold_out_before_window as (

    {% if is_incremental() %}
    select products.product_key, previous.event_at
    from (select distinct product_key from changes where is_available) as products
    cross join lateral (
        select events.event_at, events.event_type
        from {{ this }} as events
        where events.product_key = products.product_key
          and events.event_at < {{ window_start() }}
        order by events.event_at desc
        limit 1
    ) as previous
    where previous.event_type = 'sold_out'
    {% else %}
    select null::text as product_key, null::timestamptz as event_at where false
    {% endif %}

),

events as (

    select
        changes.*,
        case when changes.is_available then 'restocked' else 'sold_out' end as event_type,
        case
            when changes.is_available then coalesce(
                lag(changes.observed_at) over (partition by changes.product_key order by changes.observed_at),
                sold_out_before_window.event_at)
        end as sold_out_at
    from changes
    left join sold_out_before_window on sold_out_before_window.product_key = changes.product_key

),

final as (

    select
        md5(product_key || '|' || observed_at::text) as event_id,
        event_type,
        product_key,
        source_name,
        source_product_id,
        source_variant_id,
        observed_at as event_at,
        partition_hour,
        round(extract(epoch from observed_at - sold_out_at)::numeric / 3600, 2) as hours_unavailable
    from events

)

select * from final
