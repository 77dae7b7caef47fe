"""Customer screens, and the customer search and quick add the log form uses.

Anyone who works complaints may find, read, add and edit customers; which of
a customer's complaints they see is decided by `complaints_visible_to`, so a
front-line user sees an employee's record but only the complaints they handle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from accounts import roles
from common.errors import DomainError
from common.forms import focus_first_error
from common.htmx import HtmxHttpRequest
from common.phones import PHONE_SEPARATORS
from common.views import role_required
from customers import permissions, selectors
from customers.forms import CustomerEditForm, CustomerFilterForm, CustomerForm, CustomerQuickForm
from customers.models import GROUP_HELP, Customer, CustomerGroup, DataRequestKind, Organization
from customers.services import DuplicateCustomerError, customer_create, customer_update, organization_get_or_create
from recovery.definitions import REPEAT_WINDOW

PAGE_SIZE = 25
# The one place the quick add may send someone back to after adding a customer (no open redirects).
BACK_TO_LOG = "log"


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customer list: the customer and the counts of their complaints the user may see."""

    customer: Customer
    counts: selectors.ComplaintCounts


def _organization(name: str) -> Organization | None:
    return organization_get_or_create(name=name) if name else None


def _add_error(form: CustomerForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def quick_initial(text: str) -> dict[str, str]:
    """Return the quick form's starting values for what was typed into the search box."""
    text = selectors.clean_query(text)
    if not text:
        return {}
    if "@" in text:
        return {"email": text}
    if not text.strip(PHONE_SEPARATORS + "0123456789"):
        return {"phone": text}
    return {"name": text}


@role_required(roles.can_work)
@require_safe
def customer_list(request: HtmxHttpRequest) -> HttpResponse:
    """List customers by name, searched and filtered by group, 25 a page."""
    filters = CustomerFilterForm(request.GET)
    text, group = filters.values()
    page = Paginator(selectors.customer_search(text=text, group=group), PAGE_SIZE).get_page(request.GET.get("page"))
    customers: list[Customer] = list(page.object_list)
    counts = selectors.complaint_counts(request.user, [c.pk for c in customers])
    rows = [CustomerRow(c, counts.get(c.pk, selectors.ComplaintCounts())) for c in customers]
    # A history restore (the back button after an htmx search) needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    return render(
        request,
        "customers/list_results.html" if partial else "customers/list.html",
        {"filters": filters, "page": page, "rows": rows, "text": text, "repeat_days": REPEAT_WINDOW.days},
    )


@role_required(roles.can_work)
@require_safe
def customer_search(request: HtmxHttpRequest) -> HttpResponse:
    """Return the log form's short list of customers matching ?q= (a page of its own without htmx)."""
    query = request.GET.get("q", "")
    if not request.htmx:
        return redirect(f"{reverse('recovery:complaint_log')}?{urlencode({'q': selectors.clean_query(query)})}")
    return render(request, "recovery/partials/customer_results.html", {"picker": selectors.customer_picker(query)})


def _quick_page(request: HtmxHttpRequest, form: CustomerQuickForm, *, status: int = 200) -> HttpResponse:
    focus_first_error(form)
    back = request.POST.get("next") or request.GET.get("next")
    context = {"quick_form": form, "next": BACK_TO_LOG if back == BACK_TO_LOG else ""}
    template = "recovery/partials/customer_quick_form.html" if request.htmx else "customers/new.html"
    return render(request, template, context, status=status)


@role_required(roles.can_work)
@require_http_methods(["GET", "POST"])
def customer_quick_create(request: HtmxHttpRequest) -> HttpResponse:
    """Add a customer: a small form inside the log form with htmx, a page of its own without."""
    if request.method == "GET":
        if request.htmx and request.GET.get("closed"):
            return render(request, "recovery/partials/customer_quick_form.html", {"quick_form": None})
        existing = selectors.find_customer(request.GET["choose"]) if request.GET.get("choose") else None
        if request.htmx and existing is not None:
            # "Choose them" on the warning about a customer already on file: pick them instead of adding.
            return _quick_chosen(request, existing, added=False)
        initial = quick_initial(request.GET.get("q", ""))
        return _quick_page(request, CustomerQuickForm(initial=initial))
    form = CustomerQuickForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                customer = customer_create(
                    user=request.user,
                    organization=_organization(form.cleaned_data["organization"]),
                    **form.service_fields(),
                )
        except DuplicateCustomerError as error:
            _add_error(form, error)
            form.offer_duplicate(error.existing)
        except DomainError as error:
            _add_error(form, error)
        else:
            return _quick_created(request, customer)
    return _quick_page(request, form)


def _quick_chosen(request: HtmxHttpRequest, customer: Customer, *, added: bool) -> HttpResponse:
    # The slot closes with a note; the chosen customer (with the hidden input filled) is swapped out of band.
    return render(
        request,
        "recovery/partials/customer_quick_form.html",
        {"quick_form": None, "created": customer, "added": added, "oob": True},
    )


def _quick_created(request: HtmxHttpRequest, customer: Customer) -> HttpResponse:
    if request.htmx:
        return _quick_chosen(request, customer, added=True)
    messages.success(request, f"Added {customer.name}.")
    if (request.POST.get("next") or "") == BACK_TO_LOG:
        return redirect(f"{reverse('recovery:complaint_log')}?{urlencode({'customer': customer.pk})}")
    return redirect("customers:customer_detail", pk=customer.pk)


@role_required(roles.can_work)
@require_safe
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a customer, their totals and the complaints of theirs the user may see."""
    customer = selectors.get_customer(pk)
    figures = selectors.customer_figures(request.user, customer)
    complaints = Paginator(selectors.customer_complaints(request.user, customer), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    may_handle_data = permissions.can_handle_personal_data(request.user)
    # Who exported or erased the data: for managers, and for everyone once erased (the page must say so).
    records = selectors.personal_data_records(customer) if may_handle_data or customer.is_erased else []
    context = {
        "customer": customer,
        "figures": figures,
        "complaints": complaints,
        "group_help": GROUP_HELP.get(CustomerGroup(customer.group), ""),
        "confidential_note": permissions.complaints_may_be_hidden(request.user, customer),
        "repeat_days": REPEAT_WINDOW.days,
        "may_handle_data": may_handle_data,
        "data_records": records,
        "erasure": next((r for r in records if r.kind == DataRequestKind.ERASED), None),
    }
    return render(request, "customers/detail.html", context)


def _edit_initial(customer: Customer) -> dict[str, Any]:
    return {
        "name": customer.name,
        "group": customer.group,
        "email": customer.email,
        "phone": customer.phone,
        "organization": customer.organization.name if customer.organization else "",
        "consents_to_contact": customer.consents_to_contact,
        "staff_user": customer.staff_user_id,
    }


@role_required(roles.can_work)
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a customer's details; the service refuses what only a manager may change."""
    customer = selectors.get_customer(pk)
    if customer.is_erased:
        messages.info(request, "This customer's personal data was erased; their record can no longer be changed.")
        return redirect("customers:customer_detail", pk=customer.pk)
    if request.method == "POST":
        form = CustomerEditForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    customer_update(
                        customer=customer,
                        user=request.user,
                        organization=_organization(form.cleaned_data["organization"]),
                        **form.service_fields(),
                    )
            except DomainError as error:
                _add_error(form, error)
            else:
                messages.success(request, "Customer details saved.")
                return redirect("customers:customer_detail", pk=customer.pk)
    else:
        form = CustomerEditForm(initial=_edit_initial(customer))
    focus_first_error(form)
    return render(request, "customers/edit.html", {"customer": customer, "form": form})
