"""Fixtures for tests that run the real thing: the Redis broker, a Celery worker thread, an SMTP server.

Registered for every test module by tests/conftest.py (`pytest_plugins`). The worker runs in a thread
(`start_worker`, solo pool) with its own database connection, so tests using it are transactional.
Each pytest-xdist process has its own Redis DB (config/settings_test.py), flushed before and after.

`wait_for_idle` is how a test knows that nothing more will arrive, instead of sleeping a while.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from config.celery import app
from tests.smtp import SmtpServer


@pytest.fixture
def broker() -> Iterator[None]:
    client = redis.Redis.from_url(app.conf.broker_url)
    client.flushdb()
    yield
    client.flushdb()
    client.close()


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    """An SMTP server on loopback that Django's mail sends to; retries seconds apart, not minutes."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    # Seconds, not minutes, between retries, so the down-then-up tests finish quickly.
    settings.REMINDER_RETRY_BASE_SECONDS = 1
    settings.REMINDER_RETRY_MAX_SECONDS = 2
    yield server
    server.stop()


@pytest.fixture
def loopback_smtp() -> Iterator[SmtpServer]:
    """An SMTP server on loopback for worker processes of their own (this process's mail settings untouched)."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(broker: None, smtp: SmtpServer) -> Iterator[None]:
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield


def wait_until(check: Callable[[], bool], *, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def queued_messages(client: redis.Redis) -> int:
    """How many task messages wait in the broker's queues (kombu keeps one Redis list per priority)."""
    queue = app.conf.task_default_queue
    names = [queue.encode(), *client.scan_iter(match=f"{queue}\x06\x16*")]
    return sum(int(client.llen(name)) for name in names)


def unacked_messages(client: redis.Redis) -> set[str]:
    """The delivery tags of messages a worker has taken and not yet acknowledged.

    Every task acks late (CELERY_TASK_ACKS_LATE), so a message stays here until its task finished,
    retries waiting out their countdown included: queued + unacked is all the work there is.
    """
    return {tag.decode() if isinstance(tag, bytes) else tag for tag in client.hkeys("unacked")}


def wait_for_idle(
    *,
    smtp: SmtpServer | None = None,
    orphans: Collection[str] = (),
    timeout: float = 60.0,
    settle: float = 0.3,
) -> None:
    """Wait until the workers have nothing left to do: no queued message, none taken and unacknowledged,
    and (given `smtp`) no SMTP connection open. Then nothing more can arrive.

    `orphans` are unacknowledged messages of a worker that was killed: Redis gives them back only after
    the visibility timeout (an hour), so they are no work for this test. The state must hold for
    `settle` seconds, because a worker pops a message and records it as unacknowledged in two steps.
    """
    client = redis.Redis.from_url(app.conf.broker_url)
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    try:
        while True:
            now = time.monotonic()
            busy = (
                queued_messages(client)
                or unacked_messages(client) - set(orphans)
                or (smtp is not None and smtp.sessions)
            )
            if busy:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= settle:
                return
            if now > deadline:
                raise AssertionError(
                    f"the workers were still busy after {timeout}s: {queued_messages(client)} queued, "
                    f"{len(unacked_messages(client) - set(orphans))} unacknowledged"
                )
            time.sleep(0.05)
    finally:
        client.close()
