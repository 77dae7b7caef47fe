"""Claiming a row with a lease and a claim token, sending its email, and retrying with backoff.

A leased row (`common.leases.models.LeasedEmail`) has `status`, `attempts` and `lease_expires_at`.
A scan claims due rows with `select_for_update(skip_locked=True)`, sets a lease and bumps `attempts`;
that number is the claim token handed to the send task. Every later change (sent, retry, failed,
cancelled) is a conditional update on "still claimed with this token", so a stale task, whose
lease was taken over by a later scan, changes nothing and stands down.
"""

from __future__ import annotations

import logging
import random
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone

from common.leases.status import LeaseStatus

logger = logging.getLogger(__name__)

ERROR_MAX = 1_000


class DeliveryError(Exception):
    """Sending failed in a way worth retrying (the SMTP server or the network)."""


def held(pk: int, attempt: int) -> Q:
    """The row as a task claimed it: still claimed, with the claim token it was given."""
    return Q(pk=pk, status=LeaseStatus.CLAIMED, attempts=attempt)


def claimable(now: datetime, *, ready: Q | None = None) -> Q:
    """Rows a scan may claim now: pending and `ready` (e.g. due), or claimed with a lease that has run out.

    A run-out lease means the task that held the row died or lost it; the row is claimed again with a
    new token, so the old task, if it is still alive, stands down (`held`).
    """
    pending = Q(status=LeaseStatus.PENDING) & (ready if ready is not None else Q())
    return pending | Q(status=LeaseStatus.CLAIMED, lease_expires_at__lte=now)


def claim(due: QuerySet[Any], *, now: datetime, enqueue: Callable[[int, int], object], limit: int) -> int:
    """Claim up to `limit` rows of `due` (in its order) and enqueue `enqueue(pk, token)` after commit.

    Call it inside a transaction. Rows another scanner holds are skipped, never waited for.
    Returns how many were claimed.
    """
    ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    rows = due.model.objects.filter(pk__in=ids)
    rows.update(
        status=LeaseStatus.CLAIMED,
        lease_expires_at=now + timedelta(seconds=settings.REMINDER_LEASE_SECONDS),
        attempts=F("attempts") + 1,
    )
    for pk, attempts in rows.values_list("pk", "attempts"):
        transaction.on_commit(partial(enqueue, pk, attempts))
    return len(ids)


def finish(model: type[Model], pk: int, attempt: int, status: str, **fields: Any) -> bool:
    """Move a row we still hold to `status` (sent, failed, cancelled), ending its lease; False if not ours."""
    if "last_error" in fields:
        fields["last_error"] = str(fields["last_error"])[:ERROR_MAX]
    return model._default_manager.filter(held(pk, attempt)).update(status=status, lease_expires_at=None, **fields) == 1


def keep_for_retry(model: type[Model], pk: int, attempt: int, *, error: str, countdown: float) -> bool:
    """Record the error and keep the claim through the backoff (a new token); False when it is gone."""
    lease = timedelta(seconds=countdown + settings.REMINDER_LEASE_SECONDS)
    updated = model._default_manager.filter(held(pk, attempt)).update(
        attempts=F("attempts") + 1, last_error=error[:ERROR_MAX], lease_expires_at=timezone.now() + lease
    )
    return updated == 1


def give_up_stuck(
    model: type[Model], *, now: datetime, mark_failed: Callable[[int, int, str], bool], limit: int = 100
) -> int:
    """Fail rows whose lease ran out again after REMINDER_MAX_ATTEMPTS claims and retries; return how many.

    A send that keeps killing its worker (or a message that keeps getting lost) would otherwise be
    re-claimed every lease for ever; after the cap `mark_failed(pk, attempts, reason)` gives it up
    (the app records the reason where its readers look). Call it inside the scan's transaction,
    before claiming.
    """
    stuck = list(
        model._default_manager.select_for_update(skip_locked=True)
        .filter(status=LeaseStatus.CLAIMED, lease_expires_at__lte=now, attempts__gte=settings.REMINDER_MAX_ATTEMPTS)
        .values_list("pk", "attempts")[:limit]
    )
    given_up = 0
    for pk, attempts in stuck:
        reason = f"Gave up after {attempts} attempts: the send never finished (its worker kept stopping)."
        given_up += bool(mark_failed(pk, attempts, reason))
    return given_up


def send_again(rows: QuerySet[Any], *, now: datetime) -> int:
    """Put the failed rows among `rows` back in the queue, due `now`; return how many.

    An operator's choice after fixing the cause. Only failed rows: a sent one stays sent, so this
    never doubles an email. The model must keep its send time in `due_at`.
    """
    return rows.filter(status=LeaseStatus.FAILED).update(status=LeaseStatus.PENDING, due_at=now, lease_expires_at=None)


def send(message: EmailMessage) -> None:
    """Send, never silently; SMTP and network errors become DeliveryError, for the task to retry."""
    try:
        message.send(fail_silently=False)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}"[:ERROR_MAX]) from exc


def retry_countdown(retries: int) -> float:
    """Exponential backoff with jitter, capped well below the broker's visibility timeout."""
    base = settings.REMINDER_RETRY_BASE_SECONDS
    delay = min(settings.REMINDER_RETRY_MAX_SECONDS, base * 2**retries)
    return float(delay + random.uniform(0, base))  # noqa: S311 - jitter, not security


def send_with_retries(
    task: Any,
    model: type[Model],
    pk: int,
    attempt: int,
    *,
    deliver: Callable[[], str],
    mark_failed: Callable[[str], bool],
) -> str:
    """Run `deliver`; retry SMTP/network errors with backoff under a new claim token, then give up.

    Called by every send task of a leased row, a bound Celery task (`task.request.retries`,
    `task.retry`): the kinds differ only in how they are delivered and how a failure is recorded.
    """
    try:
        return deliver()
    except DeliveryError as exc:
        error = str(exc)
        if task.request.retries >= settings.REMINDER_MAX_RETRIES:
            logger.warning("%s %s failed after %s retries: %s", model.__name__, pk, task.request.retries, error)
            return "failed" if mark_failed(error) else "stale"
        countdown = retry_countdown(task.request.retries)
        if not keep_for_retry(model, pk, attempt, error=error, countdown=countdown):
            return "stale"
        # The retry carries the new claim token (attempts was bumped with the lease).
        raise task.retry(args=(pk, attempt + 1), countdown=countdown, exc=exc) from exc
