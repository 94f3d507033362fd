"""The one place that knows where things live in object storage.

raw/<domain>/source=<source>/dt=<YYYY-MM-DD>/hour=<HH>/<run id>/page-0001.json.gz
                                                               /manifest.json
"""

from __future__ import annotations

from datetime import datetime

MANIFEST_NAME = "manifest.json"
INBOX_PREFIX = "inbox/"


def hour_prefix(domain: str, source: str, partition_hour: datetime) -> str:
    return f"raw/{domain}/source={source}/dt={partition_hour:%Y-%m-%d}/hour={partition_hour:%H}/"


def snapshot_prefix(domain: str, source: str, partition_hour: datetime, run_id: str) -> str:
    return f"{hour_prefix(domain, source, partition_hour)}{run_id}/"


def page_key(prefix: str, index: int) -> str:
    return f"{prefix}page-{index:04d}.json.gz"


def manifest_key(prefix: str) -> str:
    return f"{prefix}{MANIFEST_NAME}"
