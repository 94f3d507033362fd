"""`radar bi` (`make bi`): Superset over the local warehouse's marts, as the read-only BI role.

Superset pins pandas < 2.2 and SQLAlchemy < 2, so it lives in its own virtualenv (``.venv-bi``,
made by ``scripts/bootstrap_bi.sh``) and runs as a separate process; this module only prepares
its settings and starts it. Its metadata (users, the imported dashboard) is SQLite under
``<RADAR_HOME>/superset``; the dashboard itself is code (``docker/superset/dashboard.py``).
"""

from __future__ import annotations

import os
import secrets
import subprocess
from urllib.parse import quote

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from orchestration.config import PROJECT_ROOT
from orchestration.environment import RadarHome
from orchestration.local import ensure_port_free, say, stop_process_tree

SUPERSET_VENV = PROJECT_ROOT / ".venv-bi"
SUPERSET_FILES = PROJECT_ROOT / "docker" / "superset"
BI_PASSWORD_VARIABLE = "RADAR_BI_PASSWORD"


DASHBOARD_PATH = "/superset/dashboard/commerce-radar/"


def dashboard_link(port: int) -> str | None:
    """The dashboard's address when a Superset answers on ``port`` (for run summaries), else None."""
    import httpx

    try:
        answered = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        answered = False
    return f"http://127.0.0.1:{port}{DASHBOARD_PATH}" if answered else None


def reader_url(database_url: str, role: str, password: str | None = None) -> str:
    """The warehouse's URL for ``role`` (psycopg form), keeping host, port, socket and database."""
    settings = {**conninfo_to_dict(database_url), "user": role}
    settings.pop("password", None)
    if password:
        settings["password"] = password
    return make_conninfo(**settings)


def sqlalchemy_reader_uri(database_url: str, role: str, password: str | None = None) -> str:
    """The same, as the SQLAlchemy URI Superset connects with."""
    settings = conninfo_to_dict(database_url)
    credentials = quote(role) + (f":{quote(password, safe='')}" if password else "")
    host = settings.get("host", "")
    query = ""
    if host.startswith("/"):  # a socket folder (the embedded server) goes in the query
        query, host = f"?host={quote(host)}", ""
    port = f":{settings['port']}" if settings.get("port") and host else ""
    return f"postgresql+psycopg2://{credentials}@{host}{port}/{settings.get('dbname', 'radar')}{query}"


def check_reader_access(database_url: str, role: str, password: str | None) -> None:
    """Fail early, with what to do, when the BI role cannot read the marts yet."""
    try:
        with psycopg.connect(reader_url(database_url, role, password)) as connection:
            connection.execute("select 1 from marts.mart_market_kpis limit 1")
    except psycopg.Error as error:
        raise SystemExit(
            f"[radar] {role} cannot read the marts ({str(error).strip().splitlines()[0]}). The marts are granted to "
            f"it when dbt builds them: run `make demo-data` (or any hourly run) first.") from None


def superset_settings(home: RadarHome) -> dict[str, str]:
    """Superset's environment: its config file, SQLite metadata, a secret key and an admin password
    made once and kept (mode 0600) under <home>/superset."""
    folder = home.root / "superset"
    folder.mkdir(parents=True, exist_ok=True)

    def kept(name: str) -> str:
        path = folder / name
        if not path.exists():
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(32))
        return path.read_text().strip()

    return {"SUPERSET_CONFIG_PATH": str(SUPERSET_FILES / "superset_config.py"),
            "SUPERSET_METADATA_URI": f"sqlite:///{folder / 'superset.db'}",
            "SUPERSET_SECRET_KEY": kept("secret_key"), "SUPERSET_ADMIN_PASSWORD": kept("admin_password"),
            "FLASK_APP": "superset"}


def serve_superset(home: RadarHome, database_url: str, role: str, port: int) -> int:
    python = SUPERSET_VENV / "bin" / "python"
    if not python.exists():
        raise SystemExit("[radar] Superset is not installed: run `make bi` (it installs it into .venv-bi)")
    ensure_port_free(port, "Superset", "--port or RADAR_BI_PORT")
    password = os.environ.get(BI_PASSWORD_VARIABLE)
    check_reader_access(database_url, role, password)
    environment = {**os.environ, **superset_settings(home)}
    say(f"Superset: importing the dashboard over the marts as {role} (first time takes a minute)")
    provisioned = subprocess.run([str(python), str(SUPERSET_FILES / "provision.py"), "--marts-uri",
                                  sqlalchemy_reader_uri(database_url, role, password)],
                                 env=environment, capture_output=True, text=True)
    if provisioned.returncode != 0:
        raise SystemExit(f"[radar] Superset provisioning failed:\n{(provisioned.stdout + provisioned.stderr)[-3000:]}")
    log = home.root / "logs" / "superset.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    say(f"Superset on http://127.0.0.1:{port}{DASHBOARD_PATH}  user admin, password in "
        f"{home.root / 'superset' / 'admin_password'}; its log: {log}  (Ctrl-C stops it)")
    with open(log, "ab") as log_file:
        process = subprocess.Popen([str(SUPERSET_VENV / "bin" / "superset"), "run", "-h", "127.0.0.1", "-p", str(port),
                                    "--with-threads"], env=environment, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            return process.wait()
        except KeyboardInterrupt:
            stop_process_tree(process, grace_seconds=5)
            return 0
