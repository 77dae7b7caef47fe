"""Log a complaint: the screen front-line staff use most, often with the customer in front of them.

The customer is found as you type (htmx asks `customer_search` for a short
list) or added without leaving the page (`customer_quick_create`). Without
JavaScript the search box is a plain GET form that comes back to this page
with the matches, and each match is a button that reloads the page with that
customer chosen. The complaint itself is a normal POST that redirects to the
complaint page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from accounts import roles
from common.errors import DomainError
from common.views import role_required
from customers.models import Customer
from customers.selectors import customer_picker, find_customer
from recovery import workflow
from recovery.forms.log import ComplaintLogForm
from recovery.models import Complaint
from recovery.templatetags.caredesk import due_hint

SEARCH_BOX = "q"


def logged_message(complaint: Complaint) -> SafeString:
    """Return the flash message for a new complaint: its reference, big, and when the apology is due."""
    due = complaint.step_due_at
    if due is None:  # pragma: no cover - a new complaint always has its apology due
        return format_html('Logged <span class="reference reference-lg">{}</span>.', complaint.reference)
    return format_html(
        'Logged <span class="reference reference-lg">{}</span>. Apologize by <strong>{}</strong> ({}).',
        complaint.reference,
        f"{timezone.localtime(due):%a %d %b, %H:%M}",
        due_hint(due),
    )


def _page(
    request: HttpRequest, form: ComplaintLogForm, *, customer: Customer | None, status: int = 200
) -> HttpResponse:
    # Once a customer is chosen (or the complaint was sent) the matches have done their job.
    query = request.GET.get(SEARCH_BOX, "") if request.method == "GET" and customer is None else ""
    picker = customer_picker(query)
    error_field = form.first_error() if form.is_bound else None
    focus = error_field or ("channel" if customer is not None else SEARCH_BOX)
    if focus in form.fields and focus != "customer":
        form.focus(focus)
    context: dict[str, Any] = {
        "form": form,
        "customer": customer,
        "picker": picker,
        "focus": SEARCH_BOX if focus == "customer" else focus,
    }
    return render(request, "recovery/log.html", context, status=status)


@role_required(roles.can_work)
@require_http_methods(["GET", "POST"])
def complaint_log(request: HttpRequest) -> HttpResponse:
    """Show the log form (with customer matches for ?q=, or a customer chosen by ?customer=) and store it."""
    if request.method == "POST":
        form = ComplaintLogForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                complaint = workflow.complaint_log(user=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, logged_message(complaint))
                return redirect("recovery:complaint_detail", pk=complaint.pk)
        return _page(request, form, customer=form.cleaned_data.get("customer"))
    customer = find_customer(request.GET["customer"]) if request.GET.get("customer") else None
    initial = {"customer": customer.pk} if customer is not None else {}
    return _page(request, ComplaintLogForm(initial=initial, user=request.user), customer=customer)
