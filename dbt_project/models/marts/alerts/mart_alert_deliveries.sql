{{ config(materialized='view', meta={'window_column': 'detected_at'}) }}

{#-
    Every alert with its delivery outcome: what fired, for what, where it went, and whether it
    arrived. Dead letters (is_dead_letter) keep their last error. A view: always as current as
    the outbox, nothing to rebuild per hour.
-#}
with

outbox as (
    select * from {{ ref('stg_alerts__outbox') }}
),

deliveries as (
    select
        alert_id,
        rule_name,
        kind,
        channel_name,
        subject_key,
        subject_title,
        source_name,
        subject_url,
        event_at,
        detected_at,
        status,
        attempts,
        status = 'dead' as is_dead_letter,
        last_error,
        response_status,
        delivered_at,
        extract(epoch from delivered_at - detected_at) / 60.0 as minutes_to_deliver
    from outbox
)

select * from deliveries
