"""The radar config file: which sources to watch and how politely.

The path comes from ``RADAR_CONFIG`` (default ``radar.yaml`` in the project root). An invalid
file raises :class:`ConfigError` naming the file, the key and what was expected, before any run.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "radar.yaml"
DEMO_CONFIG_PATH = Path(__file__).resolve().parent / "demo" / "radar.demo.yaml"

# ISO 4217 codes we have seen in the wild for the markets we watch; extend as sources are added.
KNOWN_CURRENCIES = frozenset(
    ["USD", "EUR", "GBP", "IDR", "JPY", "SGD", "MYR", "THB", "PHP", "VND", "AUD", "CAD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "KRW", "CNY", "HKD", "TWD", "INR", "BRL", "MXN"]
)
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class ConfigError(ValueError):
    """The config file is missing or invalid; the message says where and what was expected."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProductSource(_Strict):
    """One shop or marketplace to snapshot every hour."""

    name: str = Field(description="Unique source name: lowercase letters, digits, '-' or '_'.")
    kind: Literal["shopify"] = Field(description="Connector kind.")
    base_url: str = Field(description="Shop root URL, e.g. https://shop.example.com")
    collection: str | None = Field(default=None, description="Optional collection handle.")
    currency: str = Field(description="ISO 4217 code of the shop's prices; products.json has none.")
    rate_limit_per_second: float = Field(default=1.0, gt=0, le=50)
    max_pages: int = Field(default=100, ge=1, le=100, description="Shopify caps page x limit at ~25k.")

    @field_validator("name")
    @classmethod
    def _name_is_a_slug(cls, value: str) -> str:
        if not _SOURCE_NAME.match(value):
            raise ValueError("lowercase letters, digits, '-' or '_', starting with a letter or digit")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url_is_http(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("an http(s) URL such as https://shop.example.com")
        return value.rstrip("/")

    @field_validator("currency")
    @classmethod
    def _currency_is_iso(cls, value: str) -> str:
        code = value.upper()
        if code not in KNOWN_CURRENCIES:
            raise ValueError(f"an ISO 4217 currency code, one of {', '.join(sorted(KNOWN_CURRENCIES))}")
        return code


class RadarConfig(_Strict):
    """The whole config file."""

    partitions_start: datetime = Field(
        default=datetime(2026, 1, 1), description="First hourly partition (UTC)."
    )
    product_sources: list[ProductSource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _source_names_unique(self) -> RadarConfig:
        names = [source.name for source in self.product_sources]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"product source names must be unique; repeated: {', '.join(duplicates)}")
        return self

    @property
    def currencies(self) -> list[str]:
        return sorted({source.currency for source in self.product_sources})


def config_path() -> Path:
    """Where the config lives: ``RADAR_CONFIG`` or ``radar.yaml`` in the project root."""
    return Path(os.environ.get("RADAR_CONFIG") or DEFAULT_CONFIG_PATH)


def load_config(path: str | Path | None = None) -> RadarConfig:
    """Read and validate a config file, raising :class:`ConfigError` with a precise message."""
    path = Path(path) if path is not None else config_path()
    if not path.is_file():
        raise ConfigError(
            f"{path}: config file not found. Set RADAR_CONFIG to a config file "
            f"(see radar.example.yaml), or run `make demo` for the bundled demo config."
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from error
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(raw).__name__}")
    try:
        return RadarConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe_validation_error(path, error)) from None


def _describe_validation_error(path: Path, error: ValidationError) -> str:
    lines = [f"{path}: invalid config ({error.error_count()} problem(s))"]
    for problem in error.errors():
        key = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in problem["loc"]).lstrip(".")
        key = key or "<top level>"
        expected = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            expected = "unknown key (check the spelling against radar.example.yaml)"
        elif problem["type"] == "missing":
            expected = "required key is missing"
        got = problem.get("input")
        got_text = "" if problem["type"] in {"missing"} or isinstance(got, dict) else f" (got {got!r})"
        lines.append(f"  - {key}: {expected}{got_text}")
    return "\n".join(lines)
