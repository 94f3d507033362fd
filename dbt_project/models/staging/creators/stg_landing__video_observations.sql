with

source as (

    select * from {{ source('landing', 'video_observations') }}

),

renamed as (

    select
        aweme_id as video_id,
        author_user_id as creator_id,
        author_handle,
        caption,
        hashtags,
        mentions,
        created_at as posted_at,
        play_count as views,
        digg_count as likes,
        comment_count as comments,
        share_count as shares,
        collect_count as saves,
        found_by,
        partition_date,
        observed_at,
        snapshot_key
    from source

)

select * from renamed
