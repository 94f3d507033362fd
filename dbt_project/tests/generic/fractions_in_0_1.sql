{#- The listed columns are fractions: within [0, 1] (nulls pass). A failing row names its column and value. -#}
{% test fractions_in_0_1(model, columns) %}
    select checked.column_name, checked.value
    from {{ model }}
    cross join lateral (
        values
        {%- for column in columns %}
            ('{{ column }}', {{ column }}::numeric){{ "," if not loop.last }}
        {%- endfor %}
    ) as checked (column_name, value)
    where checked.value < 0 or checked.value > 1
{% endtest %}
