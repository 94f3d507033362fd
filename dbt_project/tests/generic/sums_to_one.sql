{#- Groups whose shares do not add up to 1 (within rounding). Groups where every share is null
    (nothing to share, e.g. no sold counts that day) are skipped. -#}
{% test sums_to_one(model, column_name, group_by, tolerance=0.0001) %}
    select {{ group_by | join(', ') }}, sum({{ column_name }}) as total
    from {{ model }}
    group by {{ group_by | join(', ') }}
    having count({{ column_name }}) > 0 and abs(sum({{ column_name }}) - 1) > {{ tolerance }}
{% endtest %}
