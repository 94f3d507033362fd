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
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
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
    """Run a job of the code location in this process (one partition or one range); exit on failure.

    Dagster's event stream (and dbt's output) goes to the run log file; the terminal gets one
    progress line for the run: steps done, elapsed, ETA.
    """
    import uuid

    tags = {"radar/trigger": f"{trigger} {what}"}
    if range_keys:
        tags |= {"dagster/asset_partition_range_start": range_keys[0], "dagster/asset_partition_range_end": range_keys[1]}
    job = location_definitions().resolve_job_def(job_name)
    run_id = str(uuid.uuid4())
    with run_progress(instance, run_id, what, len(job.graph.node_dict)), run_log_redirect():
        result = job.execute_in_process(instance=instance, partition_key=partition_key, tags=tags, run_id=run_id,
                                        raise_on_error=False)
    if not result.success:
        log = f"; Dagster's log: {RUN_LOG.path}" if RUN_LOG.path else ""
        raise SystemExit(f"[radar] {what} run {result.run_id} failed; open the Dagster UI to see why{log}")
    return result.run_id


class RunLog:
    """Where in-process runs write Dagster's event stream, so the terminal shows progress, not 700
    DEBUG lines. Unset (tests, library use), runs log to the console as usual."""

    path: Path | None = None

    def start(self, home: RadarHome, command: str) -> Path:
        home.logs.mkdir(parents=True, exist_ok=True)
        self.path = home.logs / f"{command}-{datetime.now(UTC):%Y%m%dT%H%M%S}.log"
        say(f"Dagster's event stream and dbt's output: {self.path}")
        return self.path


RUN_LOG = RunLog()


@contextmanager
def run_log_redirect() -> Iterator[None]:
    if RUN_LOG.path is None:
        yield
        return
    # Dagster's console logger and dbt write to sys.stderr/sys.stdout as they find them when a run
    # starts, so swapping both for the block catches every line; warnings go to the file too.
    with RUN_LOG.path.open("a", encoding="utf-8") as log, redirect_stdout(log), redirect_stderr(log):
        yield


@contextmanager
def run_progress(instance: dg.DagsterInstance, run_id: str, what: str, steps: int) -> Iterator[None]:
    """One line for a run: a live bar (steps done of about ``steps``, elapsed, ETA) on a terminal,
    a start and an end line otherwise."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(file=sys.__stdout__)
    started = time.monotonic()
    if not console.is_terminal:
        say(f"{what}: running ({steps} steps)")
        yield
        say(f"{what}: finished in {time.monotonic() - started:.0f}s")
        return
    stop = threading.Event()
    with Progress(SpinnerColumn(), TextColumn("[radar] {task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("steps"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                  console=console) as progress:
        task = progress.add_task(what, total=steps)

        def watch() -> None:
            while not stop.wait(1.0):
                with suppress(Exception):  # the run may not be stored yet
                    done = sum(1 for stat in instance.get_run_step_stats(run_id) if stat.end_time)
                    progress.update(task, completed=min(done, steps))

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            yield
        finally:
            stop.set()
            watcher.join()
            progress.update(task, completed=steps)


def start_partitions_at_the_data(earliest: datetime) -> None:
    """Partitions begin on the day the data begins (or the warehouse's first hour, if earlier), not at
    the config's fixed start, so the Dagster UI lists no thousands of partitions that can never exist."""
    warehouse = local_warehouse()
    if warehouse.query("select to_regclass('landing.product_observations')")[0][0] is not None:
        (first,) = warehouse.query("select min(partition_hour) from landing.product_observations")[0]
        earliest = min(earliest, first) if first else earliest
    os.environ[PARTITIONS_START_VARIABLE] = earliest.astimezone(UTC).strftime("%Y-%m-%dT00:00:00")


def port_holder(port: int) -> str | None:
    """Who listens on ``port`` on this machine: "pid 1234 (dagster-webserver ...)", if it can be told."""
    import psutil

    with suppress(psutil.Error, OSError):
        for connection in psutil.net_connections(kind="inet"):
            if connection.laddr and connection.laddr.port == port and connection.status == psutil.CONN_LISTEN:
                if connection.pid is None:
                    return "another user's process"
                process = psutil.Process(connection.pid)
                command = " ".join(process.cmdline()[:4]) or process.name()
                return f"pid {connection.pid} ({command[:120]})"
    return None


def ensure_port_free(port: int, what: str, option: str) -> None:
    """Exit with a useful message, naming the process that holds ``port``, instead of a traceback."""
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            holder = port_holder(port)
            raise SystemExit(f"[radar] port {port} for {what} is taken" + (f" by {holder}" if holder else "")
                             + f"; choose another with {option}") from None


def port_setting(variable: str, default: int) -> int:
    """A port from the environment (RADAR_UI_PORT, RADAR_DEMO_MARKET_PORT), else the default."""
    value = os.environ.get(variable)
    if not value:
        return default
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SystemExit(f"[radar] {variable}={value} is not a port number")
    return int(value)


def serve_ui(port: int, stops: str = "the UI and PostgreSQL") -> int:
    ensure_port_free(port, "the Dagster UI", "--ui-port or RADAR_UI_PORT")
    command = [os.path.join(os.path.dirname(sys.executable), "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port),
               "-w", str(PROJECT_ROOT / "workspace.yaml")]
    say(f"Dagster UI on http://127.0.0.1:{port}  (Ctrl-C stops {stops})")
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=os.environ.copy())
    try:
        return process.wait()
    except KeyboardInterrupt:
        # Ctrl-C is how a user stops the UI: everything it started is gone within seconds.
        stop_process_tree(process, grace_seconds=5)
        return 0


def stop_process_tree(process: subprocess.Popen, grace_seconds: float) -> None:
    """SIGINT (dagster dev then stops its webserver, daemon and code server), SIGTERM past the grace
    period, and SIGKILL for any descendant still alive a second later."""
    import psutil

    try:
        descendants = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        descendants = []
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=1)
    _, alive = psutil.wait_procs(descendants, timeout=1)
    for leftover in alive:
        with suppress(psutil.Error):
            leftover.kill()
    if process.poll() is None:
        process.kill()
        process.wait()
