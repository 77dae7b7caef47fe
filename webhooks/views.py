"""The managers' webhook pages under /webhooks/. Thin: selectors read, services write, DomainError becomes a
form error (or a message, for the buttons); everyone else gets 403.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import roles
from common.errors import DomainError
from common.forms import focus_first_error
from common.views import role_required
from webhooks import selectors, services
from webhooks.forms import EndpointForm
from webhooks.models import WebhookEndpoint


@require_safe
@role_required(roles.is_manager)
def endpoint_list(request: HttpRequest) -> HttpResponse:
    """List every endpoint: on or off, its latest try, its run of failures."""
    context = {"endpoints": list(selectors.endpoints_listed()), "disable_after": settings.WEBHOOK_DISABLE_AFTER}
    return render(request, "webhooks/endpoint_list.html", context)


def _form_page(request: HttpRequest, endpoint: WebhookEndpoint | None) -> HttpResponse:
    editing = endpoint is not None
    if request.method == "POST":
        form = EndpointForm(request.POST, editing=editing)
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "url": data["url"],
                "description": data["description"],
                "events": data["events"],
                "include_confidential": data["include_confidential"],
            }
            try:
                if endpoint is None:
                    saved = services.endpoint_create(user=request.user, **fields)
                else:
                    saved = services.endpoint_update(
                        user=request.user, endpoint=endpoint, is_active=data["is_active"], **fields
                    )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "The endpoint is saved." if editing else "The endpoint is added.")
                return redirect("webhooks:endpoint_detail", pk=saved.pk)
    else:
        form = EndpointForm(initial=EndpointForm.initial_from(endpoint), editing=editing)
    focus_first_error(form)
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint})


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(roles.is_manager)
def endpoint_create(request: HttpRequest) -> HttpResponse:
    """Add an endpoint."""
    return _form_page(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(roles.is_manager)
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an endpoint, or switch it off or back on."""
    return _form_page(request, selectors.get_endpoint(pk))


@require_safe
@role_required(roles.is_manager)
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an endpoint: its secret, its delivery log, what was not sent (with "Send again")."""
    endpoint = selectors.get_endpoint(pk)
    context = {
        "endpoint": endpoint,
        "log": selectors.delivery_log(endpoint),
        "not_sent": selectors.not_sent(endpoint),
        "waiting": selectors.waiting_count(endpoint),
        "log_size": selectors.LOG_SIZE,
    }
    return render(request, "webhooks/endpoint_detail.html", context)


@require_POST
@role_required(roles.is_manager)
def endpoint_new_secret(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the endpoint's signing secret."""
    endpoint = selectors.get_endpoint(pk)
    services.endpoint_new_secret(user=request.user, endpoint=endpoint)
    messages.success(request, "The endpoint has a new secret. Give it to the receiver: the old one no longer signs.")
    return redirect("webhooks:endpoint_detail", pk=endpoint.pk)


@require_POST
@role_required(roles.is_manager)
def endpoint_send_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the endpoint a test event."""
    endpoint = selectors.get_endpoint(pk)
    try:
        delivery = services.endpoint_send_test(user=request.user, endpoint=endpoint)
    except DomainError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, f"A test event ({delivery.event_id}) will be sent within seconds; see the log below.")
    return redirect("webhooks:endpoint_detail", pk=endpoint.pk)


@require_POST
@role_required(roles.is_manager)
def delivery_send_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Send one delivery again: the same event, id and body."""
    delivery = selectors.get_delivery(pk)
    try:
        services.delivery_send_again(user=request.user, delivery=delivery)
    except DomainError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, f"Event {delivery.event_id} will be sent again within seconds, with the same id.")
    return redirect("webhooks:endpoint_detail", pk=delivery.endpoint_id)
