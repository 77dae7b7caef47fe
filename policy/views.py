"""The service policy's screens. Thin: selectors read, services write, DomainError becomes a form error.

Everyone who works with customers reads the policy (any version) and says they have read it; managers
publish a new version and see, per version, who has read it and who has not (403 for anyone else).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from accounts import roles
from common.errors import DomainError
from common.forms import focus_first_error
from common.views import role_required
from policy import permissions, selectors, services
from policy.forms import PublishForm
from policy.models import PolicyVersion


def _show(request: HttpRequest, version: PolicyVersion | None, *, current: PolicyVersion | None) -> HttpResponse:
    acknowledgement = selectors.acknowledgement_of(request.user, version) if version is not None else None
    is_current = version is not None and current is not None and version.pk == current.pk
    context: dict[str, Any] = {
        "version": version,
        "current": current,
        "is_current": is_current,
        "acknowledgement": acknowledgement,
        "can_publish": permissions.can_publish(request.user),
        "asks_to_read": is_current and acknowledgement is None and roles.can_work(request.user),
        # This page asks for the acknowledgement itself; the banner would ask twice.
        "policy_banner": None,
    }
    return render(request, "policy/version.html", context)


@require_safe
@role_required(roles.can_work)
def current(request: HttpRequest) -> HttpResponse:
    """Show the policy in force."""
    version = selectors.current_policy()
    return _show(request, version, current=version)


@require_safe
@role_required(roles.can_work)
def version(request: HttpRequest, number: int) -> HttpResponse:
    """Show any version; an old one says which is in force."""
    return _show(request, selectors.get_version(number), current=selectors.current_policy())


@require_safe
@role_required(roles.can_work)
def version_list(request: HttpRequest) -> HttpResponse:
    """List every version with what changed, newest first."""
    context = {"versions": list(selectors.versions()), "can_publish": permissions.can_publish(request.user)}
    return render(request, "policy/versions.html", context)


@role_required(permissions.can_publish)
def publish(request: HttpRequest) -> HttpResponse:
    """Publish a new version (managers), starting from the one in force."""
    latest = selectors.current_policy()
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                published = services.policy_publish(
                    user=request.user,
                    title=data["title"],
                    body=data["body"],
                    change_summary=data["change_summary"],
                    empowerment_limit=data["empowerment_limit"],
                    expected_current=data["expected_current"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request, f"Version {published.number} is published. Everyone will be asked to read it."
                )
                return redirect("policy:acknowledgements", number=published.number)
    else:
        form = PublishForm(initial=PublishForm.initial_from(latest))
    focus_first_error(form)
    return render(request, "policy/publish.html", {"form": form, "current": latest})


@require_safe
@role_required(permissions.can_publish)
def acknowledgements(request: HttpRequest, number: int) -> HttpResponse:
    """Show who has read a version, and when, and which active staff have not (managers)."""
    shown = selectors.get_version(number)
    return render(request, "policy/acknowledgements.html", {"readers": selectors.acknowledgements_for(shown)})


def _back(request: HttpRequest, version: PolicyVersion) -> str:
    """Return the page the person was on (only ever one of ours), else the version they read."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("policy:version", args=[version.number])


@require_POST
@role_required(roles.can_work)
def acknowledge(request: HttpRequest, number: int) -> HttpResponse:
    """Record "I have read it" for a version, then go back to the same page (or swap the banner with htmx)."""
    shown = selectors.get_version(number)
    services.policy_acknowledge(user=request.user, version=shown)
    thanks = f"Thank you: you have read version {shown.number} of the service policy."
    if getattr(request, "htmx", False):
        return render(request, "policy/partials/banner_done.html", {"thanks": thanks})
    messages.success(request, thanks)
    return redirect(_back(request, shown))
