"""`/healthz`: the database, broker, cache and beat, each with the real service, and each broken.

The heartbeat is written the way production writes it: the task beat sends, run by a real worker.
Breaking a service means pointing CareDesk at a port where nothing listens (database, broker) or
stopping a throwaway redis-server (cache); nothing is mocked.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common import cache as fail_safe
from config.celery import app
from health.checks import heartbeat_record
from health.models import Heartbeat
from tests.celery_services import wait_until
from tests.helpers.redis_server import RedisServer, free_port
from tests.helpers.subprocesses import load_settings

URL = "/healthz"
ALL_OK = {"database": "ok", "broker": "ok", "cache": "ok", "beat": "ok"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def probe(**params: Any) -> tuple[int, dict[str, str]]:
    """Ask /healthz as a load balancer does: signed out, plain HTTP."""
    response = Client(raise_request_exception=False).get(URL, params)
    return response.status_code, json.loads(response.content)


def test_the_url_is_healthz():
    assert reverse("healthz") == URL


@pytest.mark.django_db(transaction=True)
def test_all_ok_with_the_real_services_once_beat_s_heartbeat_ran_on_the_worker(worker):
    assert probe() == (503, {**ALL_OK, "beat": "failed"})  # nothing has run yet

    app.send_task("health.tasks.beat_heartbeat")  # what beat sends, by name
    wait_until(lambda: Heartbeat.objects.filter(name="beat").exists())

    assert probe() == (200, ALL_OK)


@pytest.mark.django_db
def test_beat_fails_once_its_heartbeat_is_older_than_the_setting(settings):
    settings.HEALTHZ_BEAT_MAX_AGE_SECONDS = 300
    heartbeat_record()
    with time_machine.travel(timezone.now() + timedelta(seconds=290)):
        assert probe() == (200, ALL_OK)
    with time_machine.travel(timezone.now() + timedelta(seconds=310)):
        assert probe() == (503, {**ALL_OK, "beat": "failed"})


@pytest.mark.django_db(transaction=True)
def test_a_database_that_does_not_answer_fails_the_database_check(caplog):
    heartbeat_record()
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())
    try:
        with caplog.at_level(logging.WARNING, logger="health.checks"):
            status, body = probe()
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    # The heartbeat is in the database too, so beat cannot be vouched for either.
    assert (status, body) == (503, {**ALL_OK, "database": "failed", "beat": "failed"})
    assert "Health check database failed: OperationalError" in caplog.text
    assert probe()[0] == 200


@pytest.mark.django_db(transaction=True)
def test_a_probe_with_a_session_cookie_still_gets_503_when_the_database_is_down(alice):
    # A browser, or a monitor that once signed in, sends its cookie: reading that session needs the
    # database, so public views are answered before the session is read.
    heartbeat_record()
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(alice)
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())
    try:
        response = signed_in.get(URL)
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert response.status_code == 503
    assert json.loads(response.content) == {**ALL_OK, "database": "failed", "beat": "failed"}
    assert signed_in.get(URL).status_code == 200


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_fails_the_broker_check(monkeypatch):
    heartbeat_record()
    monkeypatch.setattr(app.conf, "broker_write_url", f"redis://127.0.0.1:{free_port()}/0")
    assert probe() == (503, {**ALL_OK, "broker": "failed"})


@pytest.fixture
def own_cache(settings: Any, tmp_path: Any) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {"default": {"BACKEND": "common.cache.FailSafeRedisCache", "LOCATION": server.url, "OPTIONS": {}}}
    fail_safe.outages.reset()
    yield server
    server.stop()
    fail_safe.outages.reset()


@pytest.mark.django_db
def test_a_stopped_cache_fails_the_cache_check_and_the_probe_is_not_rate_limited_meanwhile(own_cache, settings):
    heartbeat_record()
    assert probe() == (200, ALL_OK)

    own_cache.stop()
    settings.HEALTHZ_RATE_LIMIT = "2/m"
    answers = [probe() for _ in range(4)]

    assert answers == [(503, {**ALL_OK, "cache": "failed"})] * 4  # limits fail open: the outage shows
    own_cache.start()
    assert probe() == (200, ALL_OK)


@pytest.mark.django_db
def test_a_load_balancer_may_ask_only_what_decides_whether_this_server_serves(monkeypatch):
    monkeypatch.setattr(app.conf, "broker_write_url", f"redis://127.0.0.1:{free_port()}/0")
    assert probe(check="database") == (200, {"database": "ok"})
    assert probe(check=["database", "broker"]) == (503, {"database": "ok", "broker": "failed"})
    assert probe(check="secrets")[0] == 400


@pytest.mark.django_db
def test_it_is_rate_limited_per_address(settings):
    settings.HEALTHZ_RATE_LIMIT = "3/m"
    heartbeat_record()
    assert [probe()[0] for _ in range(4)] == [200, 200, 200, 429]
    other = Client().get(URL, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 200


@pytest.mark.django_db
def test_it_needs_no_sign_in_shows_no_data_accepts_no_post_and_is_answered_over_plain_http(settings):
    settings.SECURE_SSL_REDIRECT = True
    heartbeat_record()
    response = Client().get(URL)
    assert response.status_code == 200  # not sent to sign in, not redirected to HTTPS
    assert set(json.loads(response.content).values()) == {"ok"}
    assert "no-cache" in response["Cache-Control"]
    assert Client().post(URL).status_code == 405
    assert Client().get("/queue/").status_code == 301  # other pages still go to HTTPS


def test_a_malformed_rate_limit_stops_the_process_at_start(tmp_path):
    result = load_settings(tmp_path, DEBUG="true", HEALTHZ_RATE_LIMIT="sixty")
    assert result.returncode != 0
    assert "HEALTHZ_RATE_LIMIT must look like 60/m" in result.stderr
    assert load_settings(tmp_path, DEBUG="true", HEALTHZ_RATE_LIMIT="10/5m").returncode == 0
