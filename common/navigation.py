"""The base layout's navigation, filled in by the apps: common knows no app, each app adds its own entries.

Each app registers, from its `AppConfig.ready`:
- flags: named yes/no questions about the signed-in user (`"can_work"` → `roles.can_work`), answered once
  per request and put in the template context as `nav.<name>`;
- roles: the label shown next to the user's name, the first whose flag holds (by rank);
- links: a menu entry shown to the users one flag holds for, in `order`, marked as the current page on
  its own URL and on the views in `current_for`. Links name views with their namespace
  ("recovery:complaint_list"), so the same url_name in two apps can't mark the wrong entry.

The `navigation` context processor (settings.TEMPLATES) turns them into `nav` for every template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse

# A superuser holds every permission; the badge says what the account is for.
SUPERUSER_ROLE = "Administrator"


@dataclass(frozen=True)
class Link:
    label: str
    view_name: str
    when: str
    order: int
    current_for: tuple[str, ...] = ()
    # How many things wait behind the entry for this user (the inbox's complaints), shown as a badge.
    count: Callable[[Any], int] | None = None


@dataclass(frozen=True)
class Role:
    label: str
    when: str
    rank: int


_flags: dict[str, Callable[[Any], bool]] = {}
_roles: dict[str, Role] = {}
_links: dict[str, Link] = {}


class _Count:
    """A menu entry's count, read only when a template shows it (an htmx partial never does), and once.

    Templates call a callable they are given, so `{{ item.count }}` runs the query on first use.
    """

    def __init__(self, count: Callable[[Any], int], user: Any) -> None:
        self._count, self._user = count, user
        self._value: int | None = None

    def __call__(self) -> int:
        if self._value is None:
            self._value = self._count(self._user)
        return self._value


def register_flag(name: str, holds_for: Callable[[Any], bool]) -> None:
    """Make `nav.<name>` answer `holds_for(user)` for the signed-in user."""
    _flags[name] = holds_for


def register_role(label: str, *, when: str, rank: int) -> None:
    """Show `label` next to the user's name when flag `when` holds and no role of a lower rank does."""
    _roles[label] = Role(label, when, rank)


def register_link(
    label: str,
    *,
    view_name: str,
    when: str,
    order: int,
    current_for: tuple[str, ...] = (),
    count: Callable[[Any], int] | None = None,
) -> None:
    """Add a menu entry to the view `view_name` ("app:url_name"), shown to users flag `when` holds for.

    `count(user)`, when given, is shown next to the label as a badge (nothing when it is 0).
    """
    _links[view_name] = Link(label, view_name, when, order, current_for, count)


def _current(request: HttpRequest) -> str:
    """Return the view_name of the menu entry the page belongs to ("" for none)."""
    match = request.resolver_match
    name = match.view_name if match is not None else None
    for link in _links.values():
        if name is not None and (name == link.view_name or name in link.current_for):
            return link.view_name
    return ""


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Return what the navigation shows: the entries this user may use, the current one and their role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    flags = {name: holds_for(user) for name, holds_for in _flags.items()}
    links = [
        {
            "url": reverse(link.view_name),
            "label": link.label,
            "section": link.view_name,
            "count": _Count(link.count, user) if link.count is not None else 0,
        }
        for link in sorted(_links.values(), key=lambda link: link.order)
        if flags[link.when]
    ]
    if user.is_superuser:
        role = SUPERUSER_ROLE
    else:
        role = next((r.label for r in sorted(_roles.values(), key=lambda r: r.rank) if flags[r.when]), "")
    return {
        "nav": {
            **flags,
            # The admin site's own rule (config/admin.py) says who may open it; the link follows it.
            "admin_url": reverse("admin:index") if admin.site.has_permission(request) else "",
            "role": role,
            "links": links,
            "section": _current(request),
        }
    }
