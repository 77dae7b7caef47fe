"""A real SMTP server on loopback (aiosmtpd) that records what it receives.

`SmtpServer` can be stopped and started again on the same port, to play an
SMTP server that is down for a while.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"]).strip()

    def part(self, content_type: str) -> str:
        found = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        return "" if found is None else str(found.get_content())


class _Recorder:
    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.sessions = 0  # connections open now
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class _CountingSMTP(SMTP):
    """aiosmtpd's SMTP session, counting open connections on the recorder."""

    def __init__(self, recorder: _Recorder, **kwargs: Any) -> None:
        super().__init__(recorder, **kwargs)
        self._recorder = recorder

    def connection_made(self, transport: Any) -> None:
        with self._recorder.lock:
            self._recorder.sessions += 1
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        super().connection_lost(error)
        with self._recorder.lock:
            self._recorder.sessions -= 1


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    """Loopback SMTP server; `messages` is everything it accepted, in order."""

    def __init__(self, port: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self._recorder = _Recorder()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        with self._recorder.lock:
            return list(self._recorder.messages)

    def start(self) -> None:
        if self._controller is None:
            self._controller = _Controller(self._recorder, hostname=self.host, port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def sessions(self) -> int:
        """How many SMTP connections are open now (a client sending, or one that died not yet noticed)."""
        with self._recorder.lock:
            return self._recorder.sessions

    def wait_for(self, count: int, *, timeout: float = 20.0) -> list[Received]:
        """Return the messages once at least `count` arrived, or fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.messages
            if len(messages) >= count:
                return messages
            time.sleep(0.05)
        raise AssertionError(f"expected {count} email(s) within {timeout}s, got {len(self.messages)}")
