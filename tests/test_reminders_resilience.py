"""Reminders under load and under failure, end to end: Redis broker, real worker processes, aiosmtpd.

The workers are `celery -A config worker` subprocesses (one can then be SIGKILLed) on this test
process's Redis DB and test database; they run the production settings module with EMAIL_HOST
pointing at the loopback SMTP server (the test settings would swap in the locmem backend).
Every email carries `X-CareDesk-Reminder: <id>`, which is how duplicates and gaps are counted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app
from recovery import tasks
from recovery.models import Reminder, ReminderKind, ReminderStatus, Stage
from recovery.notifications import sending
from tests.celery_services import unacked_messages, wait_for_idle
from tests.factories import front_line_user, log_complaint
from tests.helpers.subprocesses import start_worker
from tests.smtp import SmtpServer

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(app.conf.broker_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Starts `celery worker` subprocesses on this test's broker DB, test database and SMTP server."""

    def __init__(self, smtp: SmtpServer, tmp_path: Path) -> None:
        self.smtp = smtp
        self.tmp_path = tmp_path
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="false",
            SECRET_KEY="test-only-secret-key-that-is-long-enough-for-checks",
            ALLOWED_HOSTS="localhost",
            DATABASE_URL=_database_url(),
            CELERY_BROKER_URL=app.conf.broker_url,
            EMAIL_HOST=self.smtp.host,
            EMAIL_PORT=str(self.smtp.port),
            EMAIL_TIMEOUT="5",
            LOG_LEVEL="WARNING",
        )
        proc = start_worker(name, env, self.tmp_path / f"{name}.log")
        self.procs[name] = proc
        return proc

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def workers(broker: redis.Redis, smtp: SmtpServer, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(smtp, tmp_path)
    yield pool
    pool.stop()


def wait_until(check: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout}s")


def received_ids(smtp: SmtpServer) -> Counter[int]:
    return Counter(int(str(m.message["X-CareDesk-Reminder"])) for m in smtp.messages)


def due_reminders(count: int, *, per_complaint: int = 100) -> set[int]:
    """Create `count` due, pending reminders on a few logged complaints (one row per round)."""
    alice = front_line_user(username="alice")
    rows: list[Reminder] = []
    while len(rows) < count:
        complaint = log_complaint(user=alice)
        n = min(per_complaint, count - len(rows))
        rows += [
            Reminder(
                complaint=complaint,
                kind=ReminderKind.STEP_OVERDUE,
                round=100 + i,  # rounds the workflow never reaches, so no clash with its own rows
                step=Stage.APOLOGIZE,
                due_at=timezone.now() - timedelta(minutes=1),
                recipient=alice,
                recipient_email=alice.email,
            )
            for i in range(n)
        ]
    ids = {r.pk for r in Reminder.objects.bulk_create(rows)}
    Reminder.objects.exclude(pk__in=ids).delete()  # the workflow's own (not due, or to the customer)
    return ids


def lease_run_out() -> datetime:
    """A scan's clock once every lease taken now has run out, as if the worker holding it died.

    Claims in these tests keep the normal lease (minutes, REMINDER_LEASE_SECONDS), so a slow start
    on a loaded machine never lets one run out by itself; a test re-claims by scanning at this time.
    """
    return timezone.now() + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)


def marked_sent(ids: set[int]) -> set[int]:
    return set(Reminder.objects.filter(pk__in=ids, status=ReminderStatus.SENT).values_list("pk", flat=True))


def attempts(ids: set[int]) -> Counter[int]:
    """How many reminders have each number of attempts (claims plus retries)."""
    return Counter(Reminder.objects.filter(pk__in=ids).values_list("attempts", flat=True))


def test_a_thousand_due_reminders_two_workers_each_sent_once(
    starter_data: None, workers: Workers, smtp: SmtpServer
) -> None:
    ids = due_reminders(1000)
    workers.start("w1")
    workers.start("w2")

    tasks.dispatch_due_reminders.delay()  # what beat does, through the broker

    smtp.wait_for(1000, timeout=120)
    wait_for_idle(smtp=smtp)  # every message taken and acknowledged: anything extra has arrived
    got = received_ids(smtp)
    assert set(got) == ids
    assert max(got.values()) == 1
    assert len(smtp.messages) == 1000
    assert marked_sent(ids) == ids
    assert attempts(ids) == {1: 1000}  # claimed once each, never re-claimed or retried


