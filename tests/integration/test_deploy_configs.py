"""The deployment files, validated as far as a machine without Docker or Kubernetes can:

- docker/compose.yaml passes `docker-compose config -q` (Debian's docker-compose, installed here
  when missing), and its services start in order on health checks;
- docker/dagster.yaml loads as a real Dagster instance (PostgreSQL storage on the test server,
  the Docker run launcher, the queue and its per-source limits, retries, run monitoring);
- docker/workspace.yaml points at the code server compose starts;
- docker/helm/values.yaml renders, as the chart's instance template would, to an instance config
  Dagster accepts, with a K8sRunLauncher config dagster-k8s accepts;
- RADAR_STEP_EXECUTOR=k8s gives the scrape and dbt jobs per-step pods, sized by step.
"""

import json
import subprocess
from pathlib import Path

import dagster as dg
import pytest
import yaml
from psycopg.conninfo import conninfo_to_dict

from orchestration.warehouse.embedded import DAGSTER_DATABASE
from tests.support import PROJECT_ROOT, demo_config

DOCKER = PROJECT_ROOT / "docker"
TEST_ENV = {
    "POSTGRES_PASSWORD": "radar-test-secret-postgres", "RADAR_PIPELINE_PASSWORD": "radar-test-secret-pipeline",
    "DAGSTER_PG_PASSWORD": "radar-test-secret-dagster", "RADAR_BI_PASSWORD": "radar-test-secret-bi",
    "SUPERSET_DB_PASSWORD": "radar-test-secret-superset-db", "SUPERSET_SECRET_KEY": "radar-test-secret-superset-key",
    "SUPERSET_ADMIN_PASSWORD": "radar-test-secret-superset-admin", "MINIO_ROOT_USER": "radar",
    "MINIO_ROOT_PASSWORD": "radar-test-secret-minio", "DOCKER_GID": "998",
}


def rendered_compose(docker_compose: str, tmp_path: Path) -> dict:
    env_file = tmp_path / "test.env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in TEST_ENV.items()))
    command = [docker_compose, "--env-file", str(env_file), "-f", str(DOCKER / "compose.yaml"), "config"]
    assert subprocess.run([*command, "-q"], capture_output=True, text=True).returncode == 0
    rendered = subprocess.run(command, capture_output=True, text=True)
    assert rendered.returncode == 0, rendered.stderr
    return yaml.safe_load(rendered.stdout)


def test_the_compose_file_validates_and_starts_services_in_order(docker_compose, tmp_path):
    services = rendered_compose(docker_compose, tmp_path)["services"]
    assert set(services) == {"postgres", "minio", "minio-bucket", "radar-config", "code", "webserver", "daemon", "superset"}
    for name in ("postgres", "minio", "code", "webserver", "superset"):
        assert services[name]["healthcheck"]["test"], name
    assert services["code"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "minio-bucket": {"condition": "service_completed_successfully"},
        "radar-config": {"condition": "service_completed_successfully"}}
    for name in ("webserver", "daemon"):
        assert services[name]["depends_on"] == {"code": {"condition": "service_healthy"}}
    assert services["minio-bucket"]["depends_on"] == {"minio": {"condition": "service_healthy"}}
    # Warehouse and Dagster storage are separate databases, each with its own role.
    code_environment = services["code"]["environment"]
    assert code_environment["RADAR_DATABASE_URL"].endswith("@postgres:5432/radar")
    assert code_environment["DAGSTER_PG_DB"] == "dagster" and code_environment["RADAR_S3_ENDPOINT_URL"] == "http://minio:9000"
    # A missing secret stops compose with a message instead of starting with an empty password.
    incomplete = tmp_path / "incomplete.env"
    incomplete.write_text("MINIO_ROOT_USER=radar\n")
    refused = subprocess.run([docker_compose, "--env-file", str(incomplete), "-f", str(DOCKER / "compose.yaml"),
                              "config", "-q"], capture_output=True, text=True)
    assert refused.returncode != 0 and "set in docker/.env" in refused.stderr


