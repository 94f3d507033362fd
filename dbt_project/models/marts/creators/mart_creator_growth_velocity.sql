{#-
    Follower growth velocity per observed creator per day: 1-day growth, the 7-day average of
    daily growth (days with no growth figure are skipped, not counted as 0), the 7-day average
    growth rate in %, and acceleration: this week's average daily growth minus last week's.
    Looks back 13 days into fct_creator_daily.
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

daily as (

    select * from {{ ref('fct_creator_daily') }}
    where creator_day >= {{ window_start_date() }} - 13
      and creator_day <= {{ window_last_date() }}

),

windows as (

    select
        creator_id,
        creator_day,
        handle,
        is_observed,
        followers,
        followers_growth,
        avg(followers_growth) over this_week as avg_daily_growth_7d,
        avg(followers_growth_pct) over this_week as avg_growth_rate_pct_7d,
        count(followers_growth) over this_week as growth_days_7d,
        avg(followers_growth) over last_week as avg_daily_growth_prev_7d
    from daily
    window
        this_week as (partition by creator_id order by creator_day range between interval '6 days' preceding and current row),
        last_week as (partition by creator_id order by creator_day
                      range between interval '13 days' preceding and interval '7 days' preceding)

),

final as (

    select
        md5(creator_id || '|' || creator_day::text) as creator_day_id,
        creator_id,
        creator_day,
        handle,
        followers,
        followers_growth as followers_growth_1d,
        round(avg_daily_growth_7d, 2) as avg_daily_growth_7d,
        round(avg_growth_rate_pct_7d, 4) as growth_rate_pct_7d,
        growth_days_7d,
        round(avg_daily_growth_prev_7d, 2) as avg_daily_growth_prev_7d,
        round(avg_daily_growth_7d - avg_daily_growth_prev_7d, 2) as acceleration
    from windows
    where is_observed
      and {{ in_window_date('creator_day') }}

)

select * from final
