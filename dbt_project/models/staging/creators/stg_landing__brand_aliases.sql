with

source as (

    select * from {{ source('landing', 'brand_aliases') }}

),

renamed as (

    select
        brand,
        lower(alias) as alias
    from source

)

select * from renamed
