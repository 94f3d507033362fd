{#-
    The listed columns are never null. One test (one scan of the window) per model rather than one
    per column: each dbt test node costs a query and per-node overhead in every hourly build.
    A failing row names its column.
-#}
{% test not_null_columns(model, columns) %}
    select checked.column_name
    from {{ model }}
    cross join lateral (
        values
        {%- for column in columns %}
            ('{{ column }}', {{ column }} is null){{ "," if not loop.last }}
        {%- endfor %}
    ) as checked (column_name, is_null)
    where checked.is_null
{% endtest %}
