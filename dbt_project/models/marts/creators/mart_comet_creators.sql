{#-
    Comets: creators observed on a day with followers inside the comet band and at least one
    video observed that day with at least comet_min_video_views views (thresholds: dbt vars,
    bounds inclusive). One row per comet per day with its best qualifying video, ranked by
    7-day average daily follower growth.
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(in_window_date('comet_day')) }}",
        indexes=[{'columns': ['comet_day']}],
        meta={'window_column': 'comet_day', 'window_grain': 'day'},
    )
}}

with

creators as (

    select * from {{ ref('stg_landing__creator_observations') }}
    where {{ in_window_date('partition_date') }}
      and followers between {{ var('comet_min_followers') }} and {{ var('comet_max_followers') }}

),

videos as (

    select * from {{ ref('stg_landing__video_observations') }}
    where {{ in_window_date('partition_date') }}
      and views >= {{ var('comet_min_video_views') }}

),

best_video as (

    select distinct on (partition_date, creator_id)
        partition_date,
        creator_id,
        video_id,
        views,
        caption
    from videos
    order by partition_date, creator_id, views desc, video_id

),

velocity as (

    select * from {{ ref('mart_creator_growth_velocity') }}
    where {{ in_window_date('creator_day') }}

),

comets as (

    select
        creators.partition_date as comet_day,
        creators.creator_id,
        creators.handle,
        creators.nickname,
        creators.followers,
        best_video.video_id as qualifying_video_id,
        best_video.views as qualifying_video_views,
        best_video.caption as qualifying_video_caption,
        velocity.followers_growth_1d,
        velocity.avg_daily_growth_7d,
        velocity.growth_rate_pct_7d,
        velocity.acceleration
    from creators
    inner join best_video
        on best_video.creator_id = creators.creator_id and best_video.partition_date = creators.partition_date
    left join velocity
        on velocity.creator_id = creators.creator_id and velocity.creator_day = creators.partition_date

),

final as (

    select
        md5(creator_id || '|' || comet_day::text) as comet_id,
        *,
        rank() over (
            partition by comet_day
            order by avg_daily_growth_7d desc nulls last, qualifying_video_views desc, creator_id
        ) as velocity_rank
    from comets

)

select * from final
