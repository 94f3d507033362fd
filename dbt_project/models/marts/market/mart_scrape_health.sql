{#-
    Scrape health per source per hour: the early warning that a site changed. Rows published
    against the source's trailing median, how many rows lack each optional field (a selector that
    drifted shows as a falling fill rate), the quarantine rate, retries, failed pages and snapshot
    bytes. The baselines are the medians of the source's own hours in the health_trailing_days
    before; a non-blocking test warns when a fill rate falls more than fill_rate_max_drop below
    its baseline.

    A window run builds its hours; the baselines read at most health_trailing_days of the source's
    earlier rows of this table through its (source_name, partition_hour) index.
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(in_window('partition_hour')) }}",
        indexes=[
            {'columns': ['partition_hour']},
            {'columns': ['source_name', 'partition_hour'], 'unique': True},
        ],
        meta={'window_column': 'partition_hour',
              'bi_scope': {'source': 'source_name'}},
    )
}}

{%- set fields = ['rating', 'sold_count', 'compare_at_price', 'brand', 'shop_name'] %}

with

scrapes as (

    select * from {{ ref('stg_landing__product_scrapes') }}
    where {{ in_window('partition_hour') }}

),

observed as (

    select
        source_name,
        partition_hour,
        count(*) as rows_published,
        {% for field in fields %}
        round(avg(case when {{ field }} is not null then 1.0 else 0.0 end), 4) as {{ field }}_fill_rate{{ ',' if not loop.last }}
        {% endfor %}
    from {{ ref('stg_landing__product_observations') }}
    where {{ in_window('partition_hour') }}
    group by source_name, partition_hour

),

hours as (

    select
        scrapes.source_name,
        scrapes.partition_hour,
        scrapes.connector,
        coalesce(observed.rows_published, 0) as rows_published,
        scrapes.rows_quarantined,
        round(scrapes.rows_quarantined::numeric / nullif(scrapes.rows_staged + scrapes.rows_quarantined, 0), 4)
            as quarantine_rate,
        scrapes.pages,
        scrapes.failed_pages,
        scrapes.retries,
        scrapes.snapshot_bytes,
        scrapes.truncated,
        {% for field in fields %}
        observed.{{ field }}_fill_rate{{ ',' if not loop.last }}
        {% endfor %}
    from scrapes
    left join observed
        on observed.source_name = scrapes.source_name
       and observed.partition_hour = scrapes.partition_hour

),

earlier_hours as (

    -- the baseline: this table's earlier hours of the same sources, and the window's own
    select source_name, partition_hour, rows_published,
        {% for field in fields %}{{ field }}_fill_rate{{ ',' if not loop.last }}{% endfor %}
    from hours
    {% if is_incremental() %}
    union all
    select source_name, partition_hour, rows_published,
        {% for field in fields %}{{ field }}_fill_rate{{ ',' if not loop.last }}{% endfor %}
    from {{ this }}
    where source_name in (select source_name from hours)
      and partition_hour >= {{ window_start() }} - {{ var('health_trailing_days') }} * interval '1 day'
      and partition_hour < {{ window_start() }}
    {% endif %}

),

baselines as (

    select
        hours.source_name,
        hours.partition_hour,
        count(earlier_hours.partition_hour) as baseline_hours,
        percentile_cont(0.5) within group (order by earlier_hours.rows_published) as rows_trailing_median,
        {% for field in fields %}
        percentile_cont(0.5) within group (order by earlier_hours.{{ field }}_fill_rate)
            as {{ field }}_fill_rate_baseline{{ ',' if not loop.last }}
        {% endfor %}
    from hours
    left join earlier_hours
        on earlier_hours.source_name = hours.source_name
       and earlier_hours.partition_hour >= hours.partition_hour - {{ var('health_trailing_days') }} * interval '1 day'
       and earlier_hours.partition_hour < hours.partition_hour
    group by hours.source_name, hours.partition_hour

),

final as (

    select
        md5(hours.source_name || '|' || hours.partition_hour::text) as scrape_health_id,
        hours.*,
        baselines.baseline_hours,
        baselines.rows_trailing_median::numeric(12, 1) as rows_trailing_median,
        round(hours.rows_published / nullif(baselines.rows_trailing_median, 0)::numeric, 4) as rows_vs_trailing_median,
        {% for field in fields %}
        round(baselines.{{ field }}_fill_rate_baseline::numeric, 4) as {{ field }}_fill_rate_baseline{{ ',' if not loop.last }}
        {% endfor %}
    from hours
    inner join baselines
        on baselines.source_name = hours.source_name
       and baselines.partition_hour = hours.partition_hour

)

select * from final
