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


DAGSTER_YAML = """\
# Written by `radar demo`: Dagster's runs, events and schedules live in PostgreSQL.
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
