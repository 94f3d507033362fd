"""The ``alerts`` section: rules that watch the marts and the channels their messages go to.

Secrets never live in the file: a channel names the environment variables that hold its URL
and token, so the file can be committed and shown in logs.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from orchestration.config.base import StrictModel, repeated

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")

AlertKind = Literal["price_below", "price_drop", "back_in_stock", "all_time_low", "flash_sale_started",
                    "misleading_discount", "new_comet", "source_unhealthy"]
PRODUCT_KINDS = ("price_below", "price_drop", "back_in_stock", "all_time_low", "flash_sale_started",
                 "misleading_discount")
WHATSAPP_GRAPH_API = "https://graph.facebook.com/v21.0"


def _check_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError("must be lowercase letters, digits, '-' or '_' (at most 63)")
    return value


def _check_env_name(value: str | None) -> str | None:
    if value is not None and not _ENV_NAME.fullmatch(value):
        raise ValueError("must be the NAME of an environment variable (A-Z, 0-9, _), not its value")
    return value


class AlertChannel(StrictModel):
    """Where messages go. ``webhook`` posts generic JSON, ``slack`` an incoming-webhook message with
    blocks, ``whatsapp`` a pre-approved template through the WhatsApp Business Cloud API."""

    name: str = Field(description="Channel name the rules refer to.")
    kind: Literal["webhook", "slack", "whatsapp"]
    url_env: str | None = Field(
        default=None,
        description="Environment variable holding the URL: the webhook or Slack incoming-webhook URL; for "
                    f"whatsapp the Graph API root (default {WHATSAPP_GRAPH_API}).")
    token_env: str | None = Field(default=None, description="whatsapp: environment variable holding the access token.")
    phone_number_id: str | None = Field(default=None, description="whatsapp: the sender's phone number id.")
    recipient: str | None = Field(default=None, description="whatsapp: the recipient's number, digits with country code.")
    template: str | None = Field(default=None, description="whatsapp: name of the approved message template.")
    language: str = Field(default="en_US", description="whatsapp: the template's language code.")

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        return _check_name(value)

    @field_validator("url_env", "token_env")
    @classmethod
    def _valid_env_name(cls, value: str | None) -> str | None:
        return _check_env_name(value)

    @model_validator(mode="after")
    def _what_each_kind_needs(self) -> AlertChannel:
        if self.kind in ("webhook", "slack") and not self.url_env:
            raise ValueError(f"a {self.kind} channel needs url_env (the variable holding its URL)")
        if self.kind == "whatsapp":
            missing = [key for key in ("token_env", "phone_number_id", "recipient", "template") if not getattr(self, key)]
            if missing:
                raise ValueError(f"a whatsapp channel needs {', '.join(missing)}")
            if not re.fullmatch(r"\d{6,15}", self.recipient or ""):
                raise ValueError("whatsapp recipient must be digits with the country code, e.g. 6281234567890")
        return self


class AlertScope(StrictModel):
    """Which listings a product rule watches; every key given must match (none: all listings)."""

    source: str | None = None
    category: str | None = None
    brand: str | None = None
    watchlist: str | None = Field(default=None, description="Name of a list in alerts.watchlists (product URLs).")
    product_url: str | None = None


class AlertRule(StrictModel):
    """One rule: what to look for in each new partition, for which listings, and where to send it."""

    name: str = Field(description="Rule name; part of every alert's dedupe key, so renaming a rule re-alerts.")
    kind: AlertKind
    channel: str = Field(description="Name of a channel in alerts.channels.")
    scope: AlertScope = Field(default_factory=AlertScope)
    target_price: Decimal | None = Field(default=None, gt=0, description="price_below: alert when a price falls to this or below.")
    min_drop_pct: Decimal | None = Field(default=None, gt=0, lt=100, description="price_drop: the smallest drop, in %.")
    against: Literal["previous", "median_7d"] = Field(
        default="previous", description="price_drop: compare with the previous price or the median of the 7 days before.")
    min_velocity: Decimal = Field(
        default=Decimal(0), ge=0, description="new_comet: least average daily follower growth over 7 days.")
    min_rows_vs_median: Decimal = Field(
        default=Decimal("0.5"), gt=0, le=1,
        description="source_unhealthy: alert when an hour's rows fall below this share of the trailing median; "
                    "a failed staging or gate run alerts too.")

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        return _check_name(value)

    @model_validator(mode="after")
    def _what_each_kind_needs(self) -> AlertRule:
        if self.kind == "price_below" and self.target_price is None:
            raise ValueError("a price_below rule needs target_price")
        if self.kind == "price_drop" and self.min_drop_pct is None:
            raise ValueError("a price_drop rule needs min_drop_pct")
        listing_keys = [key for key in ("category", "brand", "watchlist", "product_url") if getattr(self.scope, key)]
        if self.kind not in PRODUCT_KINDS and listing_keys:
            raise ValueError(f"a {self.kind} rule watches no listings; remove scope.{', scope.'.join(listing_keys)}")
        if self.kind == "new_comet" and self.scope.source:
            raise ValueError("a new_comet rule watches creators; remove scope.source")
        return self


class Alerts(StrictModel):
    """Rules, channels and delivery settings."""

    channels: list[AlertChannel] = Field(default_factory=list)
    rules: list[AlertRule] = Field(default_factory=list)
    watchlists: dict[str, list[str]] = Field(default_factory=dict, description="Named lists of product URLs.")
    freshness_hours: float = Field(
        default=2, gt=0, le=24 * 30,
        description="Only events newer than this are sent, so backfilling old hours never alerts about old events.")
    max_attempts: int = Field(default=5, ge=1, le=50, description="POST attempts before an alert is dead-lettered.")
    timeout_seconds: float = Field(default=10, gt=0, le=120, description="Longest wait for a channel's answer to one POST.")
    lease_seconds: int = Field(
        default=300, ge=1, le=3600,
        description="How long a delivery run holds the alerts it claimed; a run that died releases them after this.")
    run_failure_channel: str | None = Field(default=None, description="Channel that hears about failed runs.")

    @model_validator(mode="after")
    def _references_exist(self) -> Alerts:
        channels = [channel.name for channel in self.channels]
        for what, names in (("channel", channels), ("rule", [rule.name for rule in self.rules])):
            if repeated(names):
                raise ValueError(f"{what} names must be unique; repeated: {', '.join(repeated(names))}")
        for rule in self.rules:
            if rule.channel not in channels:
                raise ValueError(f"rule {rule.name}: no channel named {rule.channel!r} (have: {', '.join(channels) or 'none'})")
            if rule.scope.watchlist and rule.scope.watchlist not in self.watchlists:
                raise ValueError(f"rule {rule.name}: no watchlist named {rule.scope.watchlist!r}")
        if self.run_failure_channel and self.run_failure_channel not in channels:
            raise ValueError(f"run_failure_channel: no channel named {self.run_failure_channel!r}")
        return self

    def channel(self, name: str) -> AlertChannel | None:
        return next((channel for channel in self.channels if channel.name == name), None)
