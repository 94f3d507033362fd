"""Drive the real hourly path hour after hour with a moving clock (`radar simulate`).

Each simulated hour runs the way production does: the market's clock is set through its clock
hook, the hourly schedule is evaluated at :05 and its runs (one per source) scrape the market
into snapshots filed under that hour, the staging sensor is evaluated and its run stages the
hour, gates it, builds dbt and detects alerts; at 01:00 the daily creator schedule's run searches
too; then the alert delivery sensor's run sends the hour's alerts. Runs get
the simulated instant through the ``clock`` resource, so the scrape-window guards and every
``fetched_at`` see the simulated time. Per-hour, per-step timings go to a CSV; a chart of cost
per hour is drawn from it. Completed hours are skipped, so a stopped simulation continues.
"""

from __future__ import annotations

import contextlib
import csv
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import httpx

from orchestration.automation.schedules import CREATOR_SEARCH_TIME, SNAPSHOT_MINUTE
from orchestration.automation.sensors import STAGE_PARTIAL_AFTER
from orchestration.clock import ClockResource

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
STEPS = {"staged_products": "staging", "staged_products_gx_staged_products": "gate", "publish_products": "publish",
         "radar_dbt_models": "dbt"}


class SimulationError(RuntimeError):
    """A simulated hour could not run; the message says which hour and what to do."""


@dataclass
class HourCost:
    hour_index: int
    partition: str
    snapshots_s: float = 0.0
    staging_s: float = 0.0
    gate_s: float = 0.0
    publish_s: float = 0.0
    dbt_s: float = 0.0
    creators_s: float = 0.0
    total_s: float = 0.0
    rows: int = 0


CSV_COLUMNS = [field.name for field in fields(HourCost)]


def partition_key(hour: datetime) -> str:
    return f"{hour:%Y-%m-%d-%H}:00"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def set_market_clock(clock_url: str, at: datetime) -> None:
    """``GET <clock_url>?at=<ISO instant>``: the test market now shows ``at``."""
    try:
        response = httpx.get(clock_url, params={"at": iso(at)}, timeout=10)
        response.raise_for_status()
    except httpx.HTTPError as error:
        raise SimulationError(f"cannot set the market clock at {clock_url} to {iso(at)}: {error}. "
                              "Is the market running, and does it offer a clock hook?") from None


def simulated_clock_config(at: datetime) -> dict:
    return {"resources": {"clock": {"config": {"simulated_start": iso(at)}}}, **QUIET_LOGS}


