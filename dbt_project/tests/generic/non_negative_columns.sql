{#- The listed numeric columns are never below zero (nulls pass). A failing row names its column and value. -#}
{% test non_negative_columns(model, columns) %}
    select checked.column_name, checked.value
    from {{ model }}
    cross join lateral (
        values
        {%- for column in columns %}
            ('{{ column }}', {{ column }}::numeric){{ "," if not loop.last }}
        {%- endfor %}
    ) as checked (column_name, value)
    where checked.value < 0
{% endtest %}
