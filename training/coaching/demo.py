"""Demo coaching for `seed_demo` (through `training.demo.seed_training`): reviewed complaints, some with replies,
one calibration pair, one coach who praised a case the customer was unhappy with, and recently closed complaints
left unreviewed so the coaching queue has something to show.

Everything goes through the services; then the times move back to just after each complaint closed, as the
complaints' seed does, and the notices count as sent (the seed runs no worker).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from accounts import roles
from common.leases import LeaseStatus
from recovery import surveys
from recovery.models import Complaint, Reminder, ReminderKind, Stage
from training.coaching import services
from training.coaching.models import CalibrationRequest, CoachingNotice, CoachingReply, CoachingReview
from training.coaching.rules import Rating, Stance
from training.coaching.services import StepRatingInput

# Ratings cycled over the steps of each review, so coaches differ: maria is lenient, mark strict.
LENIENT = (Rating.WELL_DONE, Rating.WELL_DONE, Rating.COULD_BE_BETTER, Rating.WELL_DONE, Rating.WELL_DONE)
STRICT = (Rating.COULD_BE_BETTER, Rating.MISSED, Rating.WELL_DONE, Rating.COULD_BE_BETTER, Rating.MISSED)
COMMENTS: dict[str, str] = {
    Rating.WELL_DONE: "Just right: prompt, and in the customer's words.",
    Rating.COULD_BE_BETTER: "Fine, but slower than the customer needed.",
    Rating.MISSED: "This was the moment to ask what they wanted, and it passed.",
}
OVERALL = (
    "You kept calm when the customer was angry, and it showed in the follow-up.",
    "Solid recovery; the atonement came late and the customer noticed.",
    "The apology sounded like a script. Say what went wrong, in their words.",
)
NEXT_TIME = (
    "Offer the atonement in the same call as the apology when you can.",
    "Repeat back what the customer said before you explain anything.",
    "Tell the customer when you will call back, and do it a little earlier.",
)
REPLIES = (
    (Stance.AGREE, "Fair. I waited for the courier's answer before calling back; next time I'll call first."),
    (Stance.MISSED_SOMETHING, "The customer asked us not to call during work hours, which is why it looks slow."),
)


def _review(complaint: Complaint, reviewer: Any, pattern: tuple[str, ...], n: int, *, at: datetime) -> CoachingReview:
    done = [action.step for action in services.steps_done(complaint)]
    ratings = {
        step: StepRatingInput(pattern[i % len(pattern)], COMMENTS[pattern[i % len(pattern)]])
        for i, step in enumerate(done)
    }
    review = services.review_create(
        complaint=complaint,
        reviewer=reviewer,
        ratings=ratings,
        overall=OVERALL[n % len(OVERALL)],
        next_time=NEXT_TIME[n % len(NEXT_TIME)],
        now=at,
    )
    CoachingNotice.objects.filter(review=review).update(status=LeaseStatus.SENT, sent_at=at, attempts=1)
    return review


def _answer_survey(complaint: Complaint, satisfaction: int) -> bool:
    """Let the customer have answered the closing round's survey before the complaint closed (True if so).

    Its email counts as sent two hours before the close (or on its due time, if earlier), as the
    complaints' seed does for the follow-ups: the reminder marked sent, the answer through `survey_answer`.
    """
    reminder = Reminder.objects.filter(
        complaint=complaint, kind=ReminderKind.CUSTOMER_SURVEY, round=complaint.round
    ).first()
    if reminder is None or complaint.closed_at is None:
        return False
    sent_at = min(reminder.due_at, complaint.closed_at - timedelta(hours=2))
    Reminder.objects.filter(pk=reminder.pk).update(status=LeaseStatus.SENT, sent_at=sent_at)
    survey = surveys.survey_invite(complaint=complaint)
    surveys.survey_mark_sent(complaint=complaint, at=sent_at)
    surveys.survey_answer(
        token=surveys.survey_token(survey),
        satisfaction=satisfaction,
        would_return=satisfaction >= 3,
        now=sent_at + timedelta(hours=1),
    )
    return True


def _after(complaint: Complaint, days: int, now: datetime) -> datetime:
    """A moment `days` after the complaint closed, never in the future."""
    closed_at = complaint.closed_at or now
    return min(closed_at + timedelta(days=days), now)


def seed_coaching(*, people: dict[str, Any], now: datetime) -> None:
    """Give maria and mark some coaching history on the demo's closed complaints."""
    maria, mark = people["maria"], people["mark"]
    managers = list(roles.managers().values_list("pk", flat=True))
    closed = list(
        Complaint.objects.filter(stage=Stage.CLOSED, closed_at__isnull=False)
        .exclude(owner__in=managers)
        .order_by("-closed_at", "-pk")
    )
    if len(closed) < 12:
        return
    # The newest stay unreviewed for the queue; every third of the rest is reviewed, alternately by each coach.
    chosen = closed[6:40:3]
    for n, complaint in enumerate(chosen):
        # The first few were written this morning, so "reviews this month" counts something on any day.
        at = now - timedelta(hours=n + 1) if n < 3 else _after(complaint, 1 + n % 3, now)
        coach, pattern = (maria, LENIENT) if n % 2 == 0 else (mark, STRICT)
        review = _review(complaint, coach, pattern, n, at=at)
        if n < len(REPLIES):
            stance, text = REPLIES[n]
            reply = services.reply_add(
                review=review, author=complaint.owner, stance=stance, text=text, token=f"demo{n}"
            )
            CoachingReply.objects.filter(pk=reply.pk).update(created_at=min(at + timedelta(minutes=20), now))
    # Calibration: maria reviewed the first; mark was asked to review it blind, and did.
    first = chosen[0]
    request = services.calibration_request(complaint=first, by=maria, asked=mark)
    asked_at = now - timedelta(minutes=50)
    CalibrationRequest.objects.filter(pk=request.pk).update(created_at=asked_at)
    CoachingNotice.objects.filter(calibration=request).update(status=LeaseStatus.SENT, sent_at=asked_at, attempts=1)
    _review(first, mark, STRICT, 1, at=now - timedelta(minutes=30))
    # The coach against the customer: maria praised a case whose customer said, in the survey, they were unhappy.
    reviewed = set(CoachingReview.objects.values_list("complaint_id", flat=True))
    rest = [c for c in closed[6:] if c.pk not in reviewed]
    for praised in sorted(rest, key=lambda c: (c.satisfaction or 5, c.pk)):
        if _answer_survey(praised, min(praised.satisfaction or 2, 2)):
            _review(praised, maria, (Rating.WELL_DONE,), 0, at=_after(praised, 1, now))
            break
    # The reviewed customers who could be emailed answered the survey as they told the handler at the follow-up.
    for complaint in chosen:
        if complaint.satisfaction is not None:
            _answer_survey(complaint, complaint.satisfaction)
