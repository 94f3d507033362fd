with

source as (

    select * from {{ source('landing', 'creator_observations') }}

),

renamed as (

    select
        user_id as creator_id,
        sec_uid,
        handle,
        nickname,
        followers,
        following,
        hearts,
        videos as video_count,
        signature,
        avatar_url,
        partition_date,
        observed_at,
        snapshot_key
    from source

)

select * from renamed
