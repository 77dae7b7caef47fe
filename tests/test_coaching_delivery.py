"""The email telling a handler their complaint was reviewed, end to end: Redis broker, a Celery worker thread,
PostgreSQL, loopback SMTP. As tests/test_training_reminders_delivery.py: transactional, and "nothing more
arrived" is asserted after `wait_for_idle`, never after a sleep."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from common.leases import LeaseStatus
from tests.celery_services import wait_for_idle, wait_until
from tests.helpers.coaching import closed_complaint, review
from tests.smtp import SmtpServer
from training import tasks
from training.coaching import services
from training.coaching.models import CoachingNotice


@pytest.mark.django_db(transaction=True)
def test_the_handler_is_emailed_once_through_the_worker(
    maria: Any, alice: Any, customer: Any, worker: None, smtp: SmtpServer
) -> None:
    stored = review(closed_complaint(alice, customer), maria)
    notice = CoachingNotice.objects.get(review=stored)

    tasks.dispatch_coaching_notices.delay()  # what beat does, through the broker

    [received] = smtp.wait_for(1)
    wait_until(lambda: CoachingNotice.objects.get(pk=notice.pk).status == LeaseStatus.SENT)
    assert received.rcpt_tos == (alice.email,)
    assert received.subject == f"[CareDesk] Complaint {stored.complaint.reference}: a coaching review"
    body = received.part("text/plain")
    assert "Maria Moreno reviewed how you handled complaint" in body
    assert f"/training/coaching/reviews/{stored.pk}/" in body
    assert "You get this because a manager reviewed a complaint you handled" in body
    notice.refresh_from_db()
    assert (notice.attempts, notice.last_error, notice.lease_expires_at) == (1, "", None)

    # Later scans find nothing more to do: still exactly one email.
    assert tasks.dispatch_coaching_notices() == 0
    wait_for_idle(smtp=smtp)
    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_a_handler_switched_off_before_sending_gets_nothing(
    maria: Any, alice: Any, customer: Any, worker: None, smtp: SmtpServer
) -> None:
    stored = review(closed_complaint(alice, customer), maria)
    alice.is_active = False
    alice.save()

    tasks.dispatch_coaching_notices.delay()

    wait_until(lambda: CoachingNotice.objects.get(review=stored).status == LeaseStatus.CANCELLED)
    wait_for_idle(smtp=smtp)
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
def test_a_manager_asked_for_a_blind_review_is_emailed_once(
    maria: Any, mark: Any, alice: Any, customer: Any, worker: None, smtp: SmtpServer
) -> None:
    complaint = closed_complaint(alice, customer)
    review(complaint, maria)
    CoachingNotice.objects.update(status=LeaseStatus.SENT, sent_at=timezone.now())  # the review's, sent before
    request = services.calibration_request(complaint=complaint, by=maria, asked=mark)

    tasks.dispatch_coaching_notices.delay()

    [received] = smtp.wait_for(1)
    wait_until(lambda: CoachingNotice.objects.get(calibration=request).status == LeaseStatus.SENT)
    assert received.rcpt_tos == (mark.email,)
    assert received.subject == f"[CareDesk] Complaint {complaint.reference}: a blind review asked of you"
    body = received.part("text/plain")
    assert "Maria Moreno reviewed how complaint" in body
    assert f"/training/coaching/complaints/{complaint.pk}/review/" in body
    assert tasks.dispatch_coaching_notices() == 0
    wait_for_idle(smtp=smtp)
    assert len(smtp.messages) == 1
