"""Demo training states for `seed_demo`: staff at every point of their training, so the app looks lived-in.

The demo staff already have the required modules to do: `seed_demo` creates them, and the signals
assign them (`services.assign_required`), as for anyone added. This adds history through the services
(attempts through `attempt_submit`, assignments through `assignment_create` and `renew_expired`) and then
moves their times back, as the complaints' seed does: passed, passed but expired (so renewed),
failed once then passed, due, overdue, not started.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from training import services
from training.coaching.demo import seed_coaching
from training.models import Assignment, Attempt, TrainingModule
from training.reminders import reminders_schedule

RECOVERY, CUSTOMER, POLICY = "five-step-recovery", "who-is-the-customer", "our-service-policy"
PERSON, STEP_BACK = "person-then-problem", "when-to-step-back"


def _answers(module: TrainingModule, *, right: bool) -> dict[str, str]:
    version = module.current_version
    assert version is not None  # noqa: S101 - the starter modules have a version
    chosen = {}
    for question in version.questions.prefetch_related("choices"):
        choice = next(c for c in question.choices.all() if c.is_correct is right)
        chosen[str(question.pk)] = str(choice.pk)
    return chosen


def _take(user: Any, slug: str, *, at: datetime, right: bool = True) -> Attempt:
    """Take the module as `user` did at `at` (a pass closes their assignment then)."""
    module = TrainingModule.objects.select_related("current_version").get(slug=slug)
    assert module.current_version is not None  # noqa: S101
    token = f"seed-{slug}-{Attempt.objects.filter(user=user).count() + 1}"
    attempt = services.attempt_submit(
        user=user, version=module.current_version, answers=_answers(module, right=right), token=token
    )
    Attempt.objects.filter(pk=attempt.pk).update(started_at=at - timedelta(minutes=7), submitted_at=at)
    Assignment.objects.filter(passed_by=attempt).update(closed_at=at, assigned_at=at - timedelta(days=12))
    return attempt


def _overdue(user: Any, slug: str, *, days: int, now: datetime) -> None:
    """Make the person's open assignment of the module `days` overdue."""
    due_on = timezone.localdate(now) - timedelta(days=days)
    overdue = Assignment.objects.filter(user=user, module__slug=slug, closed_at__isnull=True)
    overdue.update(due_on=due_on, assigned_at=now - timedelta(days=days + 30))
    reminders_schedule(overdue.values_list("pk", flat=True), now=now)


def seed_training(*, people: dict[str, Any], now: datetime) -> None:
    """Give the demo staff (by username: maria, mark, alice, bob, fiona) a spread of training states."""
    alice, bob, fiona, maria, mark = (people[name] for name in ("alice", "bob", "fiona", "maria", "mark"))
    today = timezone.localdate(now)
    # alice, fully trained: failed the recovery once, then passed; passed the other required modules;
    # an optional module her manager gave her, overdue.
    _take(alice, RECOVERY, at=now - timedelta(days=61), right=False)
    _take(alice, RECOVERY, at=now - timedelta(days=60, hours=22))
    _take(alice, CUSTOMER, at=now - timedelta(days=150))
    _take(alice, PERSON, at=now - timedelta(days=40))
    _take(alice, POLICY, at=now - timedelta(days=12))
    step_back = TrainingModule.objects.get(slug=STEP_BACK)
    services.assignment_create(module=step_back, person=alice, due_on=today, by=maria)
    _overdue(alice, STEP_BACK, days=5, now=now)
    # bob: passed the recovery thirteen months ago (expired, so renewed); who-is-the-customer overdue and
    # not started; the policy passed; an optional module due.
    _take(bob, RECOVERY, at=now - timedelta(days=400))
    _overdue(bob, CUSTOMER, days=10, now=now)
    _take(bob, POLICY, at=now - timedelta(days=20))
    services.assignment_create(module=step_back, person=bob, due_on=today + timedelta(days=10), by=maria)
    # fiona, new: nothing started; failed who-is-the-customer once; the policy overdue.
    _take(fiona, CUSTOMER, at=now - timedelta(days=3), right=False)
    _overdue(fiona, POLICY, days=2, now=now)
    # The managers: maria passed everything required; mark the recovery only.
    for slug in (RECOVERY, CUSTOMER, PERSON, POLICY):
        _take(maria, slug, at=now - timedelta(days=90))
    _take(mark, RECOVERY, at=now - timedelta(days=30))
    services.renew_expired(now)
    # Coaching reviews of the demo's closed complaints (and some left for the coaching queue).
    seed_coaching(people=people, now=now)
