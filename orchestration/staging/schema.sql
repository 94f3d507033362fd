-- Landing tables written by the staging assets. Idempotent: safe to run before every load.
create schema if not exists landing;

create table if not exists landing.product_observations (
    partition_hour     timestamptz   not null,
    source_name        text          not null,
    source_kind        text          not null,
    snapshot_key       text          not null,
    observed_at        timestamptz   not null,
    product_key        text,
    source_product_id  text,
    source_variant_id  text,
    title              text,
    variant_title      text,
    brand              text,
    category           text,
    sku                text,
    product_url        text,
    price              numeric(18, 4),
    compare_at_price   numeric(18, 4),
    currency_code      text          not null,
    is_available       boolean,
    -- A compare-at price at or below the price is not a discount (FORMATS.md).
    discount_pct       numeric(6, 2) generated always as (
        case
            when compare_at_price > price and compare_at_price > 0 and price >= 0
            then round((1 - price / compare_at_price) * 100, 2)
        end
    ) stored
);
-- Added with the marketplace and JSON-LD connectors; `add column if not exists` upgrades older warehouses.
alter table landing.product_observations
    add column if not exists rating        numeric(3, 2),
    add column if not exists review_count  integer,
    add column if not exists sold_count    bigint,
    add column if not exists shop_name     text,
    add column if not exists shop_city     text,
    add column if not exists is_sponsored  boolean not null default false,
    add column if not exists sold_period   text,
    add column if not exists price_max     numeric(18, 4),
    add column if not exists compare_at_is_derived boolean not null default false;
create index if not exists product_observations_partition_idx
    on landing.product_observations (partition_hour);
drop index if exists landing.product_observations_product_time_idx;
-- The price-change lookback: a product's latest earlier partition.
create index if not exists product_observations_product_hour_idx
    on landing.product_observations (product_key, partition_hour);

-- One row per product source per hour: its snapshot's pages, failures, retries and bytes, and what
-- staging kept and quarantined from it (mart_scrape_health). Published with the hour's observations.
create table if not exists landing.product_scrapes (
    partition_hour    timestamptz  not null,
    source_name       text         not null,
    manifest_key      text         not null,
    connector         text         not null,
    pages             integer      not null,
    failed_pages      integer      not null,
    retries           integer      not null,
    snapshot_bytes    bigint       not null,
    truncated         boolean      not null,
    rows_staged       integer      not null,
    rows_quarantined  integer      not null
);
create index if not exists product_scrapes_partition_idx on landing.product_scrapes (partition_hour);

create table if not exists landing.quarantine (
    domain          text         not null,
    source_name     text         not null,
    partition_hour  timestamptz  not null,
    snapshot_key    text         not null,
    record_locator  text         not null,
    record          text         not null,
    reason          text         not null
);
create index if not exists quarantine_partition_idx
    on landing.quarantine (domain, partition_hour);

-- Creators (TikHub), one partition per UTC day. The day's rows are replaced in one transaction.
create table if not exists landing.creator_observations (
    partition_date  date         not null,
    snapshot_key    text         not null,
    observed_at     timestamptz  not null,
    user_id         text,
    sec_uid         text,
    handle          text,
    nickname        text,
    followers       bigint,
    following       bigint,
    hearts          bigint,
    videos          bigint,
    signature       text,
    avatar_url      text
);
create index if not exists creator_observations_partition_idx on landing.creator_observations (partition_date);
create index if not exists creator_observations_user_idx on landing.creator_observations (user_id, partition_date);

create table if not exists landing.video_observations (
    partition_date   date         not null,
    snapshot_key     text         not null,
    observed_at      timestamptz  not null,
    aweme_id         text,
    author_user_id   text,
    author_handle    text,
    caption          text,
    hashtags         text[]       not null,
    mentions         text[]       not null,
    created_at       timestamptz,
    play_count       bigint,
    digg_count       bigint,
    comment_count    bigint,
    share_count      bigint,
    collect_count    bigint,
    found_by         text[]       not null
);
create index if not exists video_observations_partition_idx on landing.video_observations (partition_date);

