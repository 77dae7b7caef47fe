"""Celery tasks: thin wrappers over `training.services`."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from accounts import roles
from training import services


@shared_task(ignore_result=True)
def renew_training() -> int:
    """Bring back modules whose pass ran out, and assign required ones to anyone still without them.

    The second half is a safety net for people the signals cannot see (a bulk load, a permission given
    to an organisation's own group); `assign_required` is the same rule the signals apply.
    """
    created = services.renew_expired(timezone.now())
    for user in roles.handlers():
        created += services.assign_required(user)
    return created
