"""Sending the managers' daily digest: claiming the owed `ManagerDigest` rows and delivering each.

What the digest says, and when it is owed, stay in `recovery.digest` (`digest_content`,
`digest_message`, `digests_schedule`); this module is only its part of the lease loop.
`digests_claim_due` claims today's rows with a lease and hands each to the send task after
commit; `digest_deliver` renders the digest at send time, sends it, and marks it sent only while it
still holds the claim (`attempts` is the claim token). A digest is about no single complaint, so it
writes no timeline events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common import leases
from recovery.digest import digest_content, digest_message, digest_recipients
from recovery.models import ManagerDigest, ReminderStatus

logger = logging.getLogger(__name__)


@transaction.atomic
def digests_claim_due(*, enqueue: Callable[[int, int], object], now: datetime | None = None) -> int:
    """Claim today's pending digests (and claims whose lease ran out); enqueue each after commit.

    A digest whose lease ran out REMINDER_MAX_ATTEMPTS times is failed instead (`leases.give_up_stuck`).
    Rows another scanner holds are skipped, never waited for. Returns how many were claimed.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    due = leases.claimable(now)
    digests = ManagerDigest.objects.filter(due, day=today).order_by("pk")
    leases.give_up_stuck(
        ManagerDigest,
        now=now,
        mark_failed=lambda pk, attempt, error: digest_mark_failed(digest_id=pk, attempt=attempt, error=error),
    )
    return leases.claim(digests, now=now, enqueue=enqueue, limit=settings.REMINDER_BATCH_SIZE)


def _cancel(digest_id: int, attempt: int) -> str:
    return "cancelled" if leases.finish(ManagerDigest, digest_id, attempt, ReminderStatus.CANCELLED) else "stale"


def digest_deliver(*, digest_id: int, attempt: int) -> str:
    """Send one claimed digest and mark it sent; return what happened.

    'stale' when the claim is no longer ours (cancelled, re-claimed, already sent, or the lease ran out);
    'cancelled' when it is moot (an earlier day, or the recipient no longer manages or has no address);
    'sent' when delivered and recorded. Raises leases.DeliveryError on SMTP or network trouble, to retry.
    """
    now = timezone.now()
    digest = (
        ManagerDigest.objects.select_related("recipient")
        .filter(leases.held(digest_id, attempt), lease_expires_at__gt=now)
        .first()
    )
    if digest is None:
        return "stale"
    if digest.day != timezone.localtime(now).date():
        return _cancel(digest_id, attempt)
    if not digest_recipients().filter(pk=digest.recipient_id).exists():
        # Lost the role, was deactivated or removed their address since the digest was owed.
        return _cancel(digest_id, attempt)
    leases.send(digest_message(digest_content(day=digest.day, now=now), digest=digest))
    # Nothing between the server's acceptance and this UPDATE: the window for a duplicate stays tiny.
    if not leases.finish(ManagerDigest, digest_id, attempt, ReminderStatus.SENT, sent_at=timezone.now(), last_error=""):
        logger.warning("Digest %s was sent but its claim was taken meanwhile (attempt %s).", digest_id, attempt)
        return "stale"
    return "sent"


def digest_mark_failed(*, digest_id: int, attempt: int, error: str) -> bool:
    """Give up on a digest, with the reason on the row and in the log."""
    failed = leases.finish(ManagerDigest, digest_id, attempt, ReminderStatus.FAILED, last_error=error)
    if failed:
        logger.warning("Digest %s failed (attempt %s): %s", digest_id, attempt, error[: leases.ERROR_MAX])
    return failed
