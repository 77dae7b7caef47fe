"""A time typed in the hour a clock change skips or repeats gets a plain answer, never Django's raw text.

Europe/London, 2026: on 29 March the clocks go forward at 01:00 GMT to 02:00 BST, so 01:00–01:59 never
happens; on 25 October they go back at 02:00 BST to 01:00 GMT, so 01:00–01:59 happens twice.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.utils.html import escape

from recovery.models import Complaint, RecoveryAction, Stage
from tests.helpers.forms import log_data, post_log, post_step
from tests.helpers.pages import assert_error_next_to, error_next_to
from tests.helpers.workflow import fresh, snapshot

SKIPPED = "01:30 did not exist on 29 Mar 2026: the clocks went forward an hour, from GMT to BST. "
SKIPPED += "Did you mean 00:30 GMT or 02:30 BST?"
REPEATED = "01:30 happened twice on 25 Oct 2026 (BST and GMT): the clocks went back an hour. "
REPEATED += "Choose which 01:30 you mean."
DJANGO = "couldn’t be interpreted"

SPRING_NOON = datetime(2026, 3, 29, 11, 0, tzinfo=UTC)  # 12:00 BST
AUTUMN_NOON = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)  # 12:00 GMT


@pytest.fixture(autouse=True)
def _london(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/London"


def choices_offered(html: str, name: str) -> list[tuple[str, str]]:
    """Return the (value, label) radio choices of field `name` on the page."""
    found = []
    for tag in re.findall(rf'<input type="radio"[^>]*name="{name}"[^>]*>', html):
        value, ident = re.search(r'value="([^"]*)"', tag), re.search(r'id="([^"]*)"', tag)
        assert value, tag
        assert ident, tag
        label = re.search(rf'<label[^>]*for="{ident.group(1)}"[^>]*>\s*(.*?)\s*</label>', html, re.S)
        found.append((value.group(1), label.group(1) if label else ""))
    return found


# --- the received time on the log form ---------------------------------------------------------------


@time_machine.travel(SPRING_NOON, tick=False)
def test_a_received_time_the_clocks_skipped_names_the_two_times_meant(client, alice, customer):
    client.force_login(alice)
    before = snapshot()

    response = post_log(client, log_data(customer, alice, received_at="2026-03-29T01:30"))

    html = response.content.decode()
    assert response.status_code == 200
    assert_error_next_to(html, "received_at", SKIPPED)
    assert DJANGO not in html
    assert 'value="2026-03-29T01:30"' in html  # what was typed is kept
    assert snapshot() == before


@time_machine.travel(AUTUMN_NOON, tick=False)
def test_a_received_time_that_happened_twice_asks_which_one_and_keeps_it(client, alice, customer):
    client.force_login(alice)
    before = snapshot()

    response = post_log(client, log_data(customer, alice, received_at="2026-10-25T01:30"))

    html = response.content.decode()
    assert response.status_code == 200
    assert_error_next_to(html, "received_at", REPEATED)
    assert DJANGO not in html
    assert choices_offered(html, "received_at_reading") == [
        ("earlier", escape("The first 01:30, 01:30 BST")),
        ("later", escape("The second 01:30, 01:30 GMT, after the clocks went back")),
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("reading", "received"),
    [("earlier", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)), ("later", datetime(2026, 10, 25, 1, 30, tzinfo=UTC))],
)
@time_machine.travel(AUTUMN_NOON, tick=False)
def test_the_chosen_reading_of_a_repeated_time_is_stored(client, alice, customer, reading, received):
    client.force_login(alice)

    response = post_log(client, log_data(customer, alice, received_at="2026-10-25T01:30", received_at_reading=reading))

    assert response.status_code == 302
    assert Complaint.objects.get().received_at == received


@time_machine.travel(datetime(2026, 10, 25, 0, 40, tzinfo=UTC), tick=False)  # 01:40 BST, the first time round
def test_a_repeated_time_whose_second_reading_is_still_to_come_needs_no_question(client, alice, customer):
    client.force_login(alice)

    response = post_log(client, log_data(customer, alice, received_at="2026-10-25T01:30"))

    assert response.status_code == 302
    assert Complaint.objects.get().received_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


# --- the "when" of a step -----------------------------------------------------------------------------


def test_a_step_time_the_clocks_skipped_is_explained_next_to_it(client, alice, customer):
    with time_machine.travel(datetime(2026, 3, 28, 20, 0, tzinfo=UTC), tick=False):
        complaint = post_log_and_get(client, alice, customer)
    before = snapshot(complaint)
    with time_machine.travel(SPRING_NOON, tick=False):
        client.force_login(alice)
        response = post_step(client, complaint, Stage.APOLOGIZE, done_at="2026-03-29T01:30", done_at_shown="x")

    html = response.content.decode()
    assert response.status_code == 200
    assert SKIPPED in error_next_to(html, "step", "done_at")
    assert DJANGO not in html
    assert snapshot(complaint) == before


def test_a_step_time_that_happened_twice_asks_which_one_then_records_it(client, alice, customer):
    with time_machine.travel(datetime(2026, 10, 24, 20, 0, tzinfo=UTC), tick=False):
        complaint = post_log_and_get(client, alice, customer)
    with time_machine.travel(AUTUMN_NOON, tick=False):
        client.force_login(alice)
        asked = post_step(client, complaint, Stage.APOLOGIZE, done_at="2026-10-25T01:30", done_at_shown="x")
        assert REPEATED in error_next_to(asked.content.decode(), "step", "done_at")
        assert [value for value, _ in choices_offered(asked.content.decode(), "done_at_reading")] == [
            "earlier",
            "later",
        ]
        post_step(
            client,
            complaint,
            Stage.APOLOGIZE,
            done_at="2026-10-25T01:30",
            done_at_shown="x",
            done_at_reading="later",
        )

    assert fresh(complaint).stage == Stage.REINSTATE
    assert RecoveryAction.objects.get(complaint=complaint).done_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_a_step_form_sent_back_as_shown_in_the_repeated_hour_means_now_without_a_question(client, alice, customer):
    with time_machine.travel(datetime(2026, 10, 24, 20, 0, tzinfo=UTC), tick=False):
        complaint = post_log_and_get(client, alice, customer)
    with time_machine.travel(datetime(2026, 10, 25, 1, 45, tzinfo=UTC), tick=False):  # 01:45 GMT, second time round
        client.force_login(alice)
        response = post_step(
            client, complaint, Stage.APOLOGIZE, done_at="2026-10-25T01:30", done_at_shown="2026-10-25T01:30"
        )

    assert response.status_code == 302
    assert RecoveryAction.objects.get(complaint=complaint).done_at == datetime(2026, 10, 25, 1, 45, tzinfo=UTC)


def post_log_and_get(client: Any, alice: Any, customer: Any) -> Complaint:
    client.force_login(alice)
    assert post_log(client, log_data(customer, alice)).status_code == 302
    return Complaint.objects.get()
