"""Reads of complaints, always scoped to what the user may see.

Lists, searches, exports and detail pages all start from
`complaints_visible_to`, so they can never disagree about who sees what.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from accounts import roles
from recovery import permissions
from recovery.models import (
    OPEN_STAGES,
    STEPS,
    Complaint,
    ComplaintEvent,
    RecoveryAction,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Survey,
)


def complaints_visible_to(user: Any) -> QuerySet[Complaint]:
    """Return the complaints the user may see: none, all, or all but other people's employee complaints."""
    return Complaint.objects.select_related("customer", "category", "owner").filter(permissions.visible_q(user))


def get_complaint_for(user: Any, pk: int) -> Complaint:
    """Return complaint `pk` if the user may see it; 404 otherwise, so hidden ones look absent."""
    try:
        return (
            complaints_visible_to(user).select_related("logged_by", "escalated_to", "customer__organization").get(pk=pk)
        )
    except Complaint.DoesNotExist:
        raise Http404("No such complaint.") from None


def owners_to_filter_by() -> QuerySet[Any]:
    """Return the people a complaint list can be filtered by, by name: the handlers, and anyone inactive
    who still owns complaints.

    Someone who left keeps their complaints until a manager hands them over, so those complaints must
    stay findable by owner (and the dashboard's per-handler links keep working).
    """
    owns = Complaint.objects.filter(owner=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(Q(pk__in=roles.handlers().values("pk")) | Q(is_active=False) & Exists(owns))
        .order_by("first_name", "last_name", "username")
    )


def my_queue(user: Any) -> QuerySet[Complaint]:
    """Return the user's open complaints, the most urgent step first."""
    return (
        complaints_visible_to(user)
        .filter(owner=user, stage__in=OPEN_STAGES)
        # Complaints waiting to be closed have no due time: after every dated step.
        .order_by(F("step_due_at").asc(nulls_last=True), "received_at", "pk")
    )


def open_complaints_of(user: Any, owner: Any) -> QuerySet[Complaint]:
    """Return the open complaints `owner` has that the user may see, the most urgent step first."""
    return (
        complaints_visible_to(user)
        .filter(owner=owner, stage__in=OPEN_STAGES)
        .order_by(F("step_due_at").asc(nulls_last=True), "received_at", "pk")
    )


