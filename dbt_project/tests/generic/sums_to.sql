{#- Groups where the column's sum differs from the group's total (a column holding the same total on
    every row of the group), e.g. heatmap cells that do not cover every listing exactly once. -#}
{% test sums_to(model, column_name, total_column, group_by) %}
    select {{ group_by | join(', ') }}, sum({{ column_name }}) as summed, min({{ total_column }}) as total
    from {{ model }}
    group by {{ group_by | join(', ') }}
    having sum({{ column_name }}) <> min({{ total_column }}) or min({{ total_column }}) <> max({{ total_column }})
{% endtest %}
