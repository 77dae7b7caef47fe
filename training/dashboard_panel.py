"""The dashboard's "Does training pay?" panel, registered into recovery.dashboard from TrainingConfig.ready.

- The complaints of the dashboard's period and filters, split by whether their handler (the complaint's
  owner, as in the handler table) had passed "The five-step recovery" *before the complaint was received*:
  the training state at the time, not today's. Any version's pass counts, and a pass counts from then on
  (a later expiry or "needs retaking" edit does not undo it: at the time, the person had learnt it). Each
  side gets the handler table's figures (recovery rate and satisfaction of the complaints closed in the
  period; median time to apologize and steps on time of those received in it), computed by
  `recovery.dashboard.split_values` with the headline figures' definitions.
- The share of front-line staff fully trained today: every required module passed in a way that counts
  and not expired (`training.definitions`), as the training matrix says it.
- A note per handler in the handler table: fully trained today or not, when they first passed the five-step
  recovery, and their name linking to their row of the training matrix.

Two queries, whatever the number of people and complaints: the people's passes (`people_training`, one row
per person and module passed), then one aggregate over the complaints split by a condition built from each
handler's first pass of the recovery module (a few hundred (owner, time) pairs at most).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, FilteredRelation, Func, Max, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from recovery.dashboard import METRICS, HandlerNote, Handling, Panel, PanelRequest, handling, split_values
from recovery.dashboard.formatting import percent, ratio
from training.definitions import pass_holds, retake_from_of
from training.matrix import ROLE_FRONT_LINE, staff
from training.models import Attempt
from training.selectors import modules_listed

FIVE_STEP_RECOVERY = "five-step-recovery"
HANDLER_COLUMN = "Training today"


@dataclass(frozen=True)
class PersonTraining:
    """Where one person is with their training, as the panel needs it."""

    is_front_line: bool
    is_active: bool
    recovery_first_passed_at: datetime | None  # their first pass of the five-step recovery, any version
    required_holding: int  # required modules whose pass counts and holds today
    required_total: int

    @property
    def fully_trained(self) -> bool:
        return self.required_holding >= self.required_total


def people_training(user_ids: Iterable[int], *, today: date) -> dict[int, PersonTraining]:
    """Return the training of these people and of everyone on the front line, by user id: one query.

    One row per person and module they passed (a person who passed none: one row without a module), with
    their first pass and their latest pass that counts; the modules' renewal and whether they are required
    come from the same row, the number of required modules from a subquery.
    """
    front_line = staff(ROLE_FRONT_LINE)
    required = modules_listed().filter(current_version__required=True).order_by()
    module = "passes__version__module"
    rows = (
        get_user_model()
        .objects.order_by()
        .filter(Q(pk__in=list(user_ids)) | Q(pk__in=front_line.values("pk")))
        .annotate(
            passes=FilteredRelation("training_attempts", condition=Q(training_attempts__passed=True)),
            is_front_line=Exists(front_line.filter(pk=OuterRef("pk"))),
            required_total=Subquery(required.annotate(n=Func(F("pk"), function="COUNT")).values("n")),
        )
        .values(
            "pk",
            "is_active",
            "is_front_line",
            "required_total",
            module=F(module),
            slug=F(f"{module}__slug"),
            listed=~Q(**{f"{module}__archived": True}),
            required=F(f"{module}__current_version__required"),
            renewal_months=F(f"{module}__current_version__renewal_months"),
        )
        .annotate(
            first_pass=Min("passes__submitted_at"),
            last_counting_pass=Max(
                "passes__submitted_at", filter=Q(passes__version__number__gte=retake_from_of(module))
            ),
        )
    )
    people: dict[int, dict[str, Any]] = {}
    for row in rows:
        person = people.setdefault(
            row["pk"],
            {
                "front": bool(row["is_front_line"]),
                "active": row["is_active"],
                "total": row["required_total"] or 0,
                "first": None,
                "holding": 0,
            },
        )
        if row["slug"] == FIVE_STEP_RECOVERY:
            person["first"] = row["first_pass"]
        if row["listed"] and row["required"] and pass_holds(row["last_counting_pass"], row["renewal_months"], today):
            person["holding"] += 1
    return {
        pk: PersonTraining(
            is_front_line=p["front"],
            is_active=p["active"],
            recovery_first_passed_at=p["first"],
            required_holding=p["holding"],
            required_total=p["total"],
        )
        for pk, p in people.items()
    }


def passed_recovery_before_received(people: dict[int, PersonTraining]) -> Q:
    """A condition on a complaint: its owner had passed the five-step recovery before it was received.

    Never NULL (owner and receipt time are required), so its negation is exactly "had not".
    """
    passed = [
        Q(owner_id=pk, received_at__gt=person.recovery_first_passed_at)
        for pk, person in people.items()
        if person.recovery_first_passed_at is not None
    ]
    return reduce(operator.or_, passed) if passed else Q(pk__in=[])


def passed_recovery_before_receipt() -> Exists:
    """The same condition on a complaint row, for the dashboard's roll-up (registered with
    recovery.rollup.splits): its owner had passed the five-step recovery before it was received."""
    passes = Attempt.objects.filter(
        user_id=OuterRef("owner_id"),
        passed=True,
        version__module__slug=FIVE_STEP_RECOVERY,
        submitted_at__lt=OuterRef("received_at"),
    )
    return Exists(passes)


@dataclass(frozen=True)
class ComparedFigure:
    """One figure for the complaints of trained handlers and of the others."""

    label: str
    explanation: str
    trained: str
    trained_detail: str
    untrained: str
    untrained_detail: str


@dataclass(frozen=True)
class TrainingPays:
    """What the panel shows (plain values: the dashboard is cached as a whole)."""

    trained: Handling
    untrained: Handling
    figures: list[ComparedFigure]
    front_line: int
    front_line_trained: int
    trained_share: str
    matrix_url: str
    module_url: str


def _compared(trained: Handling, untrained: Handling) -> list[ComparedFigure]:
    def steps(side: Handling) -> str:
        return f"of {side.values['timed'] or 0} steps with a due time"

    def follow_ups(side: Handling) -> str:
        return f"from {side.values['follow_ups']} follow-ups"

    return [
        ComparedFigure(
            METRICS["recovery_rate"].label,
            METRICS["recovery_rate"].explanation,
            trained.recovery_rate,
            f"{trained.values['retained']} of {trained.closed} closed",
            untrained.recovery_rate,
            f"{untrained.values['retained']} of {untrained.closed} closed",
        ),
        ComparedFigure(
            METRICS["satisfaction"].label,
            METRICS["satisfaction"].explanation,
            trained.satisfaction,
            follow_ups(trained),
            untrained.satisfaction,
            follow_ups(untrained),
        ),
        ComparedFigure(
            METRICS["time_to_apologize"].label + " (median)",
            METRICS["time_to_apologize"].explanation,
            trained.apology_median,
            f"{trained.handled} received",
            untrained.apology_median,
            f"{untrained.handled} received",
        ),
        ComparedFigure(
            METRICS["on_time"].label,
            METRICS["on_time"].explanation,
            trained.on_time,
            steps(trained),
            untrained.on_time,
            steps(untrained),
        ),
    ]


def _note(person: PersonTraining | None, matrix_url: str, pk: int) -> HandlerNote:
    if person is None:  # every handler is among people_training's rows: nothing to say otherwise
        return HandlerNote()
    passed = person.recovery_first_passed_at
    detail = (
        f"Five-step recovery passed {timezone.localdate(passed):%-d %b %Y}"
        if passed is not None
        else "Five-step recovery not passed"
    )
    if not person.is_active:  # left: not in the matrix any more
        return HandlerNote("Account switched off", detail)
    status = (
        "Fully trained"
        if person.fully_trained
        else f"{person.required_holding} of {person.required_total} required modules"
    )
    return HandlerNote(status, detail, f"{matrix_url}#person-{pk}")


def training_panel(request: PanelRequest) -> Panel:
    """Compute the panel for the dashboard's filters: two queries."""
    today = timezone.localdate(request.now)
    people = people_training(request.handler_ids, today=today)
    if request.split_sides is not None:  # read from the roll-up, split by `passed_recovery_before_receipt`
        yes, no = request.split_sides
    else:
        yes, no = split_values(request.filters, passed_recovery_before_received(people), vendor=request.vendor)
    trained, untrained = handling(yes), handling(no)
    front = [p for p in people.values() if p.is_front_line]
    front_trained = sum(1 for p in front if p.fully_trained)
    matrix_url = reverse("training:matrix")
    content = TrainingPays(
        trained=trained,
        untrained=untrained,
        figures=_compared(trained, untrained),
        front_line=len(front),
        front_line_trained=front_trained,
        trained_share=percent(ratio(front_trained, len(front))),
        matrix_url=matrix_url,
        module_url=reverse("training:module_take", args=[FIVE_STEP_RECOVERY]),
    )
    return Panel(
        key="training",
        template="training/dashboard_panel.html",
        content=content,
        handler_column=HANDLER_COLUMN,
        handler_notes={pk: _note(people.get(pk), matrix_url, pk) for pk in request.handler_ids},
    )
