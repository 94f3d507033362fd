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
        meta={'window_column': 'partition_hour',
              'bi_scope': {'source': 'source_name', 'product': 'product_key'}},
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

    {{ last_before_window('observations', 'window_observations', 'partition_hour',
                          ['partition_hour', 'observed_at', 'is_available']) }}

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
    select product_key, event_at
    from ({{ last_before_window(this, '(select product_key from changes where is_available) as restocks', 'event_at',
                                ['event_at', 'event_type']) }}) as previous
    where event_type = 'sold_out'
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
