"""Alerts as data: the dedupe key, the channel-neutral message, and each channel's request body.

Pure functions, no I/O: detection builds :class:`AlertMessage` values, delivery turns them into
the JSON a webhook, Slack or the WhatsApp Business Cloud API expects.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from orchestration.config.alerts import AlertChannel

HEADLINES = {
    "price_below": "Price below target",
    "price_drop": "Price drop",
    "back_in_stock": "Back in stock",
    "all_time_low": "All-time low",
    "flash_sale_started": "Flash sale started",
    "misleading_discount": "Misleading discount",
    "new_comet": "New comet creator",
    "source_unhealthy": "Source unhealthy",
    "run_failure": "Run failed",
}


def dedupe_key(rule: str, subject: str, event_start: datetime | str) -> str:
    """One key per (rule, subject, event start): the outbox's unique key and the Idempotency-Key,
    so re-detecting an event, in a rerun or a backfill, can never make a second alert."""
    start = event_start.isoformat() if isinstance(event_start, datetime) else event_start
    return hashlib.sha256(f"{rule}\x1f{subject}\x1f{start}".encode()).hexdigest()[:40]


@dataclass(frozen=True)
class AlertMessage:
    """What happened, to what, where: everything a channel shows. No secrets, no channel URLs."""

    rule: str
    kind: str
    subject_key: str  # product key, creator id, source name or run id
    event_at: datetime
    title: str
    source: str | None = None
    url: str | None = None
    currency: str | None = None
    price: Decimal | None = None
    previous_price: Decimal | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return dedupe_key(self.rule, self.subject_key, self.event_at)

    @property
    def headline(self) -> str:
        return HEADLINES.get(self.kind, self.kind)

    @property
    def change_pct(self) -> Decimal | None:
        if self.price is None or not self.previous_price:
            return None
        return ((self.price - self.previous_price) / self.previous_price * 100).quantize(Decimal("0.1"))

    def price_text(self) -> str | None:
        """``USD 24.00 (was 32.00, -25.0%)``, or None when the alert is not about a price."""
        if self.price is None:
            return None
        text = f"{self.currency or ''} {self.price:,.2f}".strip()
        if self.previous_price is not None:
            change = self.change_pct
            text += f" (was {self.previous_price:,.2f}" + (f", {change:+}%)" if change is not None else ")")
        return text

    def summary(self) -> str:
        """One plain-text line: headline, title, price, source."""
        parts = [f"{self.headline}: {self.title}", self.price_text(), self.source and f"on {self.source}"]
        return " · ".join(part for part in parts if part)

    def to_json(self) -> dict[str, Any]:
        values = asdict(self)
        values["event_at"] = self.event_at.isoformat()
        for name in ("price", "previous_price"):
            values[name] = None if values[name] is None else str(values[name])
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> AlertMessage:
        values = dict(values)
        values["event_at"] = datetime.fromisoformat(values["event_at"])
        for name in ("price", "previous_price"):
            values[name] = None if values.get(name) is None else Decimal(values[name])
        return cls(**values)


def webhook_body(message: AlertMessage) -> dict[str, Any]:
    """Generic JSON: every field, plus the dedupe key receivers can use to drop repeats."""
    return {"alert_id": message.key, "headline": message.headline, "summary": message.summary(),
            "change_pct": None if message.change_pct is None else str(message.change_pct), **message.to_json()}


def slack_body(message: AlertMessage) -> dict[str, Any]:
    """A Slack incoming-webhook message: a header, the linked title with the price change, and the
    source and rule as context. ``text`` is the notification fallback."""
    title = f"<{message.url}|{_slack_escape(message.title)}>" if message.url else _slack_escape(message.title)
    lines = [f"*{title}*"]
    if message.price_text():
        lines.append(message.price_text())
    lines.extend(f"{name.replace('_', ' ')}: {value}" for name, value in message.details.items() if value is not None)
    context = [f"rule `{message.rule}`", f"{message.event_at:%Y-%m-%d %H:%M} UTC"]
    if message.source:
        context.insert(0, f"source *{_slack_escape(message.source)}*")
    return {
        "text": message.summary(),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": message.headline[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(context)}]},
        ],
    }


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def whatsapp_body(message: AlertMessage, channel: AlertChannel) -> dict[str, Any]:
    """A WhatsApp Business Cloud API template message. Business-initiated messages must use a
    pre-approved template; its body takes four parameters: headline, title, price (or what
    happened) and link."""
    what = message.price_text() or "; ".join(f"{name.replace('_', ' ')}: {value}"
                                            for name, value in message.details.items()) or message.headline
    parameters = [message.headline, message.title, what, message.url or message.source or "-"]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": channel.recipient,
        "type": "template",
        "template": {
            "name": channel.template,
            "language": {"code": channel.language},
            # WhatsApp refuses template parameters with newlines or tabs.
            "components": [{"type": "body", "parameters": [
                {"type": "text", "text": " ".join(str(value).split())[:1024]} for value in parameters]}],
        },
    }


def channel_body(message: AlertMessage, channel: AlertChannel) -> dict[str, Any]:
    if channel.kind == "slack":
        return slack_body(message)
    if channel.kind == "whatsapp":
        return whatsapp_body(message, channel)
    return webhook_body(message)
