"""Training history for the bench's staff, so the dashboard's "Does training pay?" panel has work to do.

Run by bench/seed_million.py's `ensure_seeded` after seeding a database or reusing one: a database seeded
before this step existed gets it as a cheap top-up (a few hundred rows, seconds), without reseeding the
million complaints. The `training` row of `bench_meta` says it was done.

What it stores, deterministically (a fixed random seed, dates relative to when the complaints were seeded):
- half the front line (every other person) passed "The five-step recovery" at a date spread over the
  data's three years, some after failing once; the other half never passed it (a few failed it);
- of those who passed, about two in three also passed every required module in the last ten months, so
  they are fully trained today (the five-step recovery again among them: a renewal);
- every manager passed the five-step recovery early on.
Passes close the person's open assignment of the module, as `training.services.attempt_submit` does.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

MARKER = "training"
FIVE_STEP_RECOVERY = "five-step-recovery"


def is_seeded(cursor: Any) -> bool:
    cursor.execute("SELECT value FROM bench_meta WHERE key = %s", [MARKER])
    row = cursor.fetchone()
    return row is not None and row[0] == "yes"


def _attempt(user: Any, version: Any, at: datetime, *, passed: bool) -> Any:
    from training.models import Attempt

    return Attempt(
        user=user,
        version=version,
        answers={},
        score=100 if passed else 40,
        passed=passed,
        started_at=at - timedelta(minutes=9),
        submitted_at=at,
        token="",  # numbered once all are made
    )


def seed_training(*, start: datetime, end: datetime) -> dict[str, int]:
    """Store the staff's attempts (replacing any) for data received from `start` to `end`; return counts."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from training.definitions import pass_holds
    from training.models import Assignment, Attempt
    from training.selectors import modules_listed

    rng = random.Random(20261202)  # noqa: S311 - deterministic bench data, not security
    modules = {module.slug: module for module in modules_listed()}
    recovery = modules[FIVE_STEP_RECOVERY].current_version
    required = [m.current_version for m in modules.values() if m.current_version and m.current_version.required]
    users = get_user_model().objects.order_by("username")
    front = list(users.filter(username__startswith="front"))
    managers = list(users.filter(username__startswith="manager"))
    span = end - start
    attempts: list[Any] = []
    for index, person in enumerate(front):
        if index % 2:  # never passed the recovery; one in three of them failed it once
            if index % 3 == 0:
                attempts.append(_attempt(person, recovery, start + span * rng.uniform(0.2, 0.9), passed=False))
            continue
        first = start + span * rng.uniform(0.02, 0.98)
        if rng.random() < 0.3:
            attempts.append(_attempt(person, recovery, first - timedelta(days=1), passed=False))
        attempts.append(_attempt(person, recovery, first, passed=True))
        if rng.random() < 0.67:  # fully trained today: every required module in the last ten months
            for version in required:
                at = max(end - timedelta(days=rng.uniform(5, 300)), first + timedelta(hours=1))
                attempts.append(_attempt(person, version, at, passed=True))
    for person in managers:
        attempts.append(_attempt(person, recovery, start + span * rng.uniform(0.0, 0.05), passed=True))
    for n, attempt in enumerate(attempts, start=1):
        attempt.token = f"bench-{n}"
    with transaction.atomic():
        Attempt.objects.filter(user__in=[*front, *managers]).delete()
        Attempt.objects.bulk_create(attempts)
        # A pass that still holds closes the person's open assignment of the module (the latest pass first).
        closed = 0
        today = timezone.localdate(end)
        for attempt in sorted(attempts, key=lambda a: a.submitted_at, reverse=True):
            if attempt.passed and pass_holds(attempt.submitted_at, attempt.version.renewal_months, today):
                closed += Assignment.objects.filter(
                    user=attempt.user, module=attempt.version.module, closed_at__isnull=True
                ).update(closed_at=attempt.submitted_at, passed_by=attempt)
    return {"attempts": len(attempts), "passes": sum(a.passed for a in attempts), "assignments_closed": closed}
