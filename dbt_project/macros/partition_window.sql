{#-
    The run's partition window. Dagster passes it in the environment (RADAR_WINDOW_START and
    RADAR_WINDOW_END, see orchestration/assets/dbt.py), read only when a node executes: vars that
    change every hour would make dbt re-parse the whole project on every run (about 3 s), while
    env vars read at execution time leave the saved parse valid. A hand-run `dbt build --vars
    '{"window_start": ..., "window_end": ...}'` still works, and without either the window is all time.
-#}
{% macro window_start() -%}
    '{{ env_var("RADAR_WINDOW_START", var("window_start")) if execute else var("window_start") }}'::timestamptz
{%- endmacro %}

{% macro window_end() -%}
    '{{ env_var("RADAR_WINDOW_END", var("window_end")) if execute else var("window_end") }}'::timestamptz
{%- endmacro %}

{#- Rows of a partition-keyed table inside the window. -#}
{% macro in_window(column) -%}
    ({{ column }} >= {{ window_start() }} and {{ column }} < {{ window_end() }})
{%- endmacro %}

{#- Pre-hook: delete what this run rebuilds, so a re-run replaces rather than appends.
    Runs only when the table exists (an incremental run). -#}
{% macro delete_where(predicate) -%}
    {% if is_incremental() %}
        delete from {{ this }} where {{ predicate }}
    {% endif %}
{%- endmacro %}

{#- Daily tables: the UTC dates the window touches (a daily partition is exactly one date; an
    hourly window touches the date it falls on). -#}
{% macro window_start_date() -%}
    ({{ window_start() }} at time zone 'UTC')::date
{%- endmacro %}

{% macro window_last_date() -%}
    (({{ window_end() }} - interval '1 microsecond') at time zone 'UTC')::date
{%- endmacro %}

{% macro in_window_date(column) -%}
    ({{ column }} >= {{ window_start_date() }} and {{ column }} <= {{ window_last_date() }})
{%- endmacro %}
