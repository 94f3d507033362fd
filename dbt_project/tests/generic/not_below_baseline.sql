{#- Rows where the column fell more than `max_drop` below its baseline column: a fill rate that
    dropped (a selector that stopped matching). Rows without a baseline are skipped. -#}
{% test not_below_baseline(model, column_name, baseline_column, max_drop) %}
    select {{ column_name }}, {{ baseline_column }} from {{ model }}
    where {{ baseline_column }} is not null and {{ column_name }} < {{ baseline_column }} - {{ max_drop }}
{% endtest %}
