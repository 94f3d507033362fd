{#-
    The lookback every incremental model needs: for each product in `products` (anything a FROM
    takes that has a product_key column), its last row of `relation` before the window, found by
    walking the (product_key, <order_column>) index backwards. Selects product_key and `columns` of
    that row (default: the whole row). One index probe per product in the window, however much
    history there is.
-#}
{% macro last_before_window(relation, products, order_column, columns=['*']) -%}
    select {% if columns == ['*'] %}previous.*{% else %}products.product_key, previous.*{% endif %}
    from (select distinct product_key from {{ products }}) as products
    cross join lateral (
        select {% for column in columns %}earlier.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
        from {{ relation }} as earlier
        where earlier.product_key = products.product_key
          and earlier.{{ order_column }} < {{ window_start() }}
        order by earlier.{{ order_column }} desc
        limit 1
    ) as previous
{%- endmacro %}

{#- The price a product had at `moment`: its fct_price_history spell starting last at or before it,
    through the (product_key, valid_from) index. A scalar subquery; null before the first spell. -#}
{% macro price_in_effect_at(spells, product_key, moment) -%}
    (select in_effect.price from {{ spells }} as in_effect
     where in_effect.product_key = {{ product_key }} and in_effect.valid_from <= {{ moment }}
     order by in_effect.valid_from desc
     limit 1)
{%- endmacro %}