def complaint_timeline(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    """Return the complaint's events, oldest first, with who did them."""
    return complaint.events.select_related("actor").order_by("created_at", "pk")


def complaint_actions(complaint: Complaint) -> QuerySet[RecoveryAction]:
    """Return every recorded step of every round, in order."""
    return complaint.actions.select_related("done_by").order_by("round", "done_at", "pk")


# --- complaint page ---
# Imported here so this section stays self-contained next to the other screens' sections.
from dataclasses import dataclass  # noqa: E402

from recovery.definitions import complaint_is_repeat  # noqa: E402
from recovery.models import Category, RecoveryPolicy, Severity, Stage  # noqa: E402

# How many of the customer's other complaints the complaint page lists.
CUSTOMER_HISTORY_SHOWN = 5


@dataclass(frozen=True)
class CustomerHistory:
    """The customer's other complaints that the user may see."""

    recent: list[Complaint]
    total: int
    is_repeat: bool


def customer_history(user: Any, complaint: Complaint, *, limit: int = CUSTOMER_HISTORY_SHOWN) -> CustomerHistory:
    """Return the customer's other visible complaints (newest first), how many there are, and if this is a repeat.

    Whether it is a repeat complaint is `recovery.definitions.is_repeat`, as the list and the dashboard count it.
    """
    others = complaints_visible_to(user).filter(customer_id=complaint.customer_id).exclude(pk=complaint.pk)
    total = others.order_by().count()
    recent = list(others.order_by("-received_at", "-pk")[:limit]) if total else []
    return CustomerHistory(recent=recent, total=total, is_repeat=complaint_is_repeat(complaint))


@dataclass(frozen=True)
class TrackerStep:
    """One of the five steps as the tracker shows it for the current round.

    `status` is "done", "skipped", "current" or "waiting". `action` is what was
    recorded; for steps a reopened round did not repeat it comes from an earlier
    round (`action.round` tells which).
    """

    step: Stage
    status: str
    action: RecoveryAction | None = None
    due_at: datetime | None = None
    from_earlier_round: bool = False


@dataclass(frozen=True)
class RecoveryProgress:
    """Everything recorded for a complaint's recovery, read with one query."""

    tracker: list[TrackerStep]
    current_round: list[RecoveryAction]
    earlier_rounds: list[tuple[int, list[RecoveryAction]]]
    actions_by_id: dict[int, RecoveryAction]

    def current_action(self, step: str) -> RecoveryAction | None:
        """Return what was recorded for `step` in the current round, if anything."""
        return next((a for a in self.current_round if a.step == step), None)


def complaint_progress(complaint: Complaint) -> RecoveryProgress:
    """Return the tracker of the current round, its actions and the earlier rounds' actions."""
    actions = list(complaint_actions(complaint))
    by_round: dict[int, list[RecoveryAction]] = {}
    latest: dict[str, RecoveryAction] = {}
    for recorded in actions:
        by_round.setdefault(recorded.round, []).append(recorded)
        latest[recorded.step] = recorded
    current_round = by_round.get(complaint.round, [])
    done_now = {a.step: a for a in current_round}
    first = STEPS.index(Stage(complaint.round_first_step))
    tracker = []
    for index, step in enumerate(STEPS):
        action = done_now.get(step)
        if action is None and index < first:
            # A reopened round starts at the step that failed; the ones before it stand from earlier rounds.
            action = latest.get(step)
        if action is not None:
            tracker.append(
                TrackerStep(
                    step=step,
                    status="skipped" if action.skipped else "done",
                    action=action,
                    from_earlier_round=action.round < complaint.round,
                )
            )
        elif complaint.stage == step:
            tracker.append(TrackerStep(step=step, status="current", due_at=complaint.step_due_at))
        else:
            tracker.append(TrackerStep(step=step, status="waiting"))
    earlier = [(number, by_round[number]) for number in sorted(by_round) if number < complaint.round]
    return RecoveryProgress(
        tracker=tracker,
        current_round=current_round,
        earlier_rounds=earlier,
        actions_by_id={a.pk: a for a in actions},
    )


def recovery_policies() -> list[RecoveryPolicy]:
    """Return the due times per severity, the least severe first (one query; four rows)."""
    order = {value: index for index, value in enumerate(Severity.values)}
    return sorted(RecoveryPolicy.objects.all(), key=lambda policy: order.get(policy.severity, len(order)))


def categories_for(complaint: Complaint | None = None) -> QuerySet[Category]:
    """Return the categories a complaint may be put in: the active ones, plus the one it is in already."""
    condition = Q(is_active=True)
    if complaint is not None:
        condition |= Q(pk=complaint.category_id)
    return Category.objects.filter(condition).order_by("name")


def complaint_survey(complaint: Complaint) -> Survey | None:
    """Return the follow-up survey of the complaint's current round (answered or not), if its email was made.

    A round's survey is sent on its follow-up day, so before the follow-up there is none to look for.
    `sent_at` says whether the mail server accepted the email; `email_failed` whether sending gave up.
    """
    if complaint.stage not in (Stage.FOLLOW_UP, Stage.CLOSE, Stage.CLOSED):
        return None
    failed = Reminder.objects.filter(
        complaint=OuterRef("complaint"),
        round=OuterRef("round"),
        kind=ReminderKind.CUSTOMER_SURVEY,
        status=ReminderStatus.FAILED,
    )
    survey = Survey.objects.filter(complaint=complaint, round=complaint.round)
    return survey.annotate(email_failed=Exists(failed)).first()
