"""The one place that knows where things live in object storage.

raw/<domain>/source=<source>/dt=<YYYY-MM-DD>/hour=<HH>/<attempt>/page-0001.json.gz   (or .html.gz, .xml.gz)
                                                               /manifest.json
                                                               /failure/page-0003.png     (a failed page, for debugging)
reports/market/dt=<YYYY-MM-DD>/<run id>.html                                            (the market report)

<domain> is a data domain (``PRODUCTS_DOMAIN`` or ``CREATORS_DOMAIN``, defined with the records in
``formats/rows.py`` because landing and quarantine rows carry them too); only this module turns
one into a path.

<attempt> is the run id, suffixed with the step's retry number on a retry, so a retried step
never collides with the objects its failed attempt left behind.
"""

from __future__ import annotations

from datetime import date, datetime

MANIFEST_NAME = "manifest.json"
INBOX_PREFIX = "inbox/"


def hour_prefix(domain: str, source: str, partition_hour: datetime) -> str:
    return f"raw/{domain}/source={source}/dt={partition_hour:%Y-%m-%d}/hour={partition_hour:%H}/"


def snapshot_prefix(domain: str, source: str, partition_hour: datetime, run_id: str) -> str:
    return f"{hour_prefix(domain, source, partition_hour)}{run_id}/"


def attempt_id(run_id: str, retry_number: int = 0) -> str:
    return run_id if retry_number == 0 else f"{run_id}-retry{retry_number}"


def page_key(prefix: str, index: int, extension: str = "json") -> str:
    return f"{prefix}page-{index:04d}.{extension}.gz"


def failure_artifact_key(prefix: str, name: str) -> str:
    return f"{prefix}failure/{name}"


def manifest_key(prefix: str) -> str:
    return f"{prefix}{MANIFEST_NAME}"


def market_report_key(day: date, run_id: str) -> str:
    """Write-once like everything else: each materialization of a day's report is its own object."""
    return f"reports/market/dt={day:%Y-%m-%d}/{run_id}.html"