-- One row per configured hashtag or keyword per day: did it return data? (the coverage gate)
create table if not exists landing.creator_search_targets (
    partition_date  date     not null,
    target          text     not null,
    target_kind     text     not null,
    pages           integer  not null,
    videos          integer  not null,
    returned_data   boolean  not null,
    error           text
);

-- The config file's brand dictionary, for brand mentions in captions (replaced whole on each creator staging run).
create table if not exists landing.brand_aliases (
    brand  text  not null,
    alias  text  not null
);

-- Write-audit-publish. Staging writes each partition here, where no dbt model, lookback or BI role
-- looks; the gates audit these rows; publishing moves a batch whose every gate passed into landing
-- in one transaction (orchestration/warehouse/publication.py). A failed batch stays here, with its
-- audit results, until the partition is staged again.
-- A column added to a landing table above must be added to its pending twin here as well.
create schema if not exists landing_pending;
create table if not exists landing_pending.product_observations
    (like landing.product_observations including defaults including generated);
-- Columns added after the pending tables were first created.
alter table landing_pending.product_observations
    add column if not exists sold_period text,
    add column if not exists price_max numeric(18, 4),
    add column if not exists compare_at_is_derived boolean not null default false;
create index if not exists pending_product_observations_partition_idx
    on landing_pending.product_observations (partition_hour);
create table if not exists landing_pending.product_scrapes
    (like landing.product_scrapes including defaults);
create table if not exists landing_pending.creator_observations
    (like landing.creator_observations including defaults);
create index if not exists pending_creator_observations_partition_idx
    on landing_pending.creator_observations (partition_date);
create table if not exists landing_pending.video_observations
    (like landing.video_observations including defaults);
create index if not exists pending_video_observations_partition_idx
    on landing_pending.video_observations (partition_date);
create table if not exists landing_pending.creator_search_targets
    (like landing.creator_search_targets including defaults);

-- One row per staged, not yet published partition: which batch of pending rows it holds.
create table if not exists landing_pending.batches (
    domain           text         not null,
    partition_start  timestamptz  not null,
    batch_id         uuid         not null,
    staged_at        timestamptz  not null default now(),
    primary key (domain, partition_start)
);
-- Each gate's latest verdict per partition, and the batch it was given on.
create table if not exists landing_pending.audits (
    gate             text         not null,
    partition_start  timestamptz  not null,
    batch_id         uuid,
    passed           boolean      not null,
    result           text         not null,
    audited_at       timestamptz  not null default now(),
    primary key (gate, partition_start)
);

-- The alert outbox (orchestration/alerts), in its own schema so the BI role can be kept out of it.
-- Created with the landing tables so dbt's mart_alert_deliveries finds it on the very first build.
-- One row per alert ever detected; dedupe_key (rule, subject, event start) makes detection
-- idempotent (insert ... on conflict do nothing). Delivery claims rows with a lease.
create schema if not exists alerts;

create table if not exists alerts.outbox (
    alert_id         bigint generated always as identity primary key,
    dedupe_key       text          not null unique,
    rule_name        text          not null,
    kind             text          not null,
    channel_name     text          not null,
    subject_key      text          not null,
    event_at         timestamptz   not null,
    partition_key    text,
    detected_at      timestamptz   not null default now(),
    message          jsonb         not null,
    status           text          not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
    attempts         integer       not null default 0,
    next_attempt_at  timestamptz   not null default now(),
    claimed_by       text,
    claimed_until    timestamptz,
    last_error       text,
    response_status  integer,
    delivered_at     timestamptz
);
-- The sensor and the claim look only at rows still to send.
create index if not exists outbox_due on alerts.outbox (next_attempt_at) where status = 'pending';
create index if not exists outbox_detected_at on alerts.outbox (detected_at);
