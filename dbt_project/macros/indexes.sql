{#-
    Indexes for the lookbacks and pre-hook deletes of incremental models, declared with the
    dbt-postgres `indexes` config. dbt creates declared indexes only when it creates a table;
    naming them after their table and columns lets the post-hook below add the ones an existing
    warehouse lacks (an upgrade) with `if not exists`, instead of leaving old tables unindexed.
-#}
{% macro postgres__get_create_index_sql(relation, index_dict) -%}
    {%- set index_config = adapter.parse_index(index_dict) -%}
    {%- set index_name = (relation.identifier ~ '__' ~ (index_config.columns | join('__'))
                          ~ ('__unique' if index_config.unique else '') ~ '_idx')[:63] -%}
    create {% if index_config.unique %}unique {% endif %}index if not exists "{{ index_name }}"
    on {{ relation }} {% if index_config.type %}using {{ index_config.type }} {% endif %}
    ({{ index_config.columns | join(', ') }});
{%- endmacro %}

{% macro create_declared_indexes() -%}
    {%- if is_incremental() -%}
        {%- for index in config.get('indexes', []) -%}
            {{ get_create_index_sql(this, index) }}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
