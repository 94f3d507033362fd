{{ config(meta={'window_column': 'detected_at'}) }}

{#- The message fields a reader needs, out of the jsonb the channels are built from. -#}
select
    alert_id,
    dedupe_key,
    rule_name,
    kind,
    channel_name,
    subject_key,
    message ->> 'title' as subject_title,
    message ->> 'source' as source_name,
    message ->> 'url' as subject_url,
    event_at,
    detected_at,
    partition_key,
    status,
    attempts,
    last_error,
    response_status,
    delivered_at
from {{ source('alerts', 'outbox') }}
