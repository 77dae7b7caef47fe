"""Every coaching read, and who may see what.

A review is seen by the person reviewed and by managers (404 for anyone else), except that a manager asked
to calibrate a complaint sees none of its reviews until their own is in (`is_blind`). Each function runs a
fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Mod
from django.http import Http404
from django.utils import timezone

from accounts import roles
from common.localtime import local_midnight
from recovery.models import STEPS, Complaint, Outcome, RecoveryAction, Stage, Survey
from training.coaching.models import CalibrationRequest, CoachingReply, CoachingReview, StepRating
from training.coaching.rules import QUEUE_DAYS, QUEUE_SAMPLE, Mood, agrees, average_score, mood, verdict


def answered_satisfaction(complaint_ref: str = "complaint", round_ref: str = "round") -> Subquery:
    """The customer's answer to the follow-up survey of the given complaint and round, as a subquery."""
    answered = Survey.objects.filter(
        complaint=OuterRef(complaint_ref), round=OuterRef(round_ref), answered_at__isnull=False
    ).values("satisfaction")[:1]
    return Subquery(answered, output_field=IntegerField())


def _blind_q(user: Any) -> Q:
    """Complaints on which `user` was asked to calibrate and has not yet reviewed."""
    asked = CalibrationRequest.objects.filter(complaint=OuterRef("complaint"), asked=user.pk)
    own = CoachingReview.objects.filter(complaint=OuterRef("complaint"), reviewer=user.pk)
    return Q(Exists(asked)) & ~Q(Exists(own))


def visible_reviews(user: Any) -> QuerySet[CoachingReview]:
    """The reviews `user` may read: their own complaints' reviews; for managers every review they are not blind to."""
    reviews = CoachingReview.objects.all()
    if roles.is_manager(user):
        return reviews.filter(Q(handler=user.pk) | ~_blind_q(user))
    if roles.can_work(user):
        return reviews.filter(handler=user.pk)
    return reviews.none()


def is_blind(user: Any, complaint: Complaint) -> bool:
    """Whether `user` was asked to calibrate `complaint` and has not reviewed it yet (so sees no review)."""
    return (
        CalibrationRequest.objects.filter(complaint=complaint, asked=user.pk).exists()
        and not CoachingReview.objects.filter(complaint=complaint, reviewer=user.pk).exists()
    )


