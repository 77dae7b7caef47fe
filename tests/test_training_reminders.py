"""Training reminders: when they are owed, and their guarantees over the lease loop (`common.leases`).

Never lost (a failed send is retried, then given up at the cap), never doubled (two scans claim once;
a stale claim token changes nothing), cancelled when the module is passed. The task bodies run in
this process here; tests/test_training_reminders_delivery.py runs them through the real worker.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from common.leases import LeaseStatus
from tests.helpers.training import answers, current, draft
from tests.smtp import SmtpServer
from training import services, tasks
from training.models import Assignment, TrainingReminder, TrainingReminderKind
from training.reminder_sending import training_reminder_deliver, training_reminders_claim_due
from training.reminders import DUE_SOON_DAYS, REMINDER_HOUR, reminders_schedule


def local(day: date, hour: int = REMINDER_HOUR) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def assign(maria: Any, person: Any, *, due_in_days: int = 10) -> Assignment:
    module = services.module_create(user=maria, draft=draft())
    return services.assignment_create(
        module=module, person=person, due_on=timezone.localdate() + timedelta(days=due_in_days), by=maria
    )


def make_overdue(assignment: Assignment, *, days: int = 2) -> None:
    """Move the due date into the past (what a manager's date change or time passing does)."""
    Assignment.objects.filter(pk=assignment.pk).update(due_on=timezone.localdate() - timedelta(days=days))
    reminders_schedule([assignment.pk])


def rows(assignment: Assignment) -> dict[str, TrainingReminder]:
    return {r.kind: r for r in TrainingReminder.objects.filter(assignment=assignment)}


def claim_all(**kwargs: Any) -> list[tuple[int, int]]:
    claimed: list[tuple[int, int]] = []
    training_reminders_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)), **kwargs)
    return claimed


# --- when ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_assignment_owes_due_soon_three_days_before_and_overdue_the_morning_after(maria: Any, alice: Any) -> None:
    assignment = assign(maria, alice, due_in_days=10)
    found = rows(assignment)
    assert set(found) == {TrainingReminderKind.DUE_SOON, TrainingReminderKind.OVERDUE}
    assert found["due_soon"].due_at == local(assignment.due_on - timedelta(days=DUE_SOON_DAYS))
    assert found["overdue"].due_at == local(assignment.due_on + timedelta(days=1))
    assert {r.recipient for r in found.values()} == {alice}
    assert {r.status for r in found.values()} == {LeaseStatus.PENDING}
    # Scheduling again changes nothing: one row per assignment and kind.
    assert reminders_schedule([assignment.pk]) == 0
    assert TrainingReminder.objects.filter(assignment=assignment).count() == 2


@pytest.mark.django_db
def test_due_soon_is_skipped_when_its_moment_has_passed_and_a_new_due_date_moves_the_rows(
    maria: Any, alice: Any
) -> None:
    assignment = assign(maria, alice, due_in_days=1)
    assert set(rows(assignment)) == {TrainingReminderKind.OVERDUE}

    later = assignment.due_on + timedelta(days=20)
    Assignment.objects.filter(pk=assignment.pk).update(due_on=later)
    reminders_schedule([assignment.pk])
    found = rows(assignment)
    assert found["due_soon"].due_at == local(later - timedelta(days=DUE_SOON_DAYS))
    assert found["overdue"].due_at == local(later + timedelta(days=1))


@pytest.mark.django_db
def test_required_modules_assigned_automatically_owe_reminders_too(alice: Any) -> None:
    open_ones = Assignment.objects.filter(user=alice, closed_at__isnull=True)
    assert open_ones.exists()  # the starter set's required modules
    assert TrainingReminder.objects.filter(assignment__in=open_ones, kind="overdue").count() == open_ones.count()


@pytest.mark.django_db
def test_passing_the_module_cancels_its_reminders(maria: Any, alice: Any) -> None:
    assignment = assign(maria, alice)
    version = current(assignment.module)
    services.attempt_submit(user=alice, version=version, answers=answers(version), token="t1")
    assert {r.status for r in rows(assignment).values()} == {LeaseStatus.CANCELLED}
    assert claim_all(now=timezone.now() + timedelta(days=60)) == []


# --- the guarantees --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_scans_claim_once_and_a_stale_token_changes_nothing(
    maria: Any, alice: Any, smtp: SmtpServer, settings: Any
) -> None:
    assignment = assign(maria, alice)
    make_overdue(assignment)
    overdue = rows(assignment)["overdue"]
    [(pk, first)] = claim_all()
    assert pk == overdue.pk
    assert claim_all() == []  # the lease holds: a second scan claims nothing

    # The worker died; after the lease the next scan claims it again, with a new token.
    [(again, second)] = claim_all(now=timezone.now() + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1))
    assert (again, second) == (pk, first + 1)
    assert training_reminder_deliver(reminder_id=pk, attempt=first) == "stale"
    assert smtp.messages == []
    assert training_reminder_deliver(reminder_id=pk, attempt=second) == "sent"
    assert training_reminder_deliver(reminder_id=pk, attempt=second) == "stale"
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == (alice.email,)
    assert received.subject.startswith("[CareDesk] Training: a module was due on ")
    assert "Listening first" in received.part("text/plain")
    assert f"/training/modules/{assignment.module.slug}/" in received.part("text/html")
    overdue.refresh_from_db()
    assert (overdue.status, overdue.lease_expires_at) == (LeaseStatus.SENT, None)


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_retried_then_given_up(maria: Any, alice: Any, smtp: SmtpServer, settings: Any) -> None:
    settings.REMINDER_MAX_RETRIES = 2
    assignment = assign(maria, alice)
    make_overdue(assignment)
    smtp.stop()
    [(pk, attempt)] = claim_all()

    result = tasks.send_training_reminder.apply(args=(pk, attempt))  # retries run here, one after the other

    assert result.get() == "failed"
    reminder = TrainingReminder.objects.get(pk=pk)
    assert reminder.status == LeaseStatus.FAILED
    assert reminder.attempts == 3  # the claim and two retries
    assert "refused" in reminder.last_error.lower() or "connection" in reminder.last_error.lower()
    assert claim_all(now=timezone.now() + timedelta(days=1)) == []  # failed is final


@pytest.mark.django_db(transaction=True)
def test_a_reminder_whose_lease_keeps_running_out_is_given_up_at_the_cap(maria: Any, alice: Any, settings: Any) -> None:
    settings.REMINDER_MAX_ATTEMPTS = 3
    assignment = assign(maria, alice)
    make_overdue(assignment)
    lease = timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
    [(pk, _)] = claim_all()
    for k in range(1, 3):
        assert [p for p, _ in claim_all(now=timezone.now() + k * lease)] == [pk]
    assert claim_all(now=timezone.now() + 3 * lease) == []
    reminder = TrainingReminder.objects.get(pk=pk)
    assert (reminder.status, reminder.attempts) == (LeaseStatus.FAILED, 3)
    assert "Gave up after 3 attempts" in reminder.last_error


@pytest.mark.django_db(transaction=True)
def test_a_reminder_claimed_before_the_pass_is_cancelled_not_sent(maria: Any, alice: Any, smtp: SmtpServer) -> None:
    assignment = assign(maria, alice)
    make_overdue(assignment)
    [(pk, attempt)] = claim_all()
    version = current(assignment.module)
    services.attempt_submit(user=alice, version=version, answers=answers(version), token="t1")
    assert training_reminder_deliver(reminder_id=pk, attempt=attempt) == "stale"
    assert TrainingReminder.objects.get(pk=pk).status == LeaseStatus.CANCELLED
    assert smtp.messages == []
