"""Every coaching write: a review (and the email that tells the handler), a reply, a calibration request.

Each is one transaction that locks the complaint (or the review), checks who may do it, and refuses with a
`DomainError` naming the form field the message belongs next to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import roles
from common.errors import DomainError
from common.validators import check_text, is_blank, no_control_characters, visible_or_empty
from recovery.models import Complaint, RecoveryAction, Stage
from recovery.permissions import is_complainant
from training.coaching.models import (
    CalibrationRequest,
    CoachingNotice,
    CoachingNoticeKind,
    CoachingReply,
    CoachingReview,
    StepRating,
)
from training.coaching.rules import COMMENT_MAX, NOTE_MAX, REPLY_MAX, REPLY_TOKEN_MAX, Rating, Stance


class CoachingError(DomainError):
    """A refusal of a coaching write; `problems` lists every one when a form has several."""

    def __init__(self, message: str, *, field: str | None = None, problems: list[DomainError] | None = None) -> None:
        super().__init__(message, field=field)
        self.problems = problems or [self]


@dataclass(frozen=True)
class StepRatingInput:
    rating: str
    comment: str = ""


def rating_field(step: str) -> str:
    """The form field a step's rating belongs to (the review form names its fields so)."""
    return f"rating_{step}"


def steps_done(complaint: Complaint) -> list[RecoveryAction]:
    """The steps done (not skipped) in the complaint's last round, in order: what a review rates."""
    return list(
        RecoveryAction.objects.filter(complaint=complaint, round=complaint.round, skipped=False).order_by(
            "done_at", "pk"
        )
    )


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).select_related("owner", "customer").get(pk=complaint.pk)


def _check_may_review(complaint: Complaint, reviewer: Any) -> None:
    if not roles.is_manager(reviewer):
        raise CoachingError("Only managers write coaching reviews.")
    if complaint.stage != Stage.CLOSED:
        raise CoachingError("A complaint is reviewed once it is closed; this one is still open.")
    if complaint.owner_id == reviewer.pk:
        raise CoachingError("You handled this complaint: ask another manager to review it.")
    if is_complainant(reviewer, complaint):
        # As with handling it: the colleague who complained does not judge how their complaint was handled.
        raise CoachingError(f"{complaint.reference} is your own complaint: another manager reviews it.")


def _text_problem(value: str, *, limit: int, field: str) -> DomainError | None:
    """Return what is wrong with typed text (too long, control characters), or None."""
    try:
        check_text(value.strip(), limit=limit)
    except ValidationError as exc:
        return DomainError(exc.messages[0], field=field)
    return None


def _text_problems(overall: str, next_time: str) -> list[DomainError]:
    problems: list[DomainError] = []
    texts = (("overall", overall, "an overall note"), ("next_time", next_time, "what to do next time"))
    for field, value, what in texts:
        problem = _text_problem(value, limit=NOTE_MAX, field=field)
        if is_blank(value):
            problems.append(DomainError(f"Write {what}.", field=field))
        elif problem is not None:
            problems.append(problem)
    return problems


def _rating_problems(done: list[str], ratings: Mapping[str, StepRatingInput]) -> list[DomainError]:
    problems: list[DomainError] = []
    for step in done:
        given = ratings.get(step)
        if given is None or given.rating not in Rating.values:
            problems.append(DomainError(f"Rate the {Stage(step).label.lower()} step.", field=rating_field(step)))
        else:
            problem = _text_problem(given.comment, limit=COMMENT_MAX, field=f"comment_{step}")
            if problem is not None:
                problems.append(problem)
    for step in ratings:
        if step not in done:
            label = Stage(step).label.lower() if step in Stage.values else step
            problems.append(DomainError(f"The {label} step was not done in this complaint: it cannot be rated."))
    return problems


