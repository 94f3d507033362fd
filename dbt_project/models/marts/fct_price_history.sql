{#-
    One row per product per price spell: [valid_from, valid_to), is_current on the open spell.

    A window run rebuilds the spells of the products observed in the window, from each one's
    last change point before the window (the spell whose valid_to the window may close) on.
    The pre-hook deletes exactly those spells: the products' spells still open at the window
    start or starting after it. Change points after the window are included, so re-running an
    old partition re-links the spells that follow it. Every lookup goes through an index (the
    anchor per product, the window's change points by changed_at, the pre-hook's spells by
    product_key), so the cost follows the window, not the history. (product_key, price) serves
    mart_price_movers' all-time low.
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(
            '(valid_to is null or valid_to >= ' ~ window_start() ~ ') and product_key in (select product_key from '
            ~ ref('stg_landing__product_observations') ~ ' where ' ~ in_window('partition_hour') ~ ')'
        ) }}",
        indexes=[
            {'columns': ['product_key', 'valid_from'], 'unique': True},
            {'columns': ['valid_from']},
            {'columns': ['product_key', 'price']},
        ],
        meta={'window_column': 'valid_from',
              'bi_scope': {'product': 'product_key'}},
    )
}}

with

-- `not materialized`: referenced twice, a plain CTE would be materialized whole.
price_changes as not materialized (

    select * from {{ ref('int_product_prices_changed') }}

),

observations as (

    select * from {{ ref('stg_landing__product_observations') }}

),

products_in_window as (

    select distinct product_key
    from observations
    where {{ in_window('partition_hour') }}

),

anchor_changes as (

    -- each product's last change point before the window: the spell the window may close
    {{ last_before_window('price_changes', 'products_in_window', 'changed_at') }}

),

later_changes as (

    -- the window's change points, and on a re-run of an old window every later one
    select *
    from price_changes
    where price_changes.changed_at >= {{ window_start() }}
      and price_changes.product_key in (select product_key from products_in_window)

),

changes_to_rebuild as (

    select * from anchor_changes
    union all
    select * from later_changes

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
