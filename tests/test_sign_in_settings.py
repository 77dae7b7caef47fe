"""The sign-in settings: two-step sign-in required in production and not in the demo, the idle time."""

from __future__ import annotations

import json

from tests.helpers.subprocesses import run_python

PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'required': s.REQUIRE_2FA_FOR_MANAGERS, 'age': s.SESSION_COOKIE_AGE}))"
)


def sign_in_settings(tmp_path, **env):
    result = run_python(tmp_path, "-c", PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_two_step_sign_in_is_required_of_managers_in_production_and_not_in_the_demo(tmp_path):
    assert sign_in_settings(tmp_path, SECRET_KEY="k" * 50)["required"] is True
    assert sign_in_settings(tmp_path, DEBUG="true")["required"] is False
    assert sign_in_settings(tmp_path, DEBUG="true", REQUIRE_2FA_FOR_MANAGERS="true")["required"] is True
    assert sign_in_settings(tmp_path, SECRET_KEY="k" * 50, REQUIRE_2FA_FOR_MANAGERS="false")["required"] is False


def test_a_sign_in_lasts_eight_idle_hours_unless_told_otherwise(tmp_path):
    assert sign_in_settings(tmp_path, DEBUG="true")["age"] == 8 * 3600
    assert sign_in_settings(tmp_path, DEBUG="true", SESSION_IDLE_MINUTES="30")["age"] == 30 * 60


def test_the_old_session_cookie_age_is_refused_rather_than_ignored(tmp_path):
    result = run_python(tmp_path, "-c", PROBE, DEBUG="true", SESSION_COOKIE_AGE="43200")
    assert result.returncode != 0
    assert "SESSION_COOKIE_AGE is no longer read: set SESSION_IDLE_MINUTES" in result.stderr


def test_an_idle_time_under_five_minutes_is_refused(tmp_path):
    result = run_python(tmp_path, "-c", PROBE, DEBUG="true", SESSION_IDLE_MINUTES="2")
    assert result.returncode != 0
    assert "SESSION_IDLE_MINUTES" in result.stderr
