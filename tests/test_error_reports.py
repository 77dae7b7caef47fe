"""Error reports: ADMINS are emailed a server error's traceback, and Sentry (when SENTRY_DSN is set)
gets it; neither gets what people typed or who they are (common/error_reports.py)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from common.error_reports import REMOVED, scrub_sentry_event, sentry_options
from config.env import env_addresses
from tests.helpers.subprocesses import run_python

# --- ADMINS ---------------------------------------------------------------------------------------


def test_admins_are_read_as_names_and_addresses():
    environ = {"ADMINS": "Ann Admin <ann@example.com>, ops@example.com"}
    assert env_addresses("ADMINS", environ=environ) == [("Ann Admin", "ann@example.com"), ("", "ops@example.com")]
    assert env_addresses("ADMINS", environ={}) == []
    assert env_addresses("ADMINS", environ={"ADMINS": " "}) == []


@pytest.mark.parametrize(
    "value", ["ann", "Ann <ann@>", "ann@example.com; bob@example.com", "a@example.com\r\nBcc: x@y.z"]
)
def test_a_malformed_admins_stops_the_process_naming_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="ADMINS"):
        env_addresses("ADMINS", environ={"ADMINS": value})


@pytest.mark.django_db
@pytest.mark.urls("tests.helpers.request_id_urls")
def test_a_server_error_is_emailed_to_admins_with_its_request_id_and_no_personal_data(settings):
    settings.ADMINS = [("Ops", "ops@example.com")]
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-key"
    response = client.post(
        "/test/boom/?q=Carla+Customer",
        {"summary": "My neighbour Dora Smith broke it", "email": "dora@example.org"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert response.status_code == 500
    [email] = mail.outbox
    assert email.to == ["ops@example.com"]
    assert "Internal Server Error: /test/boom/" in email.subject
    body = email.body
    assert f"[{response['X-Request-ID']}] django.request Internal Server Error: /test/boom/" in body
    # What finding the fault needs.
    assert "Boom" in body
    assert "Traceback" in body
    for personal in ("Carla", "Dora", "dora@example.org", "carla@example.org", "a-session-key", "198.51.100.7"):
        assert personal not in body, personal
    assert f"summary = '{REMOVED}'" in body
    assert "CELERY_BROKER_URL" not in body  # settings hold passwords in URLs
    assert "INSTALLED_APPS = " in body


def test_a_survey_token_in_the_path_is_left_out_of_the_email(settings, rf):
    from common.error_reports import PersonalDataReporter

    request = rf.get("/survey/MQ:1xZ1ST:emgjZUKqbCe1RWqVxpqR5TJuVHKLEdv68MEoZBq8JE0/")
    try:
        raise ValueError("x")
    except ValueError as exc:
        text = PersonalDataReporter(request, type(exc), exc, exc.__traceback__).get_traceback_text()
    assert "emgjZUKq" not in text
    assert f"/survey/{REMOVED}/" in text


# --- Sentry ---------------------------------------------------------------------------------------

EVENT: dict[str, Any] = {
    "message": "Could not email dora@example.org",
    "logentry": {"message": "Could not email %s", "params": ["dora@example.org"], "formatted": "x dora@example.org"},
    "request": {
        "url": "https://caredesk.example.com/survey/MQ:1xZ1ST:emgjZUKqbCe1RWqVxpqR5TJuVHKLEdv68MEoZBq8JE0/",
        "method": "POST",
        "query_string": "q=Carla+Customer",
        "data": {"summary": "My neighbour Dora Smith broke it"},
        "cookies": {"sessionid": "a-session-key"},
        "headers": {
            "Host": "caredesk.example.com",
            "Cookie": "sessionid=a-session-key",
            "Authorization": "Basic xyz",
            "X-Forwarded-For": "198.51.100.7",
            "Referer": "https://caredesk.example.com/complaints/?q=Carla",
            "X-Request-Id": "abcdef0123456789",
            "User-Agent": "Mozilla/5.0",
        },
        "env": {"REMOTE_ADDR": "198.51.100.7"},
    },
    "user": {"id": "7", "email": "alice@example.com", "username": "alice", "ip_address": "198.51.100.7"},
    "exception": {
        "values": [
            {
                "type": "IntegrityError",
                "value": "Key (email)=(carla@example.org) already exists.",
                "stacktrace": {"frames": [{"function": "customer_create", "vars": {"name": "'Carla Customer'"}}]},
            }
        ]
    },
    "breadcrumbs": {"values": [{"category": "query", "message": "SELECT … 'carla@example.org'", "data": {"x": 1}}]},
    "tags": {"request_id": "abcdef0123456789"},
}


def test_the_sentry_scrubber_drops_bodies_cookies_personal_headers_user_details_and_local_variables():
    event = scrub_sentry_event(copy.deepcopy(EVENT), {})
    text = json.dumps(event)
    for personal in (
        "Dora",
        "dora@example.org",
        "carla@example.org",
        "Carla",
        "a-session-key",
        "alice",
        "198.51.100.7",
        "Basic xyz",
        "emgjZUKq",
    ):
        assert personal not in text, personal
    request = event["request"]
    assert set(request) == {"url", "method", "headers"}
    assert request["headers"] == {
        "Host": "caredesk.example.com",
        "X-Request-Id": "abcdef0123456789",
        "User-Agent": "Mozilla/5.0",
    }
    assert request["url"] == f"https://caredesk.example.com/survey/{REMOVED}/"
    assert event["user"] == {"id": "7"}
    assert event["exception"]["values"][0]["value"] == f"Key (email)=({REMOVED}) already exists."
    assert event["exception"]["values"][0]["stacktrace"]["frames"] == [{"function": "customer_create"}]
    assert event["tags"] == {"request_id": "abcdef0123456789"}  # how the 500 page's reference finds it


def test_the_scrubber_takes_events_without_a_request_or_user():
    assert scrub_sentry_event({"message": "beat stopped"}, None) == {"message": "beat stopped"}


def test_sentry_collects_nothing_personal_in_the_first_place():
    options = sentry_options(dsn="http://public@127.0.0.1:9/1", environment="production", release="")
    assert options["send_default_pii"] is False
    assert options["include_local_variables"] is False
    assert options["max_request_body_size"] == "never"
    assert options["before_send"] is scrub_sentry_event
    assert options["traces_sample_rate"] == 0.0


PROBE = (
    "import json, django; django.setup(); import sentry_sdk; c = sentry_sdk.get_client(); "
    "print(json.dumps({'active': c.is_active(), 'pii': c.options.get('send_default_pii'), "
    "'scrub': getattr(c.options.get('before_send'), '__name__', None)}))"
)


@pytest.mark.parametrize(
    ("dsn", "expected"), [("", {"active": False}), ("http://public@127.0.0.1:9/1", {"active": True})]
)
def test_sentry_is_on_only_when_sentry_dsn_is_set(tmp_path, dsn, expected):
    env = {"DEBUG": "true", "SENTRY_DSN": dsn} if dsn else {"DEBUG": "true"}
    result = run_python(tmp_path, "-c", PROBE, **env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["active"] is expected["active"]
    if dsn:  # a loopback port where nothing listens: no Sentry server is ever contacted
        assert answer["pii"] is False
        assert answer["scrub"] == "scrub_sentry_event"
