"""Settings come from the environment and refuse unsafe or malformed values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from config.env import env_bool, env_int, env_list, env_str
from tests.celery_services import wait_until
from tests.helpers.subprocesses import load_settings, run_python

ROOT = Path(__file__).resolve().parent.parent


# How production starts: the web app (gunicorn imports config.wsgi), a worker and beat.
STARTS = {
    "web": ("-c", "import config.wsgi"),
    "worker": ("-m", "celery", "-A", "config", "worker", "--pool=solo", "--without-mingle", "--without-gossip"),
    "beat": ("-m", "celery", "-A", "config", "beat"),
}


@pytest.mark.parametrize("start", list(STARTS))
def test_production_mode_without_secret_key_refuses_to_start(tmp_path, start):
    result = run_python(tmp_path, *STARTS[start], ALLOWED_HOSTS="caredesk.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("key", ["short", "django-insecure-" + "x" * 40])
def test_production_mode_refuses_a_weak_secret_key(tmp_path, key):
    result = run_python(tmp_path, *STARTS["web"], SECRET_KEY=key, ALLOWED_HOSTS="caredesk.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_mode_without_allowed_hosts_refuses_to_start(tmp_path):
    result = run_python(tmp_path, *STARTS["web"], SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_a_real_key_and_hosts_let_the_web_app_start(tmp_path):
    result = run_python(tmp_path, *STARTS["web"], SECRET_KEY="k" * 50, ALLOWED_HOSTS="caredesk.example.com")
    assert result.returncode == 0, result.stderr


def test_deploy_check_reports_unsafe_production_settings(tmp_path):
    result = run_python(tmp_path, "manage.py", "check", "--deploy")
    assert result.returncode != 0
    assert "caredesk.E001" in result.stderr


def test_development_commands_need_no_secrets_on_a_fresh_checkout(tmp_path):
    # No DEBUG, no SECRET_KEY: a developer's `makemigrations --check` must still run.
    result = run_python(tmp_path, "manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_malformed_debug_value_refuses_to_start(tmp_path):
    result = load_settings(tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_default_is_the_embedded_setup(tmp_path):
    result = load_settings(tmp_path, DEBUG="true")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["db"] == str(tmp_path / "caredesk.sqlite3")
    assert loaded["broker"] == "filesystem://"
    assert loaded["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert (tmp_path / "celery" / "broker").is_dir()


def test_urls_switch_to_the_production_shape(tmp_path):
    result = load_settings(
        tmp_path,
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="caredesk.example.com, www.caredesk.example.com",
        DATABASE_URL="postgres://caredesk:secret@db.internal:5432/caredesk",
        CELERY_BROKER_URL="redis://cache.internal:6379/0",
        EMAIL_HOST="smtp.internal",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["db"] == "caredesk"
    assert loaded["broker"] == "redis://cache.internal:6379/0"
    assert loaded["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["debug"] is False
    assert loaded["hosts"] == ["caredesk.example.com", "www.caredesk.example.com"]


def test_malformed_database_url_refuses_to_start(tmp_path):
    result = load_settings(tmp_path, DEBUG="true", DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), ("yes", True), ("on", True), ("0", False), ("false", False), ("off", False)],
)
def test_env_bool_accepts_the_usual_spellings(raw, expected):
    assert env_bool("FLAG", environ={"FLAG": raw}) is expected


def test_env_helpers_fall_back_to_defaults_when_unset():
    assert env_bool("FLAG", True, environ={}) is True
    assert env_int("N", 7, environ={}) == 7
    assert env_str("S", "x", environ={}) == "x"
    assert env_list("L", ["a"], environ={}) == ["a"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: env_bool("FLAG", environ={"FLAG": "perhaps"}), "FLAG must be one of"),
        (lambda: env_int("N", 1, environ={"N": "ten"}), "N must be a whole number"),
        (lambda: env_int("N", 1, minimum=1, environ={"N": "0"}), "N must be at least 1"),
    ],
)
def test_env_helpers_fail_loudly_on_malformed_values(call, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        call()


def test_env_list_splits_and_strips():
    assert env_list("L", environ={"L": " a, b ,,c "}) == ["a", "b", "c"]


@pytest.mark.django_db
def test_migrations_match_the_models():
    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _production_environ(var_dir: Path, **env: str) -> dict[str, str]:
    """Return a production-shaped environment: DEBUG off, real secrets, PostgreSQL and Redis, nothing under var/ yet."""
    environ = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CAREDESK_VAR_DIR": str(var_dir),
        "DEBUG": "false",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "caredesk.example.com",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    environ.update(env)
    return environ


@pytest.mark.parametrize("where", ["default", "configured"])
def test_beat_starts_on_a_fresh_checkout_with_production_settings(tmp_path, where):
    # A fresh clone has no var/ at all; beat must create the folder its schedule lives in.
    var_dir = tmp_path / "var"
    schedule = tmp_path / "state" / "caredesk" / "beat-schedule"
    extra = {"CELERY_BEAT_SCHEDULE_FILENAME": str(schedule)} if where == "configured" else {}
    expected_folder = schedule.parent if where == "configured" else var_dir / "celery"
    log = tmp_path / "beat.log"
    with log.open("w") as out:
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=DEBUG"],
            cwd=ROOT,
            env=_production_environ(var_dir, **extra),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        # "Waking up" is logged after beat's first pass over the schedule.
        wait_until(lambda: "beat: Waking up" in log.read_text() or beat.poll() is not None, timeout=60)
    finally:
        beat.terminate()
        beat.wait(timeout=30)
    output = log.read_text()
    assert "beat: Starting..." in output
    assert "Traceback" not in output, output
    assert "beat: Waking up" in output, output
    assert [path.name for path in expected_folder.iterdir() if path.name.startswith("beat-schedule")], output
