{#- One select, no CTEs, like stg_landing__product_observations: the view stays flattenable. -#}
select
    partition_hour,
    source_name,
    manifest_key,
    connector,
    pages,
    failed_pages,
    retries,
    snapshot_bytes,
    truncated,
    rows_staged,
    rows_quarantined
from {{ source('landing', 'product_scrapes') }}
