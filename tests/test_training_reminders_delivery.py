"""Training reminders end to end: Redis broker, a Celery worker thread, PostgreSQL, loopback SMTP.

As tests/test_reminders_delivery.py: the worker has its own database connection, so these tests are
transactional, and "nothing more arrived" is asserted after `wait_for_idle`, never after a sleep.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from common.leases import LeaseStatus
from tests.celery_services import wait_for_idle, wait_until
from tests.helpers.training import answers, current, draft
from tests.smtp import SmtpServer
from training import services, tasks
from training.models import Assignment, TrainingReminder
from training.reminder_sending import training_reminders_claim_due
from training.reminders import reminders_schedule


def assign(maria: Any, person: Any, *, due_in_days: int) -> Assignment:
    module = services.module_create(user=maria, draft=draft())
    due_on = timezone.localdate() + timedelta(days=due_in_days)
    return services.assignment_create(module=module, person=person, due_on=due_on, by=maria)


@pytest.mark.django_db(transaction=True)
def test_an_overdue_assignment_is_emailed_once_through_the_worker(
    maria: Any, alice: Any, worker: None, smtp: SmtpServer
) -> None:
    assignment = assign(maria, alice, due_in_days=5)
    Assignment.objects.filter(pk=assignment.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    reminders_schedule([assignment.pk])  # the due date changed: the overdue reminder is due now
    overdue = TrainingReminder.objects.get(assignment=assignment, kind="overdue")
    assert overdue.due_at < timezone.now()

    tasks.dispatch_training_reminders.delay()  # what beat does, through the broker

    [received] = smtp.wait_for(1)
    wait_until(lambda: TrainingReminder.objects.get(pk=overdue.pk).status == LeaseStatus.SENT)
    assert received.rcpt_tos == (alice.email,)
    assert received.subject.startswith("[CareDesk] Training: a module was due on ")
    assert "Listening first" in received.part("text/plain")
    assert "You get this because this training was assigned to you" in received.part("text/plain")
    overdue.refresh_from_db()
    assert (overdue.attempts, overdue.last_error, overdue.lease_expires_at) == (1, "", None)

    # Later scans find nothing more to do: still exactly one email.
    assert tasks.dispatch_training_reminders() == 0
    wait_for_idle(smtp=smtp)
    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_passing_before_the_due_soon_moment_sends_nothing(
    maria: Any, alice: Any, worker: None, smtp: SmtpServer
) -> None:
    assignment = assign(maria, alice, due_in_days=10)
    version = current(assignment.module)
    services.attempt_submit(user=alice, version=version, answers=answers(version), token="t1")

    # A scan a month from now, past both moments: nothing of this assignment is claimed or sent.
    later = timezone.now() + timedelta(days=30)
    claimed = training_reminders_claim_due(enqueue=tasks._enqueue, now=later)
    mine = TrainingReminder.objects.filter(assignment=assignment)
    assert {r.status for r in mine} == {LeaseStatus.CANCELLED}
    wait_for_idle(smtp=smtp)
    assert not [m for m in smtp.messages if "Listening first" in m.part("text/plain")]
    # Only the starter modules' reminders (still owed, due within the month) were claimed.
    assert claimed == TrainingReminder.objects.exclude(assignment=assignment).filter(due_at__lte=later).count()
