"""How a colleague is named: one rule (common.people), for user objects, `.values()` rows and templates."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.template import engines

from common.people import display_name, display_name_from


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [("Alice", "Archer", "Alice Archer"), ("Alice", "", "Alice"), ("", "Archer", "Archer"), ("", "", "a.archer")],
)
def test_the_name_is_the_full_name_else_the_username_in_every_form(
    db: Any, first: str, last: str, expected: str
) -> None:
    user = get_user_model().objects.create_user("a.archer", first_name=first, last_name=last)
    row = get_user_model().objects.values("username", "first_name", "last_name").get(pk=user.pk)
    template = engines["django"].from_string("{{ colleague|person }}")  # a builtin: no {% load %}

    assert display_name(user) == expected
    assert display_name_from(**row) == expected
    assert template.render({"colleague": user}) == expected


def test_nobody_has_no_name_and_a_typed_name_is_escaped(db: Any) -> None:
    user = get_user_model().objects.create_user("mallory", first_name="<b>Mal</b>")
    template = engines["django"].from_string("[{{ nobody|person }}] {{ colleague|person }}")

    assert display_name(None) == ""
    assert template.render({"nobody": None, "colleague": user}) == "[] &lt;b&gt;Mal&lt;/b&gt;"
