"""Template filters for times people can read at a glance."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()


def _span(delta: timedelta) -> str:
    """Return a rough, short duration: '45 min', '3 h', '2 d'."""
    seconds = abs(delta.total_seconds())
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 2 * 86400:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} d"


@register.filter
def due_hint(due: datetime | None, now: datetime | None = None) -> str:
    """Return 'due in 2 h', 'overdue by 1 d' or '' when nothing is due."""
    if due is None:
        return ""
    delta = due - (now or timezone.now())
    if delta.total_seconds() < 0:
        return f"overdue by {_span(delta)}"
    return f"due in {_span(delta)}"


@register.filter
def is_overdue(due: datetime | None, now: datetime | None = None) -> bool:
    """Return True when `due` has passed."""
    return due is not None and due < (now or timezone.now())


@register.filter
def due_class(due: datetime | None) -> str:
    """Return the CSS class for a due time: overdue, due within 2 hours, or nothing."""
    if due is None:
        return ""
    delta = due - timezone.now()
    if delta.total_seconds() < 0:
        return "overdue"
    if delta <= timedelta(hours=2):
        return "due-soon"
    return ""


@register.filter
def ago(moment: datetime | None) -> str:
    """Return '5 min ago' / 'in 3 h' for a moment."""
    if moment is None:
        return ""
    delta = timezone.now() - moment
    if abs(delta.total_seconds()) < 60:
        return "just now"
    return f"{_span(delta)} ago" if delta.total_seconds() > 0 else f"in {_span(delta)}"


@register.filter
def duration(delta: timedelta | None) -> str:
    """Return a length of time in words: '15 minutes', '1 hour', '1 hour 30 minutes', '2 days'."""
    if delta is None:
        return ""
    minutes = round(delta.total_seconds() / 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    words = [f"{count} {unit}{'' if count == 1 else 's'}" for count, unit in parts if count]
    return " ".join(words) or "less than a minute"
