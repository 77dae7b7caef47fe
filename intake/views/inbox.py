"""The inbox: complaints customers filed themselves that nobody has taken yet, and taking one.

Thin: the inbox is `intake.selectors.inbox_for` (scoped like every complaint read), taking is
`recovery.workflow.complaint_take` (race-safe under the complaint's row lock).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import roles
from common.errors import DomainError
from common.forms import focus_first_error
from common.people import display_name
from common.views import role_required
from intake.forms import TakeForm
from intake.selectors import inbox_for, refused_lately
from recovery import selectors
from recovery.models import Category, Complaint, ComplaintEvent, EventKind, Severity
from recovery.permissions import allowed_actions
from recovery.workflow import StaleComplaintError, complaint_take

PAGE_SIZE = 25
REFUSED_DAYS = 7


def _suggestion(complaint: Complaint) -> dict[str, Any]:
    """Return what the inbox suggested when the complaint arrived (kept on its `logged` event)."""
    event = ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.LOGGED).only("payload").first()
    payload = event.payload if event is not None and isinstance(event.payload, dict) else {}
    suggested = payload.get("suggested")
    return suggested if isinstance(suggested, dict) else {}


@role_required(roles.can_work)
def inbox(request: HttpRequest) -> HttpResponse:
    """List the complaints nobody has taken, most severe and newest first, with their apology's due time."""
    complaints = inbox_for(request.user).select_related("customer", "category")
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    overdue = sum(1 for c in page.object_list if c.step_due_at is not None and c.step_due_at < now)
    manager = roles.is_manager(request.user)
    return render(
        request,
        "intake/inbox.html",
        {
            "page": page,
            "overdue": overdue,
            "is_manager": manager,
            # Managers see how much the form's spam protection kept out (counted, never stored).
            "refused": refused_lately(days=REFUSED_DAYS) if manager else 0,
            "refused_days": REFUSED_DAYS,
            "categories": list(Category.objects.filter(is_active=True)),
            "severities": Severity.choices,
        },
    )


@role_required(roles.can_work)
@require_http_methods(["GET", "HEAD", "POST"])
def take(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a complaint from the inbox with its initial assessment (a manager may give it to someone)."""
    complaint = selectors.get_complaint_for(request.user, pk)
    if not complaint.in_inbox:
        owner = complaint.owner
        if owner is not None and owner.pk == request.user.pk:
            messages.info(request, f"{complaint.reference} is already yours.")
        elif owner is not None:
            messages.warning(request, f"{complaint.reference} has already been taken by {display_name(owner)}.")
        # Someone who clicked "Take it" goes back to the inbox for the next one; a link opens the complaint.
        return redirect("intake:inbox") if request.method == "POST" else redirect(complaint)
    manager = roles.is_manager(request.user)
    form = TakeForm(
        request.POST if request.method == "POST" else None,
        complaint=complaint,
        user=request.user,
        manager=manager,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            taken = complaint_take(
                complaint=complaint,
                user=request.user,
                to=data.get("to") or None,
                category=data["category"],
                severity=data["severity"],
                expected_version=data["expected_version"],
            )
        except StaleComplaintError as exc:
            complaint = selectors.get_complaint_for(request.user, pk)
            # What the taker chose stays; the version is the one just read, so "take it again" can succeed.
            chosen = {name: form.data.get(name) for name in ("category", "severity", "to")}
            initial = {**chosen, "expected_version": complaint.version}
            form = TakeForm(None, complaint=complaint, user=request.user, manager=manager, initial=initial)
            form.stale_message = exc.message
        except DomainError as exc:
            if complaint.pk and Complaint.objects.filter(pk=pk, owner__isnull=False).exists():
                messages.warning(request, exc.message)
                return redirect("intake:inbox")
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if taken.owner_id == request.user.pk:
                messages.success(request, f"{taken.reference} is yours now. Next: apologize.")
                return redirect(taken)
            messages.success(request, f"{taken.reference} was given to {display_name(taken.owner)}.")
            return redirect("intake:inbox")
    focus_first_error(form)
    return render(
        request,
        "intake/take.html",
        {
            "complaint": complaint,
            "form": form,
            "suggested": _suggestion(complaint),
            "actions": allowed_actions(request.user, complaint),
            "manager": manager,
        },
    )