def test_the_workspace_points_at_the_code_server_compose_starts(docker_compose, tmp_path):
    services = rendered_compose(docker_compose, tmp_path)["services"]
    (server,) = [entry["grpc_server"] for entry in yaml.safe_load((DOCKER / "workspace.yaml").read_text())["load_from"]]
    assert server["host"] == "code" and server["location_name"] == "commerce_radar"
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert f'"--port", "{server["port"]}"' in dockerfile and "USER radar" in dockerfile
    for name in ("webserver", "daemon"):
        assert "/opt/radar/docker/workspace.yaml" in services[name]["command"]
    assert "COPY docker/workspace.yaml docker/dagster.yaml ./docker/" in dockerfile


def test_the_production_dagster_yaml_loads_as_a_real_instance(postgres_urls, tmp_path, monkeypatch):
    from dagster._core.run_coordinator import QueuedRunCoordinator
    from dagster_docker import DockerRunLauncher

    settings = conninfo_to_dict(postgres_urls[DAGSTER_DATABASE])
    monkeypatch.setenv("DAGSTER_PG_HOST", "localhost")
    monkeypatch.setenv("DAGSTER_PG_DB", DAGSTER_DATABASE)
    monkeypatch.setenv("DAGSTER_PG_USER", settings.get("user", "postgres"))
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", "radar-test-secret-dagster")  # trusted locally, so any password
    production = yaml.safe_load((DOCKER / "dagster.yaml").read_text())
    # The test server listens on a socket folder, which only libpq's own host parameter can name.
    production["storage"]["postgres"]["postgres_db"]["params"] = {"host": settings["host"], "port": settings.get("port", "5432")}
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(production))

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.run_launcher, DockerRunLauncher)
        assert instance.run_launcher.networks == ["radar"]
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
        assert {"key": "radar/source_asset", "value": {"applyLimitPerUniqueValue": True}, "limit": 1} in limits
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 1
        assert instance.run_monitoring_enabled
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert "radar-test-secret-dagster" not in instance.info_str()


def chart_instance_config(values: dict) -> dict:
    """The instance config the dagster/dagster chart renders (templates/configmap-instance.yaml) for
    the keys our values set."""
    launcher = values["runLauncher"]["config"]["k8sRunLauncher"]
    daemon = values["dagsterDaemon"]
    queued = daemon["runCoordinator"]["config"]["queuedRunCoordinator"]
    monitoring = daemon["runMonitoring"]
    postgres = {"postgres_db": {"hostname": values["postgresql"]["postgresqlHost"],
                                "username": values["postgresql"]["postgresqlUsername"],
                                "password": {"env": "DAGSTER_PG_PASSWORD"},
                                "db_name": values["postgresql"]["postgresqlDatabase"],
                                "port": values["postgresql"]["service"]["port"]}}
    return {
        "run_storage": {"module": "dagster_postgres.run_storage", "class": "PostgresRunStorage", "config": postgres},
        "run_launcher": {"module": "dagster_k8s", "class": "K8sRunLauncher", "config": {
            "load_incluster_config": True, "job_namespace": "radar", "image_pull_policy": "IfNotPresent",
            "service_account_name": "radar-dagster", "dagster_home": "/opt/dagster/dagster_home",
            "instance_config_map": "radar-dagster-instance",
            "postgres_password_secret": values["global"]["postgresqlSecretName"],
            "env_secrets": [secret["name"] for secret in launcher["envSecrets"]],
            "run_k8s_config": {"container_config": launcher["runK8sConfig"]["containerConfig"]}}},
        "run_coordinator": {"module": "dagster.core.run_coordinator", "class": "QueuedRunCoordinator", "config": {
            "max_concurrent_runs": queued["maxConcurrentRuns"],
            "tag_concurrency_limits": queued["tagConcurrencyLimits"]}},
        "concurrency": {"pools": {"default_limit": values["concurrency"]["pools"]["defaultLimit"]}},
        "run_monitoring": {"enabled": monitoring["enabled"], "start_timeout_seconds": monitoring["startTimeoutSeconds"],
                           "cancel_timeout_seconds": monitoring["cancelTimeoutSeconds"],
                           "max_resume_run_attempts": monitoring["maxResumeRunAttempts"],
                           "poll_interval_seconds": monitoring["pollIntervalSeconds"],
                           "free_slots_after_run_end_seconds": monitoring["freeSlotsAfterRunEndSeconds"]},
        "run_retries": {"enabled": daemon["runRetries"]["enabled"], "max_retries": daemon["runRetries"]["maxRetries"]},
        "telemetry": {"enabled": values["telemetry"]["enabled"]},
    }


