{#-
    What each video of the day mentions: its hashtags, the @handles in its caption, and brands:
    the config's brand dictionary plus the brands seen in product data, matched as whole words
    in the caption or as a hashtag (spaces dropped: #verdantskin).
-#}
{{
    config(
        incremental_strategy='append',
        pre_hook="{{ delete_where(in_window_date('partition_date')) }}",
        indexes=[{'columns': ['partition_date']}],
        meta={'window_column': 'partition_date', 'window_grain': 'day'},
    )
}}

with

videos as (

    select * from {{ ref('stg_landing__video_observations') }}
    where {{ in_window_date('partition_date') }}

),

known_brands as (

    select brand, alias from {{ ref('stg_landing__brand_aliases') }}
    union
    select brand, lower(brand) as alias
    from ({{ product_brand_listings() }}) as products

),

hashtag_mentions as (

    select videos.partition_date, videos.video_id, videos.creator_id, 'hashtag' as mention_type, tag as mention
    from videos
    cross join lateral unnest(videos.hashtags) as tag

),

handle_mentions as (

    select distinct videos.partition_date, videos.video_id, videos.creator_id, 'handle' as mention_type,
        lower(match[1]) as mention
    from videos
    cross join lateral regexp_matches(videos.caption, '@([A-Za-z0-9_.]+)', 'g') as match

),

brand_mentions as (

    select distinct videos.partition_date, videos.video_id, videos.creator_id, 'brand' as mention_type,
        known_brands.brand as mention
    from videos
    inner join known_brands
        on lower(videos.caption) ~ ('\m' || regexp_replace(known_brands.alias, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g') || '\M')
        or replace(known_brands.alias, ' ', '') = any(videos.hashtags)

),

final as (

    select * from hashtag_mentions
    union all
    select * from handle_mentions
    union all
    select * from brand_mentions

)

select * from final
