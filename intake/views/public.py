"""The public complaint form (/complain/) and the page after it; no sign-in, linkable from the organisation's site.

The form works without JavaScript. Spam and abuse are held off here, without third-party services, and
each refusal is counted (`intake.services.refusal_count`, per day and reason) and stores nothing else:

- more than `PUBLIC_FORM_RATE_LIMIT` submissions from one client address: a friendly 429 page;
- a body larger than Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` (or with too many fields or files): a friendly
  413 page, where Django alone would answer a bare 400 (the view reads the body itself, before the CSRF
  check); a body that cannot be read (broken multipart) a friendly 400, counted with them;
- the honeypot filled in, or the form sent back sooner than `PUBLIC_FORM_MIN_SECONDS` after it was shown
  (or with a forged stamp): the form again (400) with a polite "we could not accept this, please send it
  again", the text kept in the page (not stored) so that a person caught by mistake loses nothing.

A complaint that passes is filed into the staff inbox (`public_complaint_submit`), and the browser is sent
(Post/Redirect/Get) to the received page, whose token is the complaint's status link: the reference, what
happens next and by when, and the link to follow it. The answer never depends on whether the email
address belongs to a customer on file.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from common.errors import DomainError
from common.forms import focus_first_error
from common.ratelimits import limited_per_client
from intake.models import RefusalReason
from intake.public_forms import HONEYPOT, PublicComplaintForm
from intake.services import public_complaint_submit, refusal_count
from intake.status_links import StatusLinkError, open_status_link, status_link_for, status_token
from intake.views.status import (
    link_problem_page,
    next_contact_sentence,
    private,
    problem_page,
    public_page,
    status_rate_limited,
)
from recovery.reminders import customer_may_be_emailed

# The services name the complaint's fields; the form asks for them in the customer's words.
FORM_FIELD = {"description": "what_happened", "summary": "what_happened"}

# Count every submission (POST) per client address; over the limit the view sees `request.limited`.
_submissions_limited = limited_per_client(
    setting="PUBLIC_FORM_RATE_LIMIT", group="intake.public_form", methods=["POST"]
)


def _refused(request: HttpRequest, reason: RefusalReason, status: int, *, problem: str) -> HttpResponse:
    """Count the refusal and say so on a page of its own; nothing of the submission is kept."""
    refusal_count(reason=reason)
    context = {"problem": problem, "upload_limit_mb": (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) / (1024 * 1024)}
    return public_page(request, "intake/public_refused.html", context, status=status)


def _show(request: HttpRequest, form: PublicComplaintForm, *, refused: bool = False) -> HttpResponse:
    focus_first_error(form)
    context = {"form": form, "refused": refused}
    return public_page(request, "intake/public_form.html", context, status=400 if refused else 200)


@login_not_required
@never_cache
@csrf_exempt  # checked by `_submit`, once the body is known to be readable
@require_http_methods(["GET", "HEAD", "POST"])
@_submissions_limited
def complain(request: HttpRequest) -> HttpResponse:
    """Show the complaint form; file what is sent, or refuse it politely when it looks like spam or abuse."""
    if request.method != "POST":
        return _show(request, PublicComplaintForm())
    if getattr(request, "limited", False):
        return _refused(request, RefusalReason.RATE_LIMITED, 429, problem="busy")
    try:
        request.POST  # noqa: B018 -- reading the body is what may fail
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        return _refused(request, RefusalReason.TOO_LARGE, 413, problem="too_large")
    except MultiPartParserError:
        # A body no browser sends (a broken multipart message): counted with the oversized ones, as abuse.
        return _refused(request, RefusalReason.TOO_LARGE, 400, problem="unreadable")
    return _submit(request)


@csrf_protect
def _submit(request: HttpRequest) -> HttpResponse:
    form = PublicComplaintForm(request.POST)
    reason = form.refusal()
    if reason is not None:
        # Counted and not kept. A person whose browser filled in the hidden box, or who pasted and sent in a
        # moment, gets their text back (with the box emptied and a fresh stamp) to send again.
        refusal_count(reason=reason)
        resend = request.POST.copy()
        resend[HONEYPOT] = ""
        retry = PublicComplaintForm(resend)
        retry.is_valid()
        return _show(request, retry, refused=True)
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint = public_complaint_submit(
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                group=data["group"],
                what_happened=data["what_happened"],
                desired_remedy=data["desired_remedy"],
                consents_to_contact=data["consents_to_contact"],
            )
        except DomainError as exc:
            field = FORM_FIELD.get(exc.field or "", exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            return redirect("complain:received", token=status_token(status_link_for(complaint)))
    return _show(request, form)


@login_not_required
@never_cache
@require_safe
@status_rate_limited
def received(request: HttpRequest, token: str) -> HttpResponse:
    """Where the form lands: the reference, what happens next and by when, and the link to follow the complaint."""
    if getattr(request, "limited", False):
        return problem_page(request, "busy", 429)
    try:
        link = open_status_link(token)
    except StatusLinkError as exc:
        return link_problem_page(request, exc)
    complaint = link.complaint
    status_path = reverse("status:status", args=[token])
    context = {
        "complaint": complaint,
        "next_contact": next_contact_sentence(complaint, now=timezone.now()),
        "status_path": status_path,
        "status_address": request.build_absolute_uri(status_path),
        # Only what the sender chose decides this (consent ticked and an address given), never the customer on file.
        "emailed": customer_may_be_emailed(complaint),
    }
    return private(public_page(request, "intake/public_received.html", context))
