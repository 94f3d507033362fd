{#-
    mart_discount_events rebuilds, for each product whose events the window may change, every event
    starting at or after one instant (rebuild_from). Both its pre-hook delete and its select use
    this list, computed from the price moves alone, so the two agree.

    The products: those that moved in the window, and those with a flash-sale drop in the
    flash_sale_max_hours before it (a provisional flash sale ends or expires without a move).
    The instant: flash_sale_max_hours before the window start (an open flash sale started after
    it), or earlier when a run of decreasing steps was going on into the window (a gradual
    discount starts at its run's first step). Closed events before that are left as they are.
-#}
{% macro discount_event_rebuilds(moves) -%}
    {%- set flash_horizon = window_start() ~ ' - ' ~ var('flash_sale_max_hours') ~ " * interval '1 hour'" -%}
    select candidates.product_key, least({{ flash_horizon }}, min(candidates.run_started_at)) as rebuild_from
    from (
        select moves.product_key, moves.run_started_at
        from {{ moves }} as moves
        where {{ in_window('moves.partition_hour') }}
        union all
        select moves.product_key, null
        from {{ moves }} as moves
        where moves.is_flash_drop
          and moves.changed_at >= {{ flash_horizon }}
          and moves.changed_at < {{ window_start() }}
        union all
        -- the run a product's first move in the window continues (its state before the window)
        select before.product_key, before.run_started_at
        from ({{ last_before_window(moves, '(select product_key from ' ~ moves ~ ' as moves where '
                                    ~ in_window('moves.partition_hour') ~ ') as moved', 'changed_at',
                                    ['run_started_at']) }}) as before
    ) as candidates
    group by candidates.product_key
{%- endmacro %}
