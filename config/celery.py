"""The Celery application; tasks are discovered in each app's tasks.py."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import beat_init, before_task_publish, setup_logging, task_postrun, task_prerun, worker_init

from common import request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("caredesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class BeatScheduler(PersistentScheduler):
    """Celery's file-backed schedule, in a folder beat creates itself (a fresh clone has no var/)."""

    schedule_filename: str

    def setup_schedule(self) -> None:
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()


@worker_init.connect
@beat_init.connect
def _refuse_unsafe_production(**kwargs: object) -> None:
    """Workers and beat refuse to start with unsafe production settings, like the web server."""
    from config.production import production_problems

    problems = production_problems()
    if problems:
        # Celery logs and ignores exceptions from signal receivers; SystemExit stops the process.
        raise SystemExit("ImproperlyConfigured: " + " ".join(problems))


# A task queued while handling a request carries its id; the worker's log lines for it show the id.
before_task_publish.connect(request_id.add_to_task_headers, dispatch_uid="caredesk_request_id_publish")
task_prerun.connect(request_id.bind_for_task, dispatch_uid="caredesk_request_id_prerun")
task_postrun.connect(request_id.unbind_for_task, dispatch_uid="caredesk_request_id_postrun")


@setup_logging.connect
def _keep_django_logging(loglevel: int | str | None = None, **kwargs: object) -> None:
    """Workers and beat log with the LOGGING of config/settings.py (one format, the request id) instead
    of configuring their own; `--loglevel` may make them more talkative than LOG_LEVEL, never less."""
    root = logging.getLogger()
    level = logging.getLevelName(loglevel.upper()) if isinstance(loglevel, str) else loglevel
    if isinstance(level, int) and level < root.level:
        root.setLevel(level)
