{#-
    One row per product per price spell: [valid_from, valid_to), is_current on the open spell.

    A window run rebuilds the spells of products observed in the window, starting from their
    last change point before the window (the spell whose valid_to the window may close). The
    pre-hook removes those products' spells from the window start on; delete+insert on
    (product_key, valid_from) replaces the anchor spell. Change points after the window are
    included, so re-running an old partition re-links the spells that follow it.
-#}
{{
    config(
        incremental_strategy='delete+insert',
        unique_key=['product_key', 'valid_from'],
        pre_hook="{{ delete_where(
            'valid_from >= ' ~ window_start() ~ ' and product_key in (select product_key from '
            ~ ref('stg_landing__product_observations') ~ ' where ' ~ in_window('partition_hour') ~ ')'
        ) }}",
    )
}}

with

price_changes as (

    select * from {{ ref('int_product_prices_changed') }}

),

products_in_window as (

    select distinct product_key
    from {{ ref('stg_landing__product_observations') }}
    where {{ in_window('partition_hour') }}

),

rebuild_anchors as (

    select
        products_in_window.product_key,
        coalesce(anchor.changed_at, {{ window_start() }}) as rebuild_from
    from products_in_window
    left join lateral (
        select changed_at
        from price_changes
        where price_changes.product_key = products_in_window.product_key
          and price_changes.changed_at < {{ window_start() }}
        order by changed_at desc
        limit 1
    ) as anchor on true

),

changes_to_rebuild as (

    select price_changes.*
    from price_changes
    inner join rebuild_anchors
        on price_changes.product_key = rebuild_anchors.product_key
       and price_changes.changed_at >= rebuild_anchors.rebuild_from

),

spells as (

    select
        product_key,
        price,
        previous_price,
        currency_code,
        changed_at as valid_from,
        lead(changed_at) over (partition by product_key order by changed_at) as valid_to
    from changes_to_rebuild

),

final as (

    select
        md5(product_key || '|' || valid_from::text) as price_spell_id,
        product_key,
        price,
        previous_price,
        currency_code,
        valid_from,
        valid_to,
        valid_to is null as is_current
    from spells

)

select * from final
