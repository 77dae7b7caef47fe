"""The customer's status page: where their complaint stands, in plain words, and a box to add a message.

No sign-in (`login_not_required`): the signed token in the URL is the only key (`intake.status_links`). It
names one complaint, expires after `STATUS_LINK_DAYS` and can be revoked by a manager; every way a link can
be wrong ends on a friendly page with a fitting status (404 invalid, 410 expired or revoked). Requests are
rate-limited per client address (`STATUS_RATE_LIMIT`, django-ratelimit, counters in the shared cache), and
messages per link as well, so the page cannot be used to probe tokens or flood a complaint's timeline.

What the page shows is chosen, never the timeline: the reference, the stage in the customer's words, the
dates received, apologised and closed, and what the customer wrote themselves. No staff names, notes,
categories or anything staff typed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from common.errors import DomainError
from common.forms import focus_first_error
from common.ratelimits import limited_per_client
from intake.public_forms import StatusMessageForm
from intake.status_links import LinkProblem, StatusLinkError, open_status_link
from recovery.models import Complaint, ComplaintEvent, EventKind, Stage
from recovery.notifications.acknowledgement import next_contact
from recovery.workflow import complaint_customer_wrote

PROBLEM_STATUS = {LinkProblem.INVALID: 404, LinkProblem.EXPIRED: 410, LinkProblem.REVOKED: 410}

# Where the complaint stands, in the customer's words: one sentence per stage (the stage is the next thing to do).
STAGE_WORDS = {
    Stage.APOLOGIZE: "We have your complaint and will be in touch soon.",
    Stage.REINSTATE: "We have apologised and are putting things right.",
    Stage.EMPATHIZE: "We have apologised and are making sure we fully understand how this affected you.",
    Stage.ATONE: "We have apologised and are working out how we can make it up to you.",
    Stage.FOLLOW_UP: "We have done what we set out to do, and will check with you that all is now well.",
    Stage.CLOSE: "We are finishing off the last details of your complaint.",
    Stage.CLOSED: "Your complaint is closed.",
}
# Messages from one status link per hour: each one emails the complaint's owner.
MESSAGE_RATE = "10/h"
# The customer's own messages shown on the page, newest kept.
MESSAGES_SHOWN = 50
MESSAGE_VIA = {"email": "by email", "status_page": "on this page"}

# Count every request to a status-link page per client address; over the limit the view sees `request.limited`.
status_rate_limited = limited_per_client(setting="STATUS_RATE_LIMIT", group="intake.status")


def public_page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """Render one of the customer's pages (they extend intake/public_base.html, which names the organisation)."""
    return render(request, template, {"organisation": settings.ORGANISATION_NAME, **context}, status=status)


def private(response: HttpResponse) -> HttpResponse:
    """Keep a page whose URL holds a token out of search engines.

    Other sites never see the token as a referrer (SECURE_REFERRER_POLICY is same-origin); "no-referrer"
    here would make browsers send `Origin: null` with the message form, which CSRF protection refuses.
    """
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def problem_page(request: HttpRequest, problem: str, status: int) -> HttpResponse:
    """The friendly page for a status link that cannot be used (or a connection sending too much)."""
    return private(public_page(request, "intake/status_problem.html", {"problem": problem}, status=status))


def link_problem_page(request: HttpRequest, exc: StatusLinkError) -> HttpResponse:
    return problem_page(request, exc.problem, PROBLEM_STATUS[exc.problem])


def next_contact_sentence(complaint: Complaint, *, now: datetime) -> str:
    """Return when the customer hears from us next as a sentence (the acknowledgement's wording)."""
    words = next_contact(complaint, now=now)
    return f"{words[:1].upper()}{words[1:]}."


def _customer_messages(complaint: Complaint) -> list[dict[str, Any]]:
    """Return what the customer wrote later (from this page or by email), oldest first: the text and when only."""
    rows = list(
        ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.CUSTOMER_WROTE)
        .order_by("-created_at", "-pk")
        .values("created_at", "payload")[:MESSAGES_SHOWN]
    )
    shown = []
    for row in reversed(rows):
        payload = row["payload"] if isinstance(row["payload"], dict) else {}
        shown.append(
            {
                "at": row["created_at"],
                "text": str(payload.get("text", "")),
                "via": MESSAGE_VIA.get(str(payload.get("via", "")), ""),
            }
        )
    return shown


def _message_limited(request: HttpRequest, link_pk: int) -> bool:
    """Count one message from this link; True when it is over MESSAGE_RATE."""
    return bool(
        is_ratelimited(
            request,
            group="intake.status_message",
            key=lambda group, request: str(link_pk),
            rate=MESSAGE_RATE,
            method=ratelimit.ALL,
            increment=True,
        )
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@status_rate_limited
def status(request: HttpRequest, token: str) -> HttpResponse:
    """Show where the complaint stands; take a message from the customer onto its timeline."""
    if getattr(request, "limited", False):
        return problem_page(request, "busy", 429)
    try:
        link = open_status_link(token)
    except StatusLinkError as exc:
        return link_problem_page(request, exc)
    complaint = link.complaint
    form = StatusMessageForm(request.POST if request.method == "POST" else None)
    status_code = 200
    if form.is_valid():
        if _message_limited(request, link.pk):
            form.add_error(
                "text",
                "You have sent us several messages in the last hour. Please wait a while before sending another; "
                "we have the ones you sent.",
            )
            status_code = 429
        else:
            try:
                complaint_customer_wrote(complaint=complaint.pk, text=form.cleaned_data["text"], via="status_page")
            except DomainError as exc:
                form.add_error("text", exc.message)
            else:
                messages.success(
                    request, "Thank you: we have your message, and it is with the person looking after your complaint."
                )
                return private(redirect(request.path))
    focus_first_error(form)
    now = timezone.now()
    context = {
        "complaint": complaint,
        "stage_words": STAGE_WORDS.get(Stage(complaint.stage), ""),
        "next_contact": next_contact_sentence(complaint, now=now) if complaint.stage == Stage.APOLOGIZE else "",
        "is_closed": complaint.stage == Stage.CLOSED,
        "customer_messages": _customer_messages(complaint),
        "form": form,
    }
    return private(public_page(request, "intake/status.html", context, status=status_code))
