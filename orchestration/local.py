"""Running Commerce Radar on one machine: embedded PostgreSQL, a local lake, Dagster in this process.

Shared by the `radar` commands and by command plugins (the demo's `radar demo` and `radar simulate`):
start or reuse the warehouse, point Dagster's storage at it, run a job of the code location in
this process, and serve the Dagster UI.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from orchestration.config import PARTITIONS_START_VARIABLE, PROJECT_ROOT
from orchestration.environment import RadarHome, write_dagster_yaml
from orchestration.warehouse.postgres import WarehouseResource

if TYPE_CHECKING:
    import dagster as dg


def say(message: str) -> None:
    print(f"[radar] {message}", flush=True)


def current_hour(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)


def contiguous_ranges(hours: list[datetime]) -> Iterator[tuple[datetime, datetime]]:
    """(first, last) of each run of consecutive hours."""
    run_start = previous = None
    for hour in sorted(hours):
        if previous is not None and hour - previous != timedelta(hours=1):
            yield run_start, previous
            run_start = None
        run_start = run_start or hour
        previous = hour
    if run_start is not None:
        yield run_start, previous


def dagster_storage_url(url: str) -> str:
    """dagster-postgres speaks psycopg2; SQLAlchemy would pick psycopg 3 for a bare postgresql://."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


@contextmanager
def local_runtime(home: RadarHome) -> Iterator[RadarHome]:
    """Point everything at the embedded defaults unless the environment says otherwise, for the block.

    Uses ``RADAR_DATABASE_URL`` when set, else starts the embedded PostgreSQL (data in
    ``<home>/pgdata``) and stops it on the way out; the lake defaults to ``<home>/lake`` and
    Dagster's instance to ``<home>/dagster_home``, its runs and events in PostgreSQL.
    """
    os.environ.setdefault("RADAR_LAKE_DIR", str(home.lake))
    os.environ["DAGSTER_HOME"] = str(home.dagster_home)
    write_dagster_yaml(home.dagster_home)
    if os.environ.get("RADAR_DATABASE_URL"):
        dagster_url = os.environ.get("RADAR_DAGSTER_DATABASE_URL") or os.environ["RADAR_DATABASE_URL"]
        os.environ["RADAR_DAGSTER_DATABASE_URL"] = dagster_storage_url(dagster_url)
        say("warehouse: RADAR_DATABASE_URL (from the environment)")
        yield home
        return
    from orchestration.warehouse.embedded import start_embedded_postgres, stop_embedded_postgres

    urls = start_embedded_postgres(home.pgdata)
    os.environ["RADAR_DATABASE_URL"] = urls["radar"]
    os.environ["RADAR_DAGSTER_DATABASE_URL"] = dagster_storage_url(urls["dagster"])
    say(f"warehouse: embedded PostgreSQL, data in {home.pgdata}")
    try:
        yield home
    finally:
        stop_embedded_postgres(home.pgdata)
        say("embedded PostgreSQL stopped")


def local_warehouse() -> WarehouseResource:
    """The warehouse of the local runtime (embedded or RADAR_DATABASE_URL), for direct queries."""
    return WarehouseResource(database_url=os.environ["RADAR_DATABASE_URL"])


@functools.cache
def location_definitions() -> dg.Definitions:
    """The code location's Definitions, built once per process (they parse config and dbt)."""
    from orchestration.definitions import defs

    return defs()


def run_or_exit(instance: dg.DagsterInstance, job_name: str, what: str, partition_key: str | None = None,
                range_keys: tuple[str, str] | None = None, trigger: str = "radar") -> str:
    """Run a job of the code location in this process (one partition or one range); exit on failure."""
    tags = {"radar/trigger": f"{trigger} {what}"}
    if range_keys:
        tags |= {"dagster/asset_partition_range_start": range_keys[0], "dagster/asset_partition_range_end": range_keys[1]}
    result = location_definitions().resolve_job_def(job_name).execute_in_process(
        instance=instance, partition_key=partition_key, tags=tags, raise_on_error=False)
    if not result.success:
        raise SystemExit(f"[radar] {what} run {result.run_id} failed; open the Dagster UI to see why")
    return result.run_id


def start_partitions_at_the_data(earliest: datetime) -> None:
    """Partitions begin on the day the data begins (or the warehouse's first hour, if earlier), not at
    the config's fixed start, so the Dagster UI lists no thousands of partitions that can never exist."""
    warehouse = local_warehouse()
    if warehouse.query("select to_regclass('landing.product_observations')")[0][0] is not None:
        (first,) = warehouse.query("select min(partition_hour) from landing.product_observations")[0]
        earliest = min(earliest, first) if first else earliest
    os.environ[PARTITIONS_START_VARIABLE] = earliest.astimezone(UTC).strftime("%Y-%m-%dT00:00:00")


def serve_ui(port: int, stops: str = "the UI and PostgreSQL") -> int:
    command = [os.path.join(os.path.dirname(sys.executable), "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port),
               "-w", str(PROJECT_ROOT / "workspace.yaml")]
    say(f"Dagster UI on http://127.0.0.1:{port}  (Ctrl-C stops {stops})")
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=os.environ.copy())
    try:
        return process.wait()
    except KeyboardInterrupt:
        # Ctrl-C is how a user stops the UI: shut dagster dev down and exit cleanly.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait()
        return 0
