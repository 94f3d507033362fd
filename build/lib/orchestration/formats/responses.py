"""What a source answered, as archived in a snapshot, and the error for an answer in the wrong format."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


class SourceFormatError(RuntimeError):
    """The source answered, but not in the format its connector reads."""


@dataclass
class FetchedResponse:
    url: str
    status: int
    content_type: str
    body: bytes
    fetched_at: datetime
    attempts: int
    headers: Mapping[str, str] = field(default_factory=dict)


def describe_response(response: FetchedResponse) -> str:
    return f"{response.url} (HTTP {response.status}, {response.content_type or 'no content-type'})"


def require_ok(response: FetchedResponse, what: str, expected_type: str) -> None:
    """Raise SourceFormatError unless ``response`` is a 200 whose content type contains ``expected_type``."""
    if response.status != 200:
        raise SourceFormatError(f"{describe_response(response)}: expected HTTP 200 for the {what}")
    if expected_type not in response.content_type.lower():
        raise SourceFormatError(f"{describe_response(response)}: expected {expected_type} for the {what}; a different "
                                "answer means a wrong URL or a blocked request, not an empty catalogue")
