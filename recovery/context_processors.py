"""Template context for the base layout's navigation."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from accounts import roles

# Manager-only sections, shown in the navigation once their URL exists.
MANAGER_SECTIONS = (("dashboard", "Dashboard", "dashboard"), ("training", "Training", "training"))


_SECTIONS = {
    "complaint_log": "log",
    "my_queue": "queue",
    "complaint_list": "complaints",
    "complaint_detail": "complaints",
    "complaints_hand_over": "complaints",
    "customer_list": "customers",
    "customer_detail": "customers",
    "customer_edit": "customers",
    "customer_quick_create": "customers",
    "dashboard": "dashboard",
    "training": "training",
}


def _section(request: HttpRequest) -> str:
    match = request.resolver_match
    return _SECTIONS.get(match.url_name or "", "") if match is not None else ""


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Return what the navigation shows: the sections this user may use and their role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    manager = roles.is_manager(user)
    links = []
    if manager:
        for url_name, label, section in MANAGER_SECTIONS:
            try:
                links.append({"url": reverse(url_name), "label": label, "section": section})
            except NoReverseMatch:
                continue
    if user.is_superuser:
        role = "Administrator"  # every permission, but no handler: it is offered as no one's owner or manager
    else:
        role = "Manager" if manager else ("Front line" if roles.can_work(user) else "")
    return {
        "nav": {
            # The admin site's own rule (config/admin.py) says who may open it; the link follows it.
            "admin_url": reverse("admin:index") if admin.site.has_permission(request) else "",
            "can_work": roles.can_work(user),
            "is_manager": manager,
            "role": role,
            "manager_links": links,
            "section": _section(request),
        }
    }
