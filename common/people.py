"""How CareDesk names a colleague: their full name, else their username.

One rule in two forms, side by side: `display_name(user)` for a user object, and
`display_name_from(username=…, first_name=…, last_name=…)` for rows read with `.values()` (the
dashboard's handler table, the CSV export), which must say the same as Django's
`User.get_full_name()` ("first last", stripped). Templates use the `|person` filter
(common/templatetags/people.py), a template builtin.
"""

from __future__ import annotations

from typing import Any


def display_name_from(*, username: str, first_name: str, last_name: str) -> str:
    """Return the name from a user's stored fields, as `display_name` would for that user."""
    return f"{first_name} {last_name}".strip() or username


def display_name(user: Any) -> str:
    """Return how a colleague is shown: full name, else username ("" for nobody)."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())