def test_a_worker_killed_mid_batch_loses_nothing(starter_data: None, workers: Workers, smtp: SmtpServer) -> None:
    """SIGKILL a worker part-way through a batch; after the lease expires every reminder arrives.

    Delivery is at-least-once, not exactly-once (PITFALLS.md, Celery and Redis): if the worker
    dies after the SMTP server accepted a message and before it marked the row sent, the re-claim
    sends that one again. So this asserts that nothing is missing and that a duplicate, if any, is
    the one reminder in flight at the kill (emailed but not marked sent), never another.
    """
    ids = due_reminders(300)
    victim = workers.start("victim")
    assert sending.reminders_claim_due(enqueue=tasks._enqueue) == 300

    smtp.wait_for(20, timeout=60)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    # The victim's connection is closed once the server has recorded, or dropped, what it was sending.
    wait_until(lambda: smtp.sessions == 0, timeout=10, what="the victim's SMTP connection closed")
    before = received_ids(smtp)
    marked = marked_sent(ids)
    in_flight = set(before) - marked
    assert 0 < len(before) < 300, "the kill must land in the middle of the batch"
    assert marked <= set(before)
    assert len(in_flight) <= 1  # solo pool, prefetch 1: at most one send was under way
    # The message the victim held stays unacknowledged in Redis for the visibility timeout (an hour).
    client = redis.Redis.from_url(app.conf.broker_url)
    orphans = unacked_messages(client)
    client.close()
    assert len(orphans) <= 1

    # The next scan after the leases ran out claims every unsent reminder again, once.
    assert sending.reminders_claim_due(enqueue=tasks._enqueue, now=lease_run_out()) == 300 - len(marked)
    workers.start("survivor")  # takes the victim's unsent messages (now stale) and the new claims
    wait_until(lambda: marked_sent(ids) == ids, timeout=120, what="every reminder marked sent")
    wait_for_idle(smtp=smtp, orphans=orphans)

    got = received_ids(smtp)
    assert set(got) == ids, f"missing: {sorted(ids - set(got))}"
    duplicates = {pk for pk, n in got.items() if n > 1}
    assert duplicates <= in_flight
    assert all(n <= 2 for n in got.values())
    assert len(smtp.messages) == 300 + len(duplicates)
    # Sent before the kill: claimed once. The rest: claimed, then claimed again after the lease.
    assert attempts(ids) == Counter({1: len(marked), 2: 300 - len(marked)})


def test_redis_flushed_between_claim_and_send_is_still_delivered_once(
    starter_data: None, workers: Workers, smtp: SmtpServer, broker: redis.Redis
) -> None:
    ids = due_reminders(50)
    assert sending.reminders_claim_due(enqueue=tasks._enqueue) == 50
    assert broker.llen("celery") == 50

    broker.flushdb()  # every send message is gone; the rows stay claimed
    assert set(Reminder.objects.filter(pk__in=ids).values_list("status", flat=True)) == {ReminderStatus.CLAIMED}
    assert sending.reminders_claim_due(enqueue=tasks._enqueue) == 0  # the leases still hold
    workers.start("w1")
    wait_for_idle(smtp=smtp)
    assert smtp.messages == []  # nothing to send until the leases run out

    # The first scan after the leases ran out claims them all again.
    assert sending.reminders_claim_due(enqueue=tasks._enqueue, now=lease_run_out()) == 50
    wait_until(lambda: marked_sent(ids) == ids, timeout=60, what="every reminder marked sent")
    wait_for_idle(smtp=smtp)
    got = received_ids(smtp)
    assert set(got) == ids
    assert max(got.values()) == 1
    assert len(smtp.messages) == 50
    assert attempts(ids) == {2: 50}  # the first claim, lost with the flush, and the re-claim
