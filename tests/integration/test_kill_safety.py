"""Crash safety of write-audit-publish, measured: a restage SIGKILLed at random points leaves every
hour either wholly as it was or wholly restaged, and a re-run then gives the same tables as a run
that was never killed."""

import multiprocessing
import os
import random
import signal
import time
from datetime import UTC, datetime, timedelta

import dagster as dg
import psycopg

from orchestration.checks.gates import product_observations_gate
from orchestration.partitions import hourly_partitions
from orchestration.warehouse.postgres import WarehouseResource
from radar_demo.history import write_history
from tests.integration.test_product_pipeline import add_one_to_every_price
from tests.support import build_test_definitions, demo_config, range_tags, republish_shopify_snapshot

HOURS = [datetime(2026, 11, 20, 9, tzinfo=UTC) + timedelta(hours=i) for i in range(3)]
KEYS = [f"{h:%Y-%m-%d-%H}:00" for h in HOURS]
KILL_POINTS = 12
STEPS = [dg.AssetKey("staged_products"), dg.AssetKey("published_products"),
         dg.AssetKey("published_product_scrapes")]


def restage_in_child(defs) -> None:
    """The child's whole life: its own process group, so the kill takes everything it started."""
    os.setpgrp()
    job = defs.resolve_job_def("restage_products_job")
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), tags=range_tags(KEYS[0], KEYS[-1]),
                                    asset_selection=STEPS, raise_on_error=False)
    os._exit(0 if result.success else 1)


def restage_process(defs, kill_after: float | None = None) -> tuple[int, float]:
    """Run a restage of every hour in a forked process (killed after ``kill_after`` seconds if given);
    returns its exit code (-9 when killed) and how long it ran."""
    child = multiprocessing.get_context("fork").Process(target=restage_in_child, args=(defs,))
    started = time.monotonic()
    child.start()
    child.join(timeout=kill_after)
    if child.is_alive():
        os.killpg(child.pid, signal.SIGKILL)
        child.join()
    return child.exitcode, time.monotonic() - started


def hour_checksums(database_url: str) -> dict:
    """One checksum per published hour."""
    with psycopg.connect(database_url) as connection:
        published = dict(connection.execute(
            "select partition_hour, md5(string_agg(t::text, '|' order by t::text)) "
            "from landing.product_observations as t group by 1").fetchall())
    return published


def test_a_restage_killed_at_random_points_leaves_each_hour_wholly_old_or_wholly_new(database_url, lake, demo_market):
    config = demo_config("http://127.0.0.1:8765")
    write_history(lake, demo_market, config.product_sources, HOURS)
    defs = build_test_definitions(config, database_url, lake)
    exit_code, _ = restage_process(defs)  # the old snapshots, to completion
    assert exit_code == 0
    old = hour_checksums(database_url)
    assert set(old) == set(HOURS)
    # Forked children inherit what the parent imported: load GX here, so the kills land in the
    # restage itself and not in an import.
    gate = product_observations_gate(config)
    assert gate.run(WarehouseResource(database_url=database_url), hourly_partitions(HOURS[0]), HOURS).passed
    exit_code, duration = restage_process(defs)  # times a whole restage (old -> old, unchanged)
    assert exit_code == 0 and hour_checksums(database_url) == old

    for hour in HOURS:  # every hour now has a newer snapshot to restage
        republish_shopify_snapshot(lake, hour, "glow-lab", add_one_to_every_price)
    rng = random.Random(20261123)
    # Stratified over the whole run (parsing, COPY, the gate, the publish transaction); a run that
    # ends before its kill (runs vary in length) is replaced by another random point, until
    # KILL_POINTS runs were really killed.
    delays = [duration * (point + rng.random()) / KILL_POINTS for point in range(KILL_POINTS)]
    observed = []
    while delays and len(observed) < 3 * KILL_POINTS:
        delay = delays.pop(0)
        exit_code, _ = restage_process(defs, kill_after=delay)
        observed.append((delay, exit_code, hour_checksums(database_url)))
        if exit_code != -signal.SIGKILL:
            delays.append(rng.uniform(0, 0.9 * duration))

    assert restage_process(defs)[0] == 0  # the run that is never killed
    new = hour_checksums(database_url)
    assert all(new[hour] != old[hour] for hour in HOURS)
    for delay, _, state in observed:
        assert set(state) == set(HOURS), f"killed after {delay:.2f}s: an hour vanished"
        assert state in (old, new), f"killed after {delay:.2f}s: hours were left mixed or partial"
    killed = [state for _, exit_code, state in observed if exit_code == -signal.SIGKILL]
    assert len(killed) == KILL_POINTS, f"only {len(killed)} of {len(observed)} runs were killed before they ended"
    assert old in killed  # killed before publishing: readers kept the old hours
    print(f"restage {duration:.2f}s; killed at " + ", ".join(f"{delay:.2f}s" for delay, *_ in observed)
          + f": {sum(state == old for state in killed)} left the old hours, {sum(state == new for state in killed)} the new")

    assert restage_process(defs)[0] == 0  # and a re-run gives the same tables
    assert hour_checksums(database_url) == new