class HourlySimulator:
    """Runs simulated hours in order against ``defs``, whose ``clock`` resource must be
    ``ClockResource.configure_at_launch()`` so each run can be given its simulated instant."""

    def __init__(self, defs: dg.Definitions, instance: dg.DagsterInstance, clock_url: str, start: datetime,
                 csv_path: Path, with_creators: bool = True, say: Callable[[str], None] = print):
        self.defs = defs
        self.instance = instance
        self.clock_url = clock_url
        self.start = start
        self.csv_path = csv_path
        self.with_creators = with_creators
        self.say = say
        self.repository = defs.get_repository_def()
        self.run_log = csv_path.with_suffix(".runs.log")

    def completed(self, hour: datetime) -> bool:
        """Published and built: the hour passed its gate and its dbt marts were materialized."""
        key = partition_key(hour)
        return all(key in self.instance.get_materialized_partitions(asset_key)
                   for asset_key in (dg.AssetKey("published_products"), dg.AssetKey(["marts", "mart_market_kpis"])))

    def run(self, hours: int) -> list[HourCost]:
        plan = [self.start + timedelta(hours=offset) for offset in range(hours)]
        todo = [hour for hour in plan if not self.completed(hour)]
        if len(todo) < len(plan):
            self.say(f"simulate: {len(plan) - len(todo)} of {len(plan)} hours already simulated; continuing "
                     f"from {partition_key(todo[0])}" if todo else "simulate: every hour is already simulated")
        costs: list[HourCost] = []
        for position, hour in enumerate(todo, start=1):
            cost = self.run_hour(hour, hour_index=plan.index(hour))
            costs.append(cost)
            self._append_csv(cost)
            remaining = (sum(c.total_s for c in costs) / len(costs)) * (len(todo) - position)
            self.say(f"simulate [{position}/{len(todo)}] {cost.partition}: {cost.total_s:.1f}s "
                     f"(snapshots {cost.snapshots_s:.1f}, staging {cost.staging_s:.1f}, gate {cost.gate_s:.1f}, "
                     f"publish {cost.publish_s:.1f}, dbt {cost.dbt_s:.1f}" + (f", creators {cost.creators_s:.1f}" if cost.creators_s else "")
                     + f"), {cost.rows:,} rows; ETA {_duration(remaining)}")
        return costs

    def run_hour(self, hour: datetime, hour_index: int) -> HourCost:
        cost = HourCost(hour_index=hour_index, partition=partition_key(hour))
        began = time.monotonic()

        def now(offset: timedelta) -> datetime:
            """The simulated instant: the scheduled moment plus the real time this hour has taken."""
            return hour + offset + timedelta(seconds=time.monotonic() - began)

        set_market_clock(self.clock_url, hour + SNAPSHOT_MINUTE)
        schedule = self.defs.get_schedule_def("hourly_snapshot_schedule")
        with dg.build_schedule_context(instance=self.instance, scheduled_execution_time=hour + SNAPSHOT_MINUTE,
                                       repository_def=self.repository) as context:
            requests = schedule.evaluate_tick(context).run_requests or []
        for request in requests:
            cost.snapshots_s += self._execute("product_snapshots_job", request, now(SNAPSHOT_MINUTE))[0]

        staging = self._staging_request(hour, now(SNAPSHOT_MINUTE)) or self._staging_request(hour, hour + STAGE_PARTIAL_AFTER)
        if staging is None:
            raise SimulationError(f"{cost.partition}: no source snapshot landed, so the staging sensor has nothing "
                                  "to stage; see the failed product_snapshots_job runs in the Dagster UI")
        _, steps, run_id = self._execute("restage_products_job", staging, now(SNAPSHOT_MINUTE))
        cost.staging_s, cost.gate_s, cost.publish_s, cost.dbt_s = (
            steps.get(name, 0.0) for name in ("staging", "gate", "publish", "dbt"))
        cost.rows = int(self._staged_rows(run_id))

        moment = hour.replace(hour=0) + CREATOR_SEARCH_TIME  # the daily creator search, if in this hour
        if self.with_creators and hour <= moment < hour + timedelta(hours=1) and self._has_schedule("daily_creators_schedule"):
            set_market_clock(self.clock_url, moment)
            creators = self.defs.get_schedule_def("daily_creators_schedule")
            with dg.build_schedule_context(instance=self.instance, scheduled_execution_time=moment,
                                           repository_def=self.repository) as context:
                for request in creators.evaluate_tick(context).run_requests or []:
                    cost.creators_s += self._execute("daily_creators_job", request, moment)[0]
        self._deliver_alerts()
        cost.total_s = time.monotonic() - began
        return cost

    def _deliver_alerts(self) -> None:
        """What the alert delivery sensor would launch after this hour (the hour's fresh events)."""
        sensor = self.defs.get_sensor_def("alert_delivery_sensor")
        context = dg.build_sensor_context(instance=self.instance, repository_def=self.repository,
                                          resources={"warehouse": self.defs.resources["warehouse"]})
        if not sensor.evaluate_tick(context).run_requests:
            return
        with self.run_log.open("a") as log, contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            result = self.defs.resolve_job_def("deliver_alerts_job").execute_in_process(
                instance=self.instance, raise_on_error=False, tags={"radar/trigger": "radar simulate"})
        if not result.success:
            raise SimulationError(f"alert delivery failed (run {result.run_id}; {self.run_log} shows why)")

    def _has_schedule(self, name: str) -> bool:
        try:
            self.defs.get_schedule_def(name)
        except Exception:  # noqa: BLE001 - Dagster raises its own invariant error for an unknown name
            return False
        return True

    def _staging_request(self, hour: datetime, at: datetime) -> dg.RunRequest | None:
        """The staging sensor's request for this hour, evaluated at the simulated instant ``at``."""
        sensor = self.defs.get_sensor_def("stage_products_sensor")
        context = dg.build_sensor_context(instance=self.instance, repository_def=self.repository,
                                          resources={"clock": ClockResource(simulated_start=iso(at))})
        requests = sensor.evaluate_tick(context).run_requests or []
        return next((request for request in requests if request.partition_key == partition_key(hour)), None)

    def _execute(self, job_name: str, request: dg.RunRequest, at: datetime) -> tuple[float, dict[str, float], str]:
        job = self.defs.resolve_job_def(job_name)
        began = time.monotonic()
        # Dagster's event stream and dbt's console output go to the run log file, not between the
        # progress lines.
        with self.run_log.open("a") as log, contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            result = job.execute_in_process(
                instance=self.instance, partition_key=request.partition_key, raise_on_error=False,
                asset_selection=list(request.asset_selection) if request.asset_selection else None,
                tags={**request.tags, "radar/trigger": f"radar simulate ({request.tags.get('radar/trigger', job_name)})"},
                run_config=simulated_clock_config(at),
            )
        elapsed = time.monotonic() - began
        if not result.success:
            raise SimulationError(f"{job_name} for {request.partition_key} failed (run {result.run_id}; the Dagster UI and "
                                  f"{self.run_log} show why). Fix it and run the same command again: finished hours are kept.")
        steps = {STEPS.get(stat.step_key, stat.step_key): stat.end_time - stat.start_time
                 for stat in self.instance.get_run_step_stats(result.run_id) if stat.start_time and stat.end_time}
        return elapsed, steps, result.run_id

    def _staged_rows(self, run_id: str) -> int:
        records = self.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("staged_products")), limit=1).records
        if not records or records[0].run_id != run_id:
            return 0
        return records[0].asset_materialization.metadata["rows"].value

    def _append_csv(self, cost: HourCost) -> None:
        self.csv_path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.csv_path.exists()
        with self.csv_path.open("a", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
            if new:
                writer.writeheader()
            writer.writerow({name: round(value, 3) if isinstance(value, float) else value
                             for name, value in asdict(cost).items()})


def read_costs(csv_path: Path) -> list[HourCost]:
    with csv_path.open() as handle:
        # A column added since the file was written (publish_s) reads as zero.
        return [HourCost(**{name: (row[name] if name == "partition" else float(row.get(name) or 0)
                                   if name.endswith("_s") else int(row[name])) for name in CSV_COLUMNS})
                for row in csv.DictReader(handle)]


def draw_cost_chart(costs: list[HourCost], png_path: Path, title: str) -> Path:
    """Seconds per simulated hour by step, against the hour index: a flat band is steady state."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    costs = sorted(costs, key=lambda cost: cost.hour_index)
    index = [cost.hour_index for cost in costs]
    layers = {"snapshots": [c.snapshots_s for c in costs], "staging": [c.staging_s for c in costs],
              "gate": [c.gate_s for c in costs], "publish": [c.publish_s for c in costs], "dbt": [c.dbt_s for c in costs],
              "creators": [c.creators_s for c in costs]}
    layers = {name: values for name, values in layers.items() if any(values)}
    figure, axes = plt.subplots(figsize=(10, 4.5), dpi=110)
    axes.stackplot(index, *layers.values(), labels=list(layers), alpha=0.85)
    axes.plot(index, [c.total_s for c in costs], color="black", linewidth=1, label="total (wall)")
    axes.set_xlabel("simulated hour (index from the start)")
    axes.set_ylabel("seconds per hour")
    axes.set_title(title)
    axes.set_ylim(bottom=0)
    axes.legend(loc="upper left", ncols=3, fontsize="small")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(png_path)
    plt.close(figure)
    return png_path


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"
