"""A real local HTTP receiver for alert delivery tests: records every request and fails on demand
(an HTTP status, or a slow answer) for the next requests, in the order the plan gives.

Like receivers that honour ``Idempotency-Key`` (Stripe-style), it accepts each key once: a repeat
gets a 200 but is recorded as a duplicate, not a second delivery.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: dict
    answered: int | None = None  # status sent back; None while held or if the client left
    duplicate: bool = False


@dataclass
class AlertReceiver:
    requests: list[ReceivedRequest] = field(default_factory=list)
    plan: list[int | float] = field(default_factory=list)  # per request: a status, or seconds to hold then 200
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> AlertReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def fail_next(self, *plan: int | float) -> None:
        with self.lock:
            self.plan.extend(plan)

    @property
    def accepted(self) -> list[ReceivedRequest]:
        """Deliveries: first 2xx per Idempotency-Key."""
        return [request for request in self.requests if request.answered == 200 and not request.duplicate]

    def wait_for_requests(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} requests, got {len(self.requests)}")
            time.sleep(0.05)

    def wait_until_answered(self, timeout: float = 20) -> None:
        """Until every request so far has had its answer (slow answers included)."""
        deadline = time.monotonic() + timeout
        while any(request.answered is None for request in self.requests):
            if time.monotonic() > deadline:
                raise AssertionError("the receiver is still holding a request")
            time.sleep(0.05)

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                request = ReceivedRequest(self.path, {name.lower(): value for name, value in self.headers.items()}, body)
                with receiver.lock:
                    receiver.requests.append(request)
                    action = receiver.plan.pop(0) if receiver.plan else 200
                if isinstance(action, float):
                    time.sleep(action)
                    action = 200
                with receiver.lock:
                    key = request.headers.get("idempotency-key")
                    request.duplicate = action == 200 and any(
                        other.headers.get("idempotency-key") == key and other.answered == 200 and not other.duplicate
                        for other in receiver.requests if other is not request)
                    request.answered = action
                try:
                    self.send_response(action)
                    self.send_header("content-type", "application/json")
                    self.end_headers()
                    self.wfile.write(json.dumps({"ok": action == 200}).encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout) or was killed

            def log_message(self, *args):
                pass

        return Handler
