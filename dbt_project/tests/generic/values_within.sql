{#-
    The listed numeric columns lie within [min_value, max_value] (either bound may be left out;
    nulls pass). One test, one scan of the window, per model; a failing row names its column
    and value. Used as <model>_non_negative (min 0) and <model>_fractions_in_0_1 (0 to 1).
-#}
{% test values_within(model, columns, min_value=none, max_value=none) %}
    select checked.column_name, checked.value
    from {{ model }}
    cross join lateral (
        values
        {%- for column in columns %}
            ('{{ column }}', {{ column }}::numeric){{ "," if not loop.last }}
        {%- endfor %}
    ) as checked (column_name, value)
    where false
        {%- if min_value is not none %} or checked.value < {{ min_value }}{% endif %}
        {%- if max_value is not none %} or checked.value > {{ max_value }}{% endif %}
{% endtest %}