def test_the_helm_values_render_an_instance_config_dagster_and_dagster_k8s_accept():
    from dagster._config import process_config
    from dagster._core.instance.config import dagster_instance_config_schema
    from dagster_k8s import K8sRunLauncher

    values = yaml.safe_load((DOCKER / "helm" / "values.yaml").read_text())
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    assert deployment["codeServerArgs"][:2] == ["--module-name", "orchestration.definitions"]
    assert deployment["includeConfigInLaunchedRuns"]["enabled"] and deployment["podSecurityContext"]["runAsNonRoot"]
    assert values["runLauncher"]["type"] == "K8sRunLauncher"

    instance_config = chart_instance_config(values)
    checked = process_config(dagster_instance_config_schema(), instance_config)
    assert checked.success, checked.errors
    launcher = process_config(K8sRunLauncher.config_type(), instance_config["run_launcher"]["config"])
    assert launcher.success, launcher.errors
    limits = instance_config["run_coordinator"]["config"]["tag_concurrency_limits"]
    assert {"key": "radar/source_asset", "value": {"applyLimitPerUniqueValue": True}, "limit": 1} in limits
    # The same per-source limits as compose's instance.
    compose_limits = yaml.safe_load((DOCKER / "dagster.yaml").read_text())["concurrency"]["runs"]["tag_concurrency_limits"]
    assert [limit["key"] for limit in limits] == [limit["key"] for limit in compose_limits]


def test_the_k8s_step_executor_gives_scrapes_and_dbt_their_own_sized_pods(monkeypatch, tmp_path):
    from orchestration.definitions import build_definitions
    from orchestration.resources import build_resources
    from orchestration.snapshots.store import LocalObjectStore

    config = demo_config("http://127.0.0.1:8765")

    def jobs():
        defs = build_definitions(config, resources=build_resources(
            database_url="postgresql://radar@localhost/radar", object_store=LocalObjectStore(root=str(tmp_path)),
            tikhub_api_key="unused"))
        return {name: defs.resolve_job_def(name) for name in
                ("product_snapshots_job", "hourly_products_job", "restage_products_job", "market_report_job")}

    assert {job.executor_def.name for job in jobs().values()} == {"multi_or_in_process_executor"}
    monkeypatch.setenv("RADAR_STEP_EXECUTOR", "k8s")
    on_k8s = jobs()
    assert {name: job.executor_def.name for name, job in on_k8s.items()} == {
        "product_snapshots_job": "k8s_step_pods", "hourly_products_job": "k8s_step_pods",
        "restage_products_job": "k8s_step_pods", "market_report_job": "multi_or_in_process_executor"}
    pods = {node.name: json.loads(node.definition.tags["dagster-k8s/config"])["container_config"]["resources"]
            for node in on_k8s["hourly_products_job"].graph.nodes if "dagster-k8s/config" in node.definition.tags}
    assert next(pod for name, pod in pods.items() if "dbt" in name)["limits"]["memory"] == "1536Mi"
    assert pods["raw_products__glow_lab"]["limits"]["memory"] == "1Gi"

    monkeypatch.setenv("RADAR_STEP_EXECUTOR", "celery")
    with pytest.raises(RuntimeError, match="expected 'multiprocess'"):
        jobs()
