"""Provision Superset for Commerce Radar: its metadata database, an admin, and the dashboard of
dashboard.py connected to the marts as the read-only BI role. Safe to re-run: the import updates
the same objects in place (stable UUIDs).

Runs with Superset's own Python (its virtualenv, or the compose image):

    SUPERSET_CONFIG_PATH=docker/superset/superset_config.py SUPERSET_METADATA_URI=... \\
    SUPERSET_SECRET_KEY=... python docker/superset/provision.py --marts-uri postgresql+psycopg2://radar_bi@host/radar \\
        --admin-password-env SUPERSET_ADMIN_PASSWORD
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from dashboard import DASHBOARD_SLUG, bundle, bundle_metadata  # noqa: E402


def superset(*args: str) -> None:
    """The superset command of this Python's environment."""
    command = [str(Path(sys.executable).parent / "superset"), *args]
    completed = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "FLASK_APP": "superset"})
    if completed.returncode != 0:
        raise SystemExit(f"superset {' '.join(args[:2])} failed:\n{(completed.stdout + completed.stderr)[-3000:]}")


def import_dashboard(marts_uri: str, admin: str) -> None:
    from flask import g
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        # Superset's models need the application to import.
        from superset import db, security_manager
        from superset.commands.chart.importers.v1 import ImportChartsCommand
        from superset.commands.dashboard.importers.v1 import ImportDashboardsCommand
        from superset.commands.dataset.importers.v1 import ImportDatasetsCommand
        from superset.connectors.sqla.models import SqlaTable

        g.user = security_manager.find_user(username=admin)
        # A dashboard import never overwrites the datasets and charts it brings: importing each
        # kind on its own first lets a changed chart replace the old one.
        files = bundle(marts_uri)
        for kind, command in (("SqlaTable", ImportDatasetsCommand), ("Slice", ImportChartsCommand),
                              ("Dashboard", ImportDashboardsCommand)):
            command({**files, "metadata.yaml": bundle_metadata(kind)}, overwrite=True).run()
        # The datasets' columns come from the marts themselves, as dbt built them.
        for table in db.session.query(SqlaTable).filter(SqlaTable.schema == "marts"):
            table.fetch_metadata()
        db.session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--marts-uri", required=True, help="SQLAlchemy URI of the warehouse, as the BI role")
    parser.add_argument("--admin", default="admin")
    parser.add_argument("--admin-password-env", default="SUPERSET_ADMIN_PASSWORD",
                        help="environment variable holding the admin's password")
    args = parser.parse_args()
    password = os.environ.get(args.admin_password_env)
    if not password:
        raise SystemExit(f"set {args.admin_password_env} to the Superset admin's password")

    superset("db", "upgrade")
    superset("fab", "create-admin", "--username", args.admin, "--firstname", "Radar", "--lastname", "Admin",
             "--email", f"{args.admin}@localhost", "--password", password)  # no-op when it exists
    superset("init")
    import_dashboard(args.marts_uri, args.admin)
    print(f"superset: dashboard /superset/dashboard/{DASHBOARD_SLUG}/ over {args.marts_uri.split('@')[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
