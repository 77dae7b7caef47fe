"""What `/healthz` checks: the database, the broker, the cache, and that beat dispatched recently.

Each check answers only True or False; why one failed goes to the log (a warning with the error's
type), never into the answer, which anyone may read.

Beat's heartbeat is a row written by a task beat sends every minute (`health.tasks.beat_heartbeat`),
run by a worker: a recent row proves the whole chain that sends every reminder works — beat
dispatches, the broker delivers, a worker runs, the database is written. It is in the database, not
the cache, because the cache may be a worker's own memory (no CACHE_URL) or down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from common.cache import cache_ping
from config.celery import app
from health.models import Heartbeat

logger = logging.getLogger(__name__)

BEAT = "beat"
# Seconds the broker check may take before it counts as failed.
BROKER_TIMEOUT = 3


def heartbeat_record(*, now: datetime | None = None) -> None:
    """Store that beat's heartbeat task ran now."""
    Heartbeat.objects.update_or_create(name=BEAT, defaults={"at": now or timezone.now()})


def database_ok() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return bool(cursor.fetchone() == (1,))


def broker_ok() -> bool:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)
        return bool(conn.connected)


def cache_ok() -> bool:
    cache_ping()
    return True


def beat_ok() -> bool:
    last = Heartbeat.objects.filter(name=BEAT).values_list("at", flat=True).first()
    max_age = timedelta(seconds=int(settings.HEALTHZ_BEAT_MAX_AGE_SECONDS))
    return last is not None and timezone.now() - last <= max_age


# In the order they are answered.
CHECKS: dict[str, Callable[[], bool]] = {
    "database": database_ok,
    "broker": broker_ok,
    "cache": cache_ok,
    "beat": beat_ok,
}


def run_checks(names: list[str]) -> dict[str, bool]:
    """Run the named checks; a check that raises has failed (logged with the error's type)."""
    results = {}
    for name in names:
        try:
            results[name] = bool(CHECKS[name]())
        except Exception as exc:  # any error means this part is not healthy
            logger.warning("Health check %s failed: %s", name, type(exc).__name__)
            results[name] = False
        else:
            if not results[name]:
                logger.warning("Health check %s failed.", name)
    return results