@transaction.atomic
def review_create(
    *,
    complaint: Complaint,
    reviewer: Any,
    ratings: Mapping[str, StepRatingInput],
    overall: str,
    next_time: str,
    now: datetime | None = None,
) -> CoachingReview:
    """Record a manager's review of a closed complaint, and owe its handler an email saying so.

    A rating for each step done in the closing round and none for another; an overall note and what to do
    next time. The handler is the complaint's owner at close. One review per manager and complaint: sending
    the form again returns the review already stored.
    """
    now = now or timezone.now()
    complaint = _lock(complaint)
    _check_may_review(complaint, reviewer)
    existing = CoachingReview.objects.filter(complaint=complaint, reviewer=reviewer).first()
    if existing is not None:
        return existing
    done = [action.step for action in steps_done(complaint)]
    problems = _rating_problems(done, ratings) + _text_problems(overall, next_time)
    if problems:
        raise CoachingError(problems[0].message, field=problems[0].field, problems=problems)
    handler = complaint.owner
    if handler is None:  # closing needs the steps done, and the steps an owner: never so for a closed complaint
        raise CoachingError(f"{complaint.reference} has nobody to review: nobody owns it.")
    review = CoachingReview.objects.create(
        complaint=complaint,
        round=complaint.round,
        handler=handler,
        reviewer=reviewer,
        overall=visible_or_empty(overall),
        next_time=visible_or_empty(next_time),
        created_at=now,
    )
    StepRating.objects.bulk_create(
        StepRating(
            review=review, step=step, rating=ratings[step].rating, comment=visible_or_empty(ratings[step].comment)
        )
        for step in done
    )
    # The handler is told by email, sent by the lease loop every email shares (training/coaching/sending.py).
    CoachingNotice.objects.create(review=review, recipient=handler, due_at=now)
    return review


def _has_control_characters(text: str) -> bool:
    try:
        no_control_characters(text)
    except ValidationError:
        return True
    return False


@transaction.atomic
def reply_add(*, review: CoachingReview, author: Any, stance: str, text: str, token: str) -> CoachingReply:
    """Add the handler's (or a manager's) reply under a review; the same form sent twice is stored once."""
    if author.pk != review.handler_id and not roles.is_manager(author):
        raise CoachingError("Only the person reviewed and managers reply to a review.")
    problems: list[DomainError] = []
    if stance not in Stance.values:
        problems.append(DomainError("Say whether you agree or what the review missed.", field="stance"))
    text_problem = _text_problem(text, limit=REPLY_MAX, field="text")
    if is_blank(text):
        problems.append(DomainError("Write your reply.", field="text"))
    elif text_problem is not None:
        problems.append(text_problem)
    if not token or len(token) > REPLY_TOKEN_MAX or _has_control_characters(token):
        problems.append(DomainError("This form is out of date. Try again."))
    if problems:
        raise CoachingError(problems[0].message, field=problems[0].field, problems=problems)
    existing = CoachingReply.objects.filter(author=author, token=token).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return CoachingReply.objects.create(
                review=review,
                author=author,
                stance=stance,
                text=visible_or_empty(text),
                token=token,
                created_at=timezone.now(),
            )
    except IntegrityError:  # the same form, sent at the same moment from another tab
        return CoachingReply.objects.get(author=author, token=token)


@transaction.atomic
def calibration_request(*, complaint: Complaint, by: Any, asked: Any) -> CalibrationRequest:
    """Ask another manager to review the complaint without seeing the reviews already in (idempotent)."""
    complaint = _lock(complaint)
    if not roles.is_manager(by):
        raise CoachingError("Only managers ask for calibration.")
    if not CoachingReview.objects.filter(complaint=complaint, reviewer=by).exists():
        raise CoachingError("Review the complaint yourself before asking a colleague to calibrate.")
    if asked is None or not roles.is_manager(asked) or asked.pk == by.pk:
        raise CoachingError("Choose another manager.", field="asked")
    if asked.pk == complaint.owner_id:
        raise CoachingError("That manager handled this complaint: choose another.", field="asked")
    if is_complainant(asked, complaint):
        raise CoachingError("That manager made this complaint: choose another.", field="asked")
    if CoachingReview.objects.filter(complaint=complaint, reviewer=asked).exists():
        raise CoachingError("That manager has already reviewed this complaint.", field="asked")
    now = timezone.now()
    request, created = CalibrationRequest.objects.get_or_create(
        complaint=complaint, asked=asked, defaults={"requested_by": by, "created_at": now}
    )
    if created:  # the asked manager is told by email, as a handler is of a review
        CoachingNotice.objects.create(
            kind=CoachingNoticeKind.CALIBRATION, calibration=request, recipient=asked, due_at=now
        )
    return request
