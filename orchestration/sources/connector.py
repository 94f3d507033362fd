"""What every source kind implements: fetch into a snapshot, and parse that snapshot offline.

A connector is the one place that knows a source kind end to end. ``fetch`` talks to the outside
world and archives every answer, as received, through a :class:`SnapshotWriter`; ``parse`` turns
the archived pages back into landing rows without touching the network, so a parser fix can be
replayed over history. Kinds are registered in ``sources/connectors.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from logging import Logger
from typing import Any, Protocol, TypeVar

from orchestration.formats.normalize import BrandDictionary
from orchestration.formats.rows import QuarantinedRecord
from orchestration.snapshots.manifest import ArchivedPage, SnapshotWriter

SourceT = TypeVar("SourceT", contravariant=True)
ParsedT = TypeVar("ParsedT", covariant=True)


class Connector(Protocol[SourceT, ParsedT]):
    kind: str
    """The config's ``kind`` (and the connector name recorded in every manifest)."""
    version: str
    """Recorded in every manifest; bump it when what ``fetch`` archives changes shape."""
    describes: str
    """What a snapshot holds, for the asset's description (e.g. "products.json pages")."""
    permanent_errors: tuple[type[Exception], ...]
    """Failures a retry cannot fix (a wrong format, a captcha, a dead proxy): the partition fails at once."""

    def check(self, source: SourceT) -> None:
        """Raise a clear error now if the source cannot work as configured (a missing recipe),
        so the code location and ``radar check-config`` refuse it before any run."""
        ...

    def fetch(self, source: SourceT, writer: SnapshotWriter, log: Logger,
              secrets: Mapping[str, str]) -> dict[str, Any]:
        """Fetch the source into ``writer``; returns the manifest's extras (retries, truncated, ...).

        ``secrets`` holds the credentials the caller's resources resolved (TikHub's ``api_key``).
        """
        ...

    def parse(self, source: SourceT, pages: Iterable[ArchivedPage], window_start: datetime,
              brands: BrandDictionary) -> Iterator[ParsedT]:
        """Rows and quarantined records from the archived pages of one partition; pure, no I/O."""
        ...


def quarantined_page(domain: str, source_name: str, window_start: datetime, page: ArchivedPage, reason: str,
                     locator: str = "page") -> QuarantinedRecord:
    """A whole archived page that cannot be read, kept with its reason (its first 2,000 characters)."""
    return QuarantinedRecord(domain, source_name, window_start, page.request["object_key"], locator,
                             page.body[:2000].decode("utf-8", "replace"), reason)
