"""Ctrl-C on `radar ui` stops everything it started (Dagster's webserver, daemon and code server,
and the embedded PostgreSQL) within 10 seconds, the way a terminal sends it: SIGINT to the
whole foreground process group."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

from radar_demo import DEMO_CONFIG_PATH
from tests.integration.conftest import free_port
from tests.support import PROJECT_ROOT


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.25)


def serving(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_ctrl_c_stops_the_ui_its_dagster_processes_and_postgres_within_10_seconds(tmp_path):
    port = free_port()
    env = {**os.environ, "RADAR_HOME": str(tmp_path / "home"), "RADAR_CONFIG": str(DEMO_CONFIG_PATH)}
    env.pop("RADAR_DATABASE_URL", None)
    radar = subprocess.Popen([str(Path(sys.executable).parent / "radar"), "ui", "--ui-port", str(port)],
                             cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    try:
        wait_until(lambda: serving(port) or radar.poll() is not None, 180, "the Dagster UI")
        assert radar.poll() is None, radar.stdout.read().decode()[-3000:]
        # dagster dev's children: webserver, daemon, code server; and the postmaster (its own session).
        children = psutil.Process(radar.pid).children(recursive=True)
        names = " ".join(" ".join(child.cmdline()) for child in children)
        assert "dagster-webserver" in names or "dagster_webserver" in names, names
        assert "dagster-daemon" in names or "daemon" in names, names
        postmaster_pid = int((tmp_path / "home" / "pgdata" / "postmaster.pid").read_text().split()[0])
        watched = [*children, psutil.Process(postmaster_pid)]

        interrupted = time.monotonic()
        os.killpg(radar.pid, signal.SIGINT)
        radar.wait(timeout=30)
        gone, alive = psutil.wait_procs(watched, timeout=max(0.1, 10 - (time.monotonic() - interrupted)))
        stopped_in = time.monotonic() - interrupted
        output = radar.stdout.read().decode()
        assert alive == [], f"still running {stopped_in:.1f}s after Ctrl-C: {[p.pid for p in alive]}\n{output[-2000:]}"
        assert stopped_in < 10, output[-2000:]
        assert not serving(port)
        assert "embedded PostgreSQL stopped" in output
    finally:
        if radar.poll() is None:
            os.killpg(radar.pid, signal.SIGKILL)
