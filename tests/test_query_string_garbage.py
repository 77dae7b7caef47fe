"""Garbage in the query string of every list, dashboard and export URL gives the page (with the
default, or a message), never a 500.

Filters and paging come from the URL, so anyone can type anything there: negative and enormous
page numbers, words where numbers go, unknown choices, repeated parameters, NUL and other control
characters, very long values. Exports are read to the end, where a streamed CSV would fail; an
export whose filters cannot be used sends the manager back to the list, which says so.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from tests.factories import log_complaint

pytestmark = pytest.mark.django_db

# Pages everyone in a role opens, and those only managers open (a front-line user gets 403 there).
EVERYONE = [
    "recovery:my_queue",
    "recovery:complaint_list",
    "customers:customer_list",
    "training:my_training",
    "policy:current",
    "policy:versions",
]
MANAGERS = [
    "recovery:complaint_list_csv",
    "recovery:dashboard",
    "recovery:dashboard_handlers_csv",
    "recovery:dashboard_review",
    "training:module_list",
    "training:matrix",
    "training:matrix_csv",
    "training:coaching",
    "training:coaching_queue",
]
HUGE = "9" * 20
GARBAGE: list[dict[str, Any]] = [
    {"page": "-1"},
    {"page": HUGE},
    {"page": "abc"},
    {"page": ["2", "3"]},
    {"period": "abc"},
    {"period": ["7", "365"]},
    {"period": HUGE},
    {"received_from": "2026-13-45", "received_to": "yesterday"},
    {"closed_from": "0000-00-00"},
    {"month": "2026-99"},
    {"stage": "zzz", "severity": ["x", "y"]},
    {"group": "nobody", "category": "x" * 5000},
    {"handler": "abc"},
    {"handler": HUGE},
    {"owner": "-1"},
    {"role": "nobody", "module": HUGE},
    {"q": "\x00\x1f\u202e\u200b{{ x }}{% if %}%s"},
    {"q": "x" * 100_000},
    {"sort": "-;drop table"},
    {"escalated": "maybe", "overdue": "1;1", "repeat": "[]"},
]


def _read(response: Any) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)  # type: ignore[arg-type]
    return bytes(response.content)


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _problems(client: Client, name: str, params: dict[str, Any]) -> list[str]:
    response = client.get(reverse(name), params, follow=True)
    _read(response)
    if response.status_code != 200:
        return [f"{params!r:.80}: {response.status_code}"]
    for url, _ in response.redirect_chain:
        # Only the export redirects: back to its list, saying why nothing was exported.
        if not url.startswith(reverse("recovery:complaint_list")):
            return [f"{params!r:.80}: sent to {url}"]
        if "nothing was exported" not in response.content.decode():
            return [f"{params!r:.80}: no message after the redirect"]
    return []


@pytest.fixture
def complaints(alice: Any, customer: Any) -> None:
    for n in range(3):
        log_complaint(user=alice, customer=customer, summary=f"Garbage check {n}")


@pytest.mark.parametrize("name", EVERYONE + MANAGERS)
def test_a_manager_gets_every_list_with_garbage_in_its_query_string(name, maria, complaints):
    client = _client(maria)
    wrong = []
    for params in GARBAGE:
        wrong += _problems(client, name, params)
    assert wrong == []


@pytest.mark.parametrize("name", EVERYONE)
def test_a_front_line_user_gets_their_lists_with_garbage_in_the_query_string(name, alice, complaints):
    client = _client(alice)
    wrong = []
    for params in GARBAGE:
        wrong += _problems(client, name, params)
    assert wrong == []
