"""The `person` filter, a template builtin (settings.TEMPLATES), so every template and email can use it.

`{{ complaint.owner|person }}` → "Alice Archer", or the username when no name is set (common.people).
"""

from __future__ import annotations

from typing import Any

from django import template

from common.people import display_name

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """Return how a colleague is shown ("" for nobody)."""
    return display_name(user)
