{#-
    dbt tests on a partitioned model check only the run's window, so an hourly run's test cost
    stays flat as history grows. A model opts in by naming its window column in its meta:
    `window_column` (a timestamptz, or a date with `window_grain: day`). An explicit `where` on a
    test wins. A hand-run `dbt build` without vars has the all-time window and tests everything.
-#}
{% macro postgres__get_where_subquery(relation) -%}
    {%- set where = config.get('where') or test_window_predicate(relation) -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{% macro test_window_predicate(relation) -%}
    {%- if not execute or relation is string -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.schema == relation.schema and node.alias == relation.identifier -%}
        {%- set meta = node.config.meta or {} -%}
        {%- if meta.get('window_column') and meta.get('window_grain') == 'day' -%}
            {%- do return(in_window_date(meta['window_column'])) -%}
        {%- elif meta.get('window_column') -%}
            {%- do return(in_window(meta['window_column'])) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return(none) -%}
{%- endmacro %}
