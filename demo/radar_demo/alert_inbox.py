"""DEMO: a Slack-style incoming-webhook receiver inside the demo market, so `make demo` shows its
alerts arriving without a real Slack. It keeps what it received (GET /_demo/alerts lists it)
and, like receivers that honour Idempotency-Key, keeps a repeated key once."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

INBOX_PATH = "/_demo/alerts"


@dataclass
class AlertInbox:
    messages: list[dict] = field(default_factory=list)
    repeats: int = 0
    _keys: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, idempotency_key: str | None, body: bytes) -> tuple[int, bytes, str]:
        try:
            message = json.loads(body)
        except ValueError:
            return 400, b"invalid_payload", "text/plain"
        if not isinstance(message, dict) or not ("text" in message or "blocks" in message):
            return 400, b"no_text", "text/plain"  # what Slack answers a body without text or blocks
        with self._lock:
            if idempotency_key and idempotency_key in self._keys:
                self.repeats += 1
            else:
                self._keys.add(idempotency_key or f"anonymous-{len(self.messages)}")
                self.messages.append(message)
        return 200, b"ok", "text/plain"

    def listing(self) -> tuple[int, bytes, str]:
        with self._lock:
            body = {"messages": list(self.messages), "repeats_dropped": self.repeats}
        return 200, json.dumps(body).encode(), "application/json"
