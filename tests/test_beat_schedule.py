"""Every periodic task beat sends names a task the workers have registered.

Beat sends a task by its name; a worker that does not know the name logs it and drops the message.
A typo in CELERY_BEAT_SCHEDULE would therefore start every process and stop every reminder, digest
and dashboard refresh without a single error a person would see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from config.celery import app

BASE_DIR = Path(__file__).resolve().parent.parent


def registered_tasks() -> set[str]:
    """The task names a worker knows: what autodiscovery registers when the worker starts."""
    app.loader.import_default_modules()  # what `celery worker` does at start: runs autodiscovery
    return {name for name in app.tasks if not name.startswith("celery.")}


def unregistered(schedule: dict[str, dict[str, Any]]) -> list[str]:
    known = registered_tasks()
    return [f"{key}: {entry['task']}" for key, entry in schedule.items() if entry["task"] not in known]


def test_every_scheduled_task_is_registered() -> None:
    assert settings.CELERY_BEAT_SCHEDULE  # beat has something to do
    assert unregistered(settings.CELERY_BEAT_SCHEDULE) == []


def test_a_misspelt_task_name_is_caught() -> None:
    schedule = {"dispatch-due-reminders": {"task": "recovery.tasks.dispatch_due_remiders", "schedule": 60.0}}
    assert unregistered(schedule) == ["dispatch-due-reminders: recovery.tasks.dispatch_due_remiders"]


def test_the_reminders_scan_and_the_digests_are_scheduled() -> None:
    tasks = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["recovery.tasks.dispatch_due_reminders"]["schedule"] == 60.0
    assert "recovery.tasks.dispatch_manager_digests" in tasks
    assert "recovery.tasks.refresh_dashboard" in tasks  # DASHBOARD_CACHE_SECONDS is on by default


def test_every_message_expires_before_the_next_one_is_sent() -> None:
    # A stopped worker must not find a pile of scans waiting for it: one is enough.
    schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
    for key, entry in schedule.items():
        assert 0 < entry["options"]["expires"] < entry["schedule"], key


@pytest.mark.parametrize("cache_seconds", ["0", "300"])
def test_the_schedule_a_production_beat_runs_is_registered_too(cache_seconds: str) -> None:
    """The production settings module, as beat loads it, with the dashboard refresh off and at its longest."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "DASHBOARD_CACHE_SECONDS": cache_seconds,
    }
    probe = (
        "import json, django; django.setup(); from django.conf import settings; from config.celery import app; "
        "app.loader.import_default_modules(); "
        "print(json.dumps({'schedule': {k: e['task'] for k, e in settings.CELERY_BEAT_SCHEDULE.items()}, "
        "'tasks': sorted(app.tasks)}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", probe], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(found["schedule"].values()) <= set(found["tasks"])
    assert ("refresh-dashboard" in found["schedule"]) is (cache_seconds != "0")
