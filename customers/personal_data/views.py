"""The managers' pages for a customer's personal data: the JSON download and the erasure's confirm page.

Both are managers only (`role_required(is_manager)`: 403 for the front line); an unknown customer is 404.
The download is a POST: it writes a record and hands out a person's data, so no link prefetch, crawler
or second tab fetches it by accident, and the CSRF check applies.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from common.errors import DomainError
from common.forms import focus_first_error
from common.views import role_required
from customers import selectors
from customers.personal_data.erasure import CONFIRMATION_WORD, customer_erase
from customers.personal_data.export import customer_export, export_filename, export_json
from customers.personal_data.forms import ErasureForm


@role_required(roles.is_manager)
@require_POST
def customer_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Download everything held about the customer as a JSON attachment, and record the export."""
    customer = selectors.get_customer(pk)
    now = timezone.now()
    try:
        data = customer_export(customer=customer, user=request.user, now=now)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("customers:customer_detail", pk=customer.pk)
    response = HttpResponse(export_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(customer, now)}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(roles.is_manager)
@require_http_methods(["GET", "POST"])
def customer_erase_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Show what erasing the customer does and that it cannot be undone; erase on confirmation."""
    customer = selectors.get_customer(pk)
    if customer.is_erased:
        messages.info(request, "This customer's personal data was already erased.")
        return redirect("customers:customer_detail", pk=customer.pk)
    # Bound on every POST, even an empty one (`request.POST or None` would show an empty POST no errors).
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            customer_erase(
                customer=customer,
                user=request.user,
                reason=form.cleaned_data["reason"],
                confirmation=form.cleaned_data["confirmation"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "The customer's personal data was erased.")
            return redirect("customers:customer_detail", pk=customer.pk)
    focus_first_error(form)
    context = {
        "customer": customer,
        "form": form,
        "confirmation_word": CONFIRMATION_WORD,
        "complaints": selectors.customer_complaints(request.user, customer).count(),
    }
    return render(request, "customers/erase.html", context)
