"""Fixtures for tests that run the real thing: the Redis broker, a Celery worker thread, an SMTP server.

Registered for every test module by tests/conftest.py (`pytest_plugins`). The worker runs in a thread
(`start_worker`, solo pool) with its own database connection, so tests using it are transactional.
Each pytest-xdist process has its own Redis DB (config/settings_test.py), flushed before and after.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
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
