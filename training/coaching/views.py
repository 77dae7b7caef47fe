"""Coaching screens under /training/coaching/.

Managers (`role_required(is_manager)`, 403 for everyone else): the coaching page (coaches against customers
and against each other), the queue, the review form, a complaint's reviews side by side with the calibration
form. A review's page: its handler and managers (404 for anyone else, and for a manager still to review blind).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import roles
from common.forms import focus_first_error
from common.people import display_name
from common.views import role_required
from recovery import selectors as recovery_selectors
from recovery.models import Complaint, Stage
from training.coaching import selectors, services
from training.coaching.forms import CalibrationForm, ReplyForm, ReviewForm
from training.coaching.rules import AGREEMENT_EXPLAINED, QUEUE_DAYS, SCORE_EXPLAINED
from training.coaching.services import CoachingError

OVERVIEW_DAYS = 365


def _add_problems(form: Any, error: CoachingError) -> None:
    for problem in error.problems:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)


@role_required(roles.is_manager)
@require_safe
def coaching_home(request: HttpRequest) -> HttpResponse:
    """Coaches against customers (agreement, disagreements) and against each other (average rating)."""
    since = timezone.now() - timedelta(days=OVERVIEW_DAYS)
    context = {
        "overview": selectors.coaching_overview(since=since),
        "asked": selectors.calibrations_asked_of(request.user),
        "agreement_explained": AGREEMENT_EXPLAINED,
        "score_explained": SCORE_EXPLAINED,
        "days": OVERVIEW_DAYS,
    }
    return render(request, "training/coaching/home.html", context)


@role_required(roles.is_manager)
@require_safe
def coaching_queue(request: HttpRequest) -> HttpResponse:
    """Recently closed complaints without a review: lost and unhappy customers first, then a stable sample."""
    context = {"queue": selectors.coaching_queue(), "days": QUEUE_DAYS}
    return render(request, "training/coaching/queue.html", context)


def _review_page(
    request: HttpRequest, complaint: Complaint, form: ReviewForm, *, status: int = 200, blind: bool = False
) -> HttpResponse:
    focus_first_error(form)
    context = {"complaint": complaint, "form": form, "blind": blind, "closed": complaint.stage == Stage.CLOSED}
    return render(request, "training/coaching/review_form.html", context, status=status)


@role_required(roles.is_manager)
@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager's review of a closed complaint: a rating and a comment per step done, overall, next time."""
    complaint = recovery_selectors.get_complaint_for(request.user, pk)
    own = selectors.own_review(request.user, complaint)
    if own is not None:
        return redirect("training:coaching_review", own.pk)
    steps = services.steps_done(complaint)
    blind = selectors.is_blind(request.user, complaint)
    if request.method == "GET":
        return _review_page(request, complaint, ReviewForm(steps=steps), blind=blind)
    form = ReviewForm(request.POST, steps=steps)
    if not form.is_valid():
        return _review_page(request, complaint, form, status=400, blind=blind)
    try:
        review = services.review_create(
            complaint=complaint,
            reviewer=request.user,
            ratings=form.ratings(),
            overall=form.cleaned_data["overall"],
            next_time=form.cleaned_data["next_time"],
        )
    except CoachingError as error:
        _add_problems(form, error)
        return _review_page(request, complaint, form, status=400, blind=blind)
    handler = display_name(review.handler)
    messages.success(request, f"Your review of {complaint.reference} is saved; {handler} is told by email.")
    return redirect("training:coaching_review", review.pk)


def _review_detail_page(request: HttpRequest, pk: int, reply_form: ReplyForm | None, status: int = 200) -> HttpResponse:
    review = selectors.get_review_for(request.user, pk)
    may_reply = review.handler_id == request.user.pk or roles.is_manager(request.user)
    if may_reply and reply_form is None:
        reply_form = ReplyForm(initial={"token": secrets.token_urlsafe(16)})
    if reply_form is not None:
        focus_first_error(reply_form)
    context = {
        "review": review,
        "steps": selectors.rated_steps(review),
        "replies": selectors.replies_to(review),
        "reply_form": reply_form if may_reply else None,
        "is_manager": roles.is_manager(request.user),
        "others": selectors.other_reviews_count(review),
        "mood": selectors.review_mood(review),
    }
    return render(request, "training/coaching/review.html", context, status=status)


@role_required(roles.can_work)
@require_safe
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A review: each step's rating and comment, the customer's satisfaction beside them, and the replies."""
    return _review_detail_page(request, pk, None)


@role_required(roles.can_work)
@require_POST
def review_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Reply under a review (the person reviewed, or a manager): agree, or say what it missed."""
    review = selectors.get_review_for(request.user, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_add(
                review=review,
                author=request.user,
                stance=form.cleaned_data["stance"],
                text=form.cleaned_data["text"],
                token=form.cleaned_data["token"],
            )
        except CoachingError as error:
            _add_problems(form, error)
        else:
            messages.success(request, "Your reply is under the review.")
            return redirect("training:coaching_review", review.pk)
    if "token" in form.errors:
        # A form without a token it could have made (out of date, or tampered with): show it again, with
        # what was typed and a fresh token.
        data = request.POST.copy()
        data["token"] = secrets.token_urlsafe(16)
        form = ReplyForm(data)
        form.is_valid()
        form.add_error(None, "This form was out of date: check your reply and send it again.")
    return _review_detail_page(request, pk, form, status=400)


@role_required(roles.is_manager)
@require_http_methods(["GET", "POST"])
def coaching_complaint(request: HttpRequest, pk: int) -> HttpResponse:
    """A complaint's reviews side by side, where they differ, and asking another manager to calibrate."""
    complaint = recovery_selectors.get_complaint_for(request.user, pk)
    if complaint.stage != Stage.CLOSED and complaint.round == 1:
        raise Http404("This complaint was never closed: it has no coaching review.")
    blind = selectors.is_blind(request.user, complaint)
    reviews = [] if blind else selectors.complaint_reviews(complaint)
    # Nobody is asked twice, nor the one asking, nor who handled it or made it.
    exclude = [r.reviewer.pk for r in reviews] + [request.user.pk, complaint.owner_id, complaint.customer.staff_user_id]
    exclude = [pk for pk in exclude if pk is not None]
    form = CalibrationForm(request.POST or None, exclude=exclude)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.calibration_request(complaint=complaint, by=request.user, asked=form.cleaned_data["asked"])
            except CoachingError as error:
                _add_problems(form, error)
            else:
                asked = form.cleaned_data["asked"]
                messages.success(request, f"{display_name(asked)} is asked to review it blind.")
                return redirect("training:coaching_complaint", complaint.pk)
        status = 400
        focus_first_error(form)
    context = {
        "complaint": complaint,
        "blind": blind,
        "reviews": reviews,
        "rows": selectors.side_by_side(reviews),
        "mine": any(r.reviewer_id == request.user.pk for r in reviews),
        "pending": selectors.calibrations_pending(complaint),
        "form": form,
        "score_explained": SCORE_EXPLAINED,
    }
    return render(request, "training/coaching/complaint.html", context, status=status)