def get_review_for(user: Any, pk: int) -> CoachingReview:
    """The review with its complaint, people and ratings, if `user` may read it; else 404."""
    review = (
        visible_reviews(user)
        .select_related("complaint__customer", "handler", "reviewer")
        .annotate(satisfaction=answered_satisfaction())
        .prefetch_related("ratings")
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


@dataclass(frozen=True)
class RatedStep:
    step: str
    label: str
    rating: StepRating | None
    action: RecoveryAction | None


def rated_steps(review: CoachingReview) -> list[RatedStep]:
    """Each step done in the reviewed round with what was done and the coach's rating (one query)."""
    actions = {
        a.step: a
        for a in RecoveryAction.objects.filter(complaint=review.complaint_id, round=review.round, skipped=False)
    }
    ratings = {r.step: r for r in review.ratings.all()}
    return [
        RatedStep(step.value, step.label, ratings.get(step.value), actions.get(step.value))
        for step in STEPS
        if step.value in actions or step.value in ratings
    ]


def replies_to(review: CoachingReview) -> QuerySet[CoachingReply]:
    return review.replies.select_related("author").order_by("created_at", "pk")


def reviews_of_handler(user: Any) -> QuerySet[CoachingReview]:
    """The reviews of the complaints `user` handled, newest first, with the number of replies (one query)."""
    return (
        CoachingReview.objects.filter(handler=user.pk)
        .select_related("complaint", "reviewer")
        .annotate(reply_count=Count("replies"))
        .order_by("-created_at", "-pk")
    )


def complaint_reviews(complaint: Complaint) -> list[CoachingReview]:
    """Every review of a complaint with its ratings, oldest first (two queries); callers check `is_blind`."""
    return list(
        CoachingReview.objects.filter(complaint=complaint)
        .select_related("reviewer", "handler")
        .annotate(satisfaction=answered_satisfaction())
        .prefetch_related("ratings")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class SideBySideRow:
    label: str
    ratings: list[StepRating | None]
    differ: bool


def side_by_side(reviews: list[CoachingReview]) -> list[SideBySideRow]:
    """One row per step rated by any review, each review's rating in its column; `differ` when they disagree."""
    by_review = [{r.step: r for r in review.ratings.all()} for review in reviews]
    rows = []
    for step in STEPS:
        cells = [ratings.get(step.value) for ratings in by_review]
        if not any(cells):
            continue
        values = {cell.rating if cell is not None else None for cell in cells}
        rows.append(SideBySideRow(step.label, cells, len(values) > 1))
    return rows


def calibrations_asked_of(user: Any) -> QuerySet[CalibrationRequest]:
    """Calibrations asked of `user` that still wait for their review."""
    own = CoachingReview.objects.filter(complaint=OuterRef("complaint"), reviewer=user.pk)
    return (
        CalibrationRequest.objects.filter(asked=user.pk)
        .exclude(Exists(own))
        .select_related("complaint", "requested_by")
        .order_by("created_at", "pk")
    )


# --- the coaching page: coaches against customers, and against each other ------------------------------


@dataclass
class CoachRow:
    coach: Any
    reviews: int = 0
    ratings: list[str] = field(default_factory=list)
    compared: int = 0
    agreed: int = 0

    @property
    def average(self) -> float | None:
        return average_score(self.ratings)

    @property
    def agreement(self) -> int | None:
        """The share (percent) of this coach's comparable reviews where the customer agreed."""
        return round(100 * self.agreed / self.compared) if self.compared else None


@dataclass(frozen=True)
class Disagreement:
    review: CoachingReview
    praised: bool  # True: "mostly well done" with an unhappy customer; False: critical with a satisfied one


@dataclass(frozen=True)
class CoachingOverview:
    coaches: list[CoachRow]
    compared: int
    agreed: int
    disagreements: list[Disagreement]

    @property
    def agreement(self) -> int | None:
        return round(100 * self.agreed / self.compared) if self.compared else None


def coaching_overview(*, since: datetime) -> CoachingOverview:
    """Each coach's reviews and average rating, and how often coaches and customers agree (two queries)."""
    reviews = (
        CoachingReview.objects.filter(created_at__gte=since)
        .select_related("complaint", "reviewer", "handler")
        .annotate(satisfaction=answered_satisfaction())
        .prefetch_related(Prefetch("ratings", queryset=StepRating.objects.only("review_id", "rating")))
        .order_by("-created_at", "-pk")
    )
    coaches: dict[int, CoachRow] = {}
    compared = agreed = 0
    disagreements = []
    for review in reviews:
        ratings = [r.rating for r in review.ratings.all()]
        row = coaches.setdefault(review.reviewer_id, CoachRow(review.reviewer))
        row.reviews += 1
        row.ratings.extend(ratings)
        agreement = agrees(verdict(ratings), mood(review.satisfaction))
        if agreement is None:
            continue
        row.compared += 1
        compared += 1
        if agreement:
            row.agreed += 1
            agreed += 1
        else:
            praised = mood(review.satisfaction) == Mood.UNHAPPY
            disagreements.append(Disagreement(review, praised))
    disagreements.sort(key=lambda d: not d.praised)  # praise of an unhappy customer's case first
    rows = sorted(coaches.values(), key=lambda r: (r.average is None, -(r.average or 0), r.coach.pk))
    return CoachingOverview(rows, compared, agreed, disagreements)


# --- the coaching queue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandlerCount:
    handler: Any
    reviews: int


@dataclass(frozen=True)
class CoachingQueue:
    urgent: Sequence[Complaint]  # lost customers and low satisfaction, newest closed first
    sample: Sequence[Complaint]  # a stable sample of the rest
    others: int  # how many of the rest are not in the sample
    handlers: list[HandlerCount]
    month_start: datetime


LOW_SATISFACTION = 2


def coaching_queue(*, now: datetime | None = None) -> CoachingQueue:
    """Complaints closed in the last QUEUE_DAYS days without a review (four queries whatever the rows).

    Lost customers and low satisfaction (the survey's answer, else what the follow-up recorded: 1–2) come
    first, all of them; then at most QUEUE_SAMPLE of the rest in a fixed pseudo-random order (by the
    complaint's id), so the page stays the same between visits; with each handler's reviews this month.
    """
    now = now or timezone.now()
    reviewed = CoachingReview.objects.filter(complaint=OuterRef("pk"))
    closed = (
        Complaint.objects.filter(stage=Stage.CLOSED, closed_at__gte=now - timedelta(days=QUEUE_DAYS))
        .exclude(Exists(reviewed))
        .annotate(
            customer_satisfaction=Coalesce(answered_satisfaction("pk"), "satisfaction", output_field=IntegerField())
        )
        .select_related("owner", "customer")
    )
    urgent_q = Q(outcome=Outcome.LOST) | Q(customer_satisfaction__lte=LOW_SATISFACTION)
    urgent = list(closed.filter(urgent_q).order_by("-closed_at", "-pk"))
    rest = closed.exclude(urgent_q).annotate(sample_key=Mod(F("pk") * Value(7919), Value(1009)))
    sample = list(rest.order_by("sample_key", "pk")[:QUEUE_SAMPLE])
    others = max(rest.count() - len(sample), 0)
    today = timezone.localdate(now)
    month_start = local_midnight(today.replace(day=1))
    counted = roles.handlers().annotate(
        reviews=Count("coaching_received", filter=Q(coaching_received__created_at__gte=month_start))
    )
    handlers = [HandlerCount(person, person.reviews) for person in counted]
    return CoachingQueue(urgent, sample, others, handlers, month_start)


def own_review(user: Any, complaint: Complaint) -> CoachingReview | None:
    return CoachingReview.objects.filter(complaint=complaint, reviewer=user.pk).first()


def other_reviews_count(review: CoachingReview) -> int:
    """How many other reviews the same complaint has (a calibration), for the link to see them side by side."""
    return CoachingReview.objects.filter(complaint=review.complaint_id).exclude(pk=review.pk).count()


def review_mood(review: CoachingReview) -> Mood | None:
    """The band of the customer's survey answer (read with the review as `satisfaction`)."""
    return mood(getattr(review, "satisfaction", None))


def calibrations_pending(complaint: Complaint) -> QuerySet[CalibrationRequest]:
    """Calibrations of the complaint still waiting for the asked manager's review."""
    own = CoachingReview.objects.filter(complaint=OuterRef("complaint"), reviewer=OuterRef("asked"))
    return CalibrationRequest.objects.filter(complaint=complaint).exclude(Exists(own)).select_related("asked")
