{#-
    One row per creator per UTC day on a spine: every day a creator was observed, plus up to 7
    days after a sighting when it was not (counts NULL), so gaps are visible. Growth compares a
    day with the day before: NULL, not 0, when either day is missing. Each window rebuilds its
    days, looking back 7 days for the spine and 1 day for growth: cost does not grow with history.
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(in_window_date('creator_day')) }}",
        indexes=[{'columns': ['creator_day']}],
        meta={'window_column': 'creator_day', 'window_grain': 'day'},
    )
}}

with

observations as (

    select * from {{ ref('stg_landing__creator_observations') }}
    where partition_date >= {{ window_start_date() }} - 8
      and partition_date <= {{ window_last_date() }}

),

bounds as (

    select
        greatest(min(partition_date), {{ window_start_date() }}) as first_day,
        least(max(partition_date) + 7, {{ window_last_date() }}) as last_day
    from observations

),

spine as (

    select distinct
        observations.creator_id,
        days.day::date as creator_day
    from observations
    cross join bounds
    cross join lateral generate_series(
        greatest(observations.partition_date, bounds.first_day),
        least(observations.partition_date + 7, bounds.last_day),
        interval '1 day'
    ) as days (day)

),

daily as (

    select
        spine.creator_id,
        spine.creator_day,
        today.handle,
        today.nickname,
        today.followers,
        today.hearts,
        today.video_count,
        today.creator_id is not null as is_observed,
        yesterday.followers as previous_followers,
        yesterday.hearts as previous_hearts
    from spine
    left join observations as today
        on today.creator_id = spine.creator_id and today.partition_date = spine.creator_day
    left join observations as yesterday
        on yesterday.creator_id = spine.creator_id and yesterday.partition_date = spine.creator_day - 1

),

final as (

    select
        md5(creator_id || '|' || creator_day::text) as creator_day_id,
        creator_id,
        creator_day,
        handle,
        nickname,
        is_observed,
        followers,
        hearts,
        video_count,
        followers - previous_followers as followers_growth,
        case when previous_followers > 0
            then round((followers - previous_followers) * 100.0 / previous_followers, 4) end as followers_growth_pct,
        hearts - previous_hearts as hearts_growth,
        case when previous_hearts > 0
            then round((hearts - previous_hearts) * 100.0 / previous_hearts, 4) end as hearts_growth_pct
    from daily

)

select * from final
