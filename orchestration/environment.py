"""Local runtime layout: where the embedded defaults keep their state (git-ignored .radar/)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from orchestration.config import PROJECT_ROOT


@dataclass(frozen=True)
class RadarHome:
    root: Path

    @classmethod
    def from_environment(cls) -> RadarHome:
        return cls(Path(os.environ.get("RADAR_HOME") or PROJECT_ROOT / ".radar").resolve())

    @property
    def pgdata(self) -> Path:
        return self.root / "pgdata"

    @property
    def lake(self) -> Path:
        return Path(os.environ.get("RADAR_LAKE_DIR") or self.root / "lake").resolve()

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def logs(self) -> Path:
        return self.root / "logs"


DAGSTER_YAML = """\
# Written by `radar` (radar ui, radar demo): Dagster's runs, events and schedules live in PostgreSQL.
storage:
  postgres:
    postgres_url:
      env: RADAR_DAGSTER_DATABASE_URL
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 4
    tag_concurrency_limits:
      - key: dagster/backfill
        limit: 2
# The daemon marks a run whose process died as failed (instead of STARTED forever) and frees the
# source pools it held, so the staging sensor can request that hour again.
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  cancel_timeout_seconds: 180
  max_resume_run_attempts: 0   # the default run launcher cannot resume a run; it is failed and re-requested
  poll_interval_seconds: 60
  free_slots_after_run_end_seconds: 300
telemetry:
  enabled: false
# No "Join the community" dialog on first open.
nux:
  enabled: false
"""


def write_dagster_yaml(dagster_home: Path) -> Path:
    dagster_home.mkdir(parents=True, exist_ok=True)
    path = dagster_home / "dagster.yaml"
    path.write_text(DAGSTER_YAML)
    return path
