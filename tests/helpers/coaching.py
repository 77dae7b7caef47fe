"""Coaching in tests: closed complaints to review, reviews with every step rated, a customer's survey answer."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from recovery.models import Complaint, Survey
from tests.factories import log_complaint
from tests.helpers.workflow import closed
from training.coaching import services
from training.coaching.models import CoachingReview
from training.coaching.services import StepRatingInput

STEPS_DONE = ("apologize", "reinstate", "empathize", "atone", "follow_up")


def closed_complaint(handler: Any, customer: Any, **fields: Any) -> Complaint:
    """A complaint `handler` logged and took through every step to closed."""
    return closed(log_complaint(user=handler, customer=customer, **fields), handler)


def ratings(rating: str = "well_done", **per_step: str) -> dict[str, StepRatingInput]:
    """A rating for every step done (all five), `rating` unless a step is named."""
    return {step: StepRatingInput(per_step.get(step, rating), f"Comment on {step}") for step in STEPS_DONE}


def review(complaint: Complaint, reviewer: Any, rating: str = "well_done", **per_step: str) -> CoachingReview:
    return services.review_create(
        complaint=complaint,
        reviewer=reviewer,
        ratings=ratings(rating, **per_step),
        overall="Calm and quick throughout.",
        next_time="Offer the voucher before being asked.",
    )


def answer_survey(complaint: Complaint, satisfaction: int) -> Survey:
    now = timezone.now()
    return Survey.objects.create(
        complaint=complaint,
        round=complaint.round,
        sent_at=now,
        answered_at=now,
        satisfaction=satisfaction,
        would_return=satisfaction >= 3,
    )


def review_form_data(rating: str = "well_done", **changes: str) -> dict[str, str]:
    data = {f"rating_{step}": rating for step in STEPS_DONE}
    data |= {f"comment_{step}": "" for step in STEPS_DONE}
    data |= {"overall": "Calm and quick throughout.", "next_time": "Offer the voucher before being asked."}
    return {**data, **changes}
