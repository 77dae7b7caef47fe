"""The heartbeat task beat sends every minute (CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from health.checks import heartbeat_record


@shared_task(ignore_result=True)
def beat_heartbeat() -> None:
    """Record that beat dispatched and a worker ran its work just now."""
    heartbeat_record()
