"""The "Coaching" section of the complaint page, registered with `recovery.page_links` (recovery imports no training).

The person reviewed sees the reviews of them; a manager sees every review (or, when asked to calibrate and
not yet reviewed, only the invitation to review blind) and, on a closed complaint they did not handle, did
not make and have not reviewed, a button to write one. One query on a complaint that was ever closed, none
otherwise.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import dateformat

from accounts import roles
from common.people import display_name
from recovery.models import Complaint, Stage
from recovery.page_links import PageLink, PageSection
from recovery.permissions import is_complainant
from training.coaching.models import CalibrationRequest, CoachingReview

HEADING = "Coaching"


def coaching_section(user: Any, complaint: Complaint) -> PageSection | None:
    """What the complaint page shows `user` about coaching reviews of `complaint`."""
    if complaint.stage != Stage.CLOSED and complaint.round == 1:
        return None  # never closed: nothing reviewed, nothing to review
    manager = roles.is_manager(user)
    if not manager and complaint.owner_id != user.pk:
        return None
    reviews = list(
        CoachingReview.objects.filter(complaint=complaint)
        .select_related("reviewer")
        .annotate(asked_me=Exists(CalibrationRequest.objects.filter(complaint=OuterRef("complaint"), asked=user.pk)))
        .order_by("created_at", "pk")
    )
    mine = any(review.reviewer_id == user.pk for review in reviews)
    blind = manager and not mine and any(review.asked_me for review in reviews)
    links: list[PageLink] = []
    if not blind:
        for review in reviews:
            if manager or review.handler_id == user.pk:
                when = dateformat.format(review.created_at, "j M Y")
                text = f"Review by {display_name(review.reviewer)}, {when}"
                links.append(PageLink(text, reverse("training:coaching_review", args=[review.pk])))
        if manager and len(reviews) > 1:
            url = reverse("training:coaching_complaint", args=[complaint.pk])
            links.append(PageLink("The reviews side by side", url))
    may_write = (
        manager
        and complaint.stage == Stage.CLOSED
        and complaint.owner_id != user.pk
        and not mine
        and not is_complainant(user, complaint)
    )
    if may_write:
        text = "Write your blind review (asked for calibration)" if blind else "Write a coaching review"
        links.append(PageLink(text, reverse("training:coaching_review_create", args=[complaint.pk]), is_action=True))
    return PageSection(HEADING, tuple(links)) if links else None
