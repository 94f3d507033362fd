{#- Rows whose column is not later than `than` (both set): an event that ends before it starts. -#}
{% test is_after(model, column_name, than) %}
    select {{ than }}, {{ column_name }} from {{ model }}
    where {{ column_name }} is not null and {{ than }} is not null and {{ column_name }} <= {{ than }}
{% endtest %}
