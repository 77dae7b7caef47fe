"""Reading pages in tests: fetching them as a person, htmx requests, refusals, and the errors shown next to fields."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from django.urls import reverse
from django.utils.html import escape

HTMX = {"HTTP_HX_REQUEST": "true"}


CONTROL = "Remove the invisible control characters"


def get(client: Any, name: str, *args: Any, htmx: bool = False, **params: Any) -> Any:
    return client.get(reverse(name, args=args), params, **(HTMX if htmx else {}))


def assert_turned_away(persona: str, response: Any) -> None:
    """Check an outsider gets 403 and someone signed out is sent to sign in, coming back here afterwards."""
    if persona == "olivia":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def sign_in(client: Any, request: Any, persona: str) -> Any:
    """Sign the persona in (anonymous stays signed out) and return the user."""
    if persona == "anonymous":
        return None
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


def assert_error_next_to(html: str, field: str, message: str) -> None:
    """Check `message` is shown in the block of `field` (crispy's div_id_<field>, or the customer search)."""
    start = html.find('id="customer-error"' if field == "customer" else f'id="div_id_{field}"')
    assert start != -1, f"no block for {field!r}"
    following = [m.start() for m in re.finditer(r'id="div_id_|id="customer-q-help"', html) if m.start() > start]
    block = html[start : following[0] if following else len(html)]
    assert escape(message) in block, f"{message!r} not next to {field!r}"


def error_next_to(html: str, form: str, field: str) -> str:
    """Return the error text shown under `field` of the page's `form` slot."""
    match = re.search(
        rf'<div id="div_id_{form}_{field}".*?<(?:div|span|p) id="error_\d+_id_{form}_{field}"[^>]*>(.*?)</',
        html,
        re.S,
    )
    assert match, f"no error shown next to {form}.{field}"
    return html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


LIST_URL = reverse("recovery:complaint_list")


def list_page(client, user, params=None, **headers):
    client.force_login(user)
    return client.get(LIST_URL, params or {}, **headers)


def references_in(html: str) -> list[str]:
    return re.findall(r'class="reference"[^>]*>(C-\d+)<', html)
