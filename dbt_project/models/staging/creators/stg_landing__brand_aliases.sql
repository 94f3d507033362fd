{# The dictionary is replaced whole on each creator staging run: no window to test. #}
{{ config(meta={'window_column': none}) }}

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
