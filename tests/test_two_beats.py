"""Two beats on one database and one broker send no email twice (README, "Running at scale").

Beat only says "scan now": what is owed is rows in the database, each claimed with a lease under
`select_for_update(skip_locked=True)` (common.leases), so a second beat (a second scheduler started by
mistake, or during a fail-over) means more scans, never more emails. Two real `celery beat` processes
with every entry due each second (tests/helpers/fast_beat_settings.py), one real worker, loopback SMTP.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from django.db import connection
from django.utils import timezone

from customers.models import Customer
from recovery.models import ManagerDigest, Reminder, ReminderStatus
from tests.celery_services import wait_for_idle, wait_until
from tests.factories import CustomerFactory, log_complaint
from tests.helpers.subprocesses import CELERY, ROOT, operator_environment, start_worker
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)


def environment(smtp: SmtpServer) -> dict[str, str]:
    """A production process on this test's database and broker, with beat's entries every second."""
    return operator_environment(
        str(connection.settings_dict["NAME"]),
        DJANGO_SETTINGS_MODULE="tests.helpers.fast_beat_settings",
        EMAIL_HOST=smtp.host,
        EMAIL_PORT=str(smtp.port),
        EMAIL_TIMEOUT="5",
        DIGEST_HOUR="0",  # today's digests are owed from midnight: due now
    )


def start_beat(name: str, env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
        [CELERY, "-A", "config", "beat", "--loglevel=INFO", "-s", str(folder / f"{name}-schedule")],
        cwd=ROOT,
        env=env,
        stdout=(folder / f"{name}.log").open("wb"),
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def received(smtp: SmtpServer, header: str) -> Counter[str]:
    return Counter(str(m.message[header]) for m in smtp.messages if m.message[header] is not None)


def test_two_beats_send_each_reminder_and_digest_once(
    starter_data: None, alice: Any, maria: Any, mark: Any, broker: None, loopback_smtp: SmtpServer, tmp_path: Path
) -> None:
    # Owed now: complaints received long ago (their acknowledgement, overdue steps and escalations are due).
    for n in range(10):
        customer = cast(Customer, CustomerFactory(email=f"two-beats-{n}@example.org"))
        log_complaint(user=alice, customer=customer, received_at=timezone.now() - timedelta(days=3, hours=n))
    due = set(Reminder.objects.filter(due_at__lte=timezone.now()).values_list("pk", flat=True))
    assert len(due) >= 10, "the complaints should owe reminders now"

    smtp = loopback_smtp
    env = environment(smtp)
    worker = start_worker("two-beats", env, tmp_path / "worker.log")
    beats = [start_beat(name, env, tmp_path) for name in ("beat-a", "beat-b")]
    try:
        # Both beats scan every second; every owed email gets claimed and sent …
        wait_until(
            lambda: (
                not Reminder.objects.filter(
                    pk__in=due, status__in=(ReminderStatus.PENDING, ReminderStatus.CLAIMED)
                ).exists()
                and ManagerDigest.objects.filter(status=ReminderStatus.SENT).count() >= 2
            ),
            timeout=120,
        )
        time.sleep(4)  # … and both go on scanning: several more rounds each, with nothing left to send
    finally:
        for beat in beats:
            stop(beat)
    wait_for_idle(smtp=smtp, timeout=60)
    stop(worker)

    for log_name in ("beat-a", "beat-b"):  # both really ran their schedule
        assert (
            "Scheduler: Sending due task dispatch-due-reminders" in (tmp_path / f"{log_name}.log").read_text()
            or (tmp_path / f"{log_name}-schedule").exists()
        )
    reminders = received(smtp, "X-CareDesk-Reminder")
    sent = set(Reminder.objects.filter(pk__in=due, status=ReminderStatus.SENT).values_list("pk", flat=True))
    assert sent, "some due reminders must have been sent"
    assert {str(pk) for pk in sent} <= set(reminders)
    assert max(reminders.values()) == 1, [pk for pk, n in reminders.items() if n > 1]
    digests = received(smtp, "X-CareDesk-Digest")
    assert len(digests) == ManagerDigest.objects.filter(status=ReminderStatus.SENT).count() >= 2
    assert max(digests.values()) == 1
