"""No secret in the deployment files, the rendered configs, the event log or materialization
metadata.

The committed files may only name secrets (``${VAR}``, ``{env: VAR}``, a Secret's name). Then a
real hourly run goes through the S3 path and the alert outbox with marked secrets in its
environment (the database password, the S3 key, TikHub's key, a Slack URL with a secret path),
and every event it logged is searched for them.
"""

import re
import subprocess
from datetime import UTC, datetime

import dagster as dg
import yaml
from dagster._serdes import serialize_value

from orchestration.config.alerts import AlertChannel, AlertRule, Alerts, AlertScope
from orchestration.resources import build_resources, object_store_from_environment
from tests.integration.conftest import S3_TEST_SECRET
from tests.integration.test_deploy_configs import DOCKER, TEST_ENV, chart_instance_config, rendered_compose
from tests.support import demo_config

SECRET_WORDS = re.compile(r"password|secret|token|api_key|access_key", re.IGNORECASE)
REFERENCE = re.compile(r"^\$\{[A-Z0-9_]+(:[?-][^}]*)?\}$")


def secret_settings(tree, path=""):
    """(path, value) of every mapping entry whose key names a secret, anywhere in a YAML tree."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            here = f"{path}.{key}"
            if SECRET_WORDS.search(str(key)) and not isinstance(value, dict | list):
                yield here, value
            yield from secret_settings(value, here)
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from secret_settings(value, f"{path}[{index}]")


def test_the_committed_deployment_files_only_name_their_secrets():
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    settings = list(secret_settings(compose))
    assert len(settings) >= 10
    for path, value in settings:
        assert value is None or REFERENCE.match(str(value)), f"compose {path}: {value!r} is not a ${{VARIABLE}}"
    dagster_yaml = yaml.safe_load((DOCKER / "dagster.yaml").read_text())
    assert dagster_yaml["storage"]["postgres"]["postgres_db"]["password"] == {"env": "DAGSTER_PG_PASSWORD"}
    values = yaml.safe_load((DOCKER / "helm" / "values.yaml").read_text())
    assert [path for path, value in secret_settings(values) if not isinstance(value, bool)] == [
        ".global.postgresqlSecretName"]  # the name of a Kubernetes Secret, not a secret
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert not re.search(r"^\s*(ENV|ARG)\b.*" + SECRET_WORDS.pattern, dockerfile, re.IGNORECASE | re.MULTILINE)
    ignored = subprocess.run(["git", "check-ignore", "docker/.env", "docker/radar.yaml"], cwd=DOCKER.parent,
                             capture_output=True, text=True).stdout.split()
    assert ignored == ["docker/.env", "docker/radar.yaml"]
    assert ".env" in (DOCKER.parent / ".dockerignore").read_text()


def test_rendered_configs_hold_secrets_only_in_environment_sections(docker_compose, tmp_path):
    secrets = [value for name, value in TEST_ENV.items() if "secret" in value]
    services = rendered_compose(docker_compose, tmp_path)["services"]
    for name, service in services.items():
        outside_environment = yaml.safe_dump({key: value for key, value in service.items() if key != "environment"})
        assert not [secret for secret in secrets if secret in outside_environment], name
    chart = yaml.safe_dump(chart_instance_config(yaml.safe_load((DOCKER / "helm" / "values.yaml").read_text())))
    assert "DAGSTER_PG_PASSWORD" in chart and not [secret for secret in secrets if secret in chart]


def test_a_real_run_logs_no_secret(s3_environment, market_server, database_url, monkeypatch):
    marked = {"database password": "radar-test-secret-pg-password", "S3 secret key": S3_TEST_SECRET,
              "TikHub key": "radar-test-secret-tikhub", "Slack URL path": "radar-test-secret-slack-path"}
    # The embedded server trusts local connections, so the password is sent and ignored.
    url_with_password = database_url.replace("postgres:@", f"postgres:{marked['database password']}@", 1)
    assert marked["database password"] in url_with_password
    monkeypatch.setenv("RADAR_DATABASE_URL", url_with_password)
    monkeypatch.setenv("TIKHUB_API_KEY", marked["TikHub key"])
    monkeypatch.setenv("RADAR_TEST_SLACK_URL", f"http://127.0.0.1:9/{marked['Slack URL path']}")
    alerts = Alerts(channels=[AlertChannel(name="team", kind="slack", url_env="RADAR_TEST_SLACK_URL")],
                    rules=[AlertRule(name="any-drop", kind="price_drop", min_drop_pct=1, scope=AlertScope(),
                                     channel="team")])
    config = demo_config(market_server.url, shops=("kopi-nusantara",)).model_copy(update={"alerts": alerts})

    from orchestration.definitions import build_definitions

    defs = build_definitions(config, resources=build_resources(
        database_url=dg.EnvVar("RADAR_DATABASE_URL"), object_store=object_store_from_environment(),
        tikhub_api_key=dg.EnvVar("TIKHUB_API_KEY")))
    instance = dg.DagsterInstance.ephemeral()
    partition = datetime.now(UTC).strftime("%Y-%m-%d-%H:00")
    assert defs.resolve_job_def("hourly_products_job").execute_in_process(
        instance=instance, partition_key=partition).success
    assert defs.resolve_job_def("deliver_alerts_job").execute_in_process(instance=instance).success

    records = [serialize_value(entry) for run in instance.get_runs() for entry in instance.all_logs(run.run_id)]
    assert len(records) > 50
    # The scan sees what a leak would be in: metadata naming the bucket, messages naming the source.
    assert any(s3_environment in record for record in records) and any("kopi-nusantara" in r for r in records)
    leaks = {what: secret for what, secret in marked.items() if any(secret in record for record in records)}
    assert not leaks, f"in the event log: {sorted(leaks)}"
