"""A real HTTP receiver on loopback for the webhook tests: records every request and answers as scripted.

`Receiver` listens on 127.0.0.1 on a free port (http.server's ThreadingHTTPServer, a thread per request).
Each request takes the next answer from its script, then the default: a status code to answer with,
`HANG` to keep the request waiting past the sender's timeout, or `TRICKLE` to answer a byte at a time.
`closed_url()` is an address nobody listens on (a receiver that is down).

Tests that use it define a small fixture (`with Receiver() as receiver: yield receiver`).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

# An answer that never comes in time: the request waits this long before a 200.
HANG = "hang"
HANG_SECONDS = 4.0
# An answer that comes a byte at a time, each byte well inside the sender's per-read timeout, but the
# whole far beyond it.
TRICKLE = "trickle"
TRICKLE_GAP_SECONDS = 0.4


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


class Receiver:
    """A scriptable webhook receiver: `fail(2)` answers 500 twice, then the default (204)."""

    def __init__(self, *, default: int | str = 204) -> None:
        self.requests: list[Request] = []
        self._script: list[int | str] = []
        self.default: int | str = default
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/caredesk"

    def answer(self, answers: Iterable[int | str]) -> None:
        """Answer the next requests with these, in order, then the default."""
        with self._lock:
            self._script.extend(answers)

    def fail(self, times: int, *, status: int = 500) -> None:
        self.answer([status] * times)

    def wait_for(self, count: int, *, timeout: float = 30.0) -> list[Request]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} requests, got {len(self.requests)}")

    def _next_answer(self) -> int | str:
        with self._lock:
            return self._script.pop(0) if self._script else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver._lock:
                    receiver.requests.append(Request(self.path, headers, body))
                answer = receiver._next_answer()
                if answer == TRICKLE:
                    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok":
                        if receiver._stopping.wait(TRICKLE_GAP_SECONDS):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    return
                if answer == HANG:
                    receiver._stopping.wait(HANG_SECONDS)
                    answer = 200
                status = int(answer)
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "https://elsewhere.example/")
                payload = b'{"ok": true}' if status < 300 else b"receiver says no"
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def closed_url() -> str:
    """Return a loopback URL nobody listens on: connecting is refused at once (a receiver that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/caredesk"


def make_endpoint(url: str, **fields: Any) -> Any:
    """Store an endpoint directly (every event, switched on): the tests' receivers are on loopback, which the
    managers' form refuses unless WEBHOOK_ALLOW_PRIVATE."""
    from webhooks.models import COMPLAINT_EVENTS, WebhookEndpoint

    return WebhookEndpoint.objects.create(url=url, **{"events": list(COMPLAINT_EVENTS), **fields})
