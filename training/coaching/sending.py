"""Sending coaching notices (a review is in; a blind review is asked of you): claiming due `CoachingNotice`
rows and delivering each over `common.leases`.

`coaching_notices_claim_due` fails rows whose lease ran out too often, claims the due ones with a lease and
hands each to the send task after commit; `coaching_notice_deliver` re-reads the row (still claimed, same
token), cancels it when its recipient was switched off, sends it and marks it sent only while it still holds
the claim. The tasks in `training/tasks.py` are thin wrappers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common import leases
from common.emails import email_message
from common.leases import LeaseStatus
from common.people import display_name
from common.urls import absolute_url
from training.coaching.models import CoachingNotice, CoachingNoticeKind

logger = logging.getLogger(__name__)

WHY = "You get this because a manager reviewed a complaint you handled in CareDesk."
WHY_CALIBRATION = "You get this because a colleague asked you, as a manager in CareDesk, to review a complaint."


@transaction.atomic
def coaching_notices_claim_due(*, enqueue: Callable[[int, int], object], now: datetime | None = None) -> int:
    """Claim due coaching notices (and claims whose lease ran out); enqueue each after commit."""
    now = now or timezone.now()
    leases.give_up_stuck(
        CoachingNotice,
        now=now,
        mark_failed=lambda pk, attempt, error: coaching_notice_mark_failed(notice_id=pk, attempt=attempt, error=error),
    )
    rows = CoachingNotice.objects.filter(leases.claimable(now, ready=Q(due_at__lte=now))).order_by("due_at", "pk")
    return leases.claim(rows, now=now, enqueue=enqueue, limit=settings.REMINDER_BATCH_SIZE)


def _message(notice: CoachingNotice, to: str) -> EmailMultiAlternatives:
    if notice.kind == CoachingNoticeKind.CALIBRATION:
        assert notice.calibration is not None  # noqa: S101 - a database constraint
        request = notice.calibration
        reference = request.complaint.reference
        context = {
            "recipient_name": display_name(notice.recipient),
            "requested_by": display_name(request.requested_by),
            "reference": reference,
            "url": absolute_url("training:coaching_review_create", request.complaint_id),
        }
        template, what, why = "emails/coaching_calibration", "a blind review asked of you", WHY_CALIBRATION
    else:
        assert notice.review is not None  # noqa: S101 - a database constraint
        reference = notice.review.complaint.reference
        context = {
            "recipient_name": display_name(notice.recipient),
            "reviewer": display_name(notice.review.reviewer),
            "reference": reference,
            "url": absolute_url("training:coaching_review", notice.review_id),
            "my_training_url": absolute_url("training:my_training"),
        }
        template, what, why = "emails/coaching_review", "a coaching review", WHY
    return email_message(
        template=template,
        context=context,
        about=f"Complaint {reference}",
        # From the reference only: the review's text is typed by a person.
        what=what,
        why=why,
        to=[to],
        headers={"X-CareDesk-Coaching-Notice": str(notice.pk)},
    )


def coaching_notice_deliver(*, notice_id: int, attempt: int) -> str:
    """Send one claimed coaching notice and mark it sent; return what happened.

    'stale' when the claim is no longer ours; 'cancelled' when the handler was switched off; 'failed' when
    they have no address; 'sent' when delivered and recorded. Raises leases.DeliveryError on SMTP trouble.
    """
    now = timezone.now()
    notice = (
        CoachingNotice.objects.select_related(
            "review__complaint", "review__reviewer", "calibration__complaint", "calibration__requested_by", "recipient"
        )
        .filter(leases.held(notice_id, attempt), lease_expires_at__gt=now)
        .first()
    )
    if notice is None:
        return "stale"
    if not notice.recipient.is_active:
        cancelled = leases.finish(CoachingNotice, notice_id, attempt, LeaseStatus.CANCELLED)
        return "cancelled" if cancelled else "stale"
    to = notice.recipient.email
    if not to:
        error = "The person has no email address."
        failed = coaching_notice_mark_failed(notice_id=notice_id, attempt=attempt, error=error)
        return "failed" if failed else "stale"
    leases.send(_message(notice, to))
    # Nothing between the server's acceptance and this UPDATE: the window for a duplicate stays tiny.
    if not leases.finish(CoachingNotice, notice_id, attempt, LeaseStatus.SENT, sent_at=timezone.now(), last_error=""):
        logger.warning("Coaching notice %s was sent but its claim was taken meanwhile (%s).", notice_id, attempt)
        return "stale"
    return "sent"


def coaching_notice_mark_failed(*, notice_id: int, attempt: int, error: str) -> bool:
    """Give up on a coaching notice, with the reason on the row and in the log."""
    failed = leases.finish(CoachingNotice, notice_id, attempt, LeaseStatus.FAILED, last_error=error)
    if failed:
        logger.warning("Coaching notice %s failed (attempt %s): %s", notice_id, attempt, error[: leases.ERROR_MAX])
    return failed
