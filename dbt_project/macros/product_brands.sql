{#- Product brands for the creator models: dim_products when the product marts exist (a
    creators-only deployment has none), else no rows. The ref() keeps the lineage either way. -#}
{% macro product_brand_listings() -%}
    {%- set dim_products = ref('dim_products') -%}
    {%- if execute and load_relation(dim_products) is not none -%}
        select brand, currency_code, latest_price from {{ dim_products }} where brand is not null
    {%- else -%}
        select null::text as brand, null::text as currency_code, null::numeric as latest_price where false
    {%- endif -%}
{%- endmacro %}
