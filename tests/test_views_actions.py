"""The complaint page's actions: each step, not needed, notes, hand-overs, closing, reopening and edits.

Each works with a plain post (redirect back with a message) and with htmx (the
work region comes back in place); refusals and bad input come back next to the
field with what was typed, never as a server error, and store nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from recovery.models import NOTE_MAX, SUMMARY_MAX, AtonementKind, EventKind, RecoveryAction, Severity, Stage
from recovery.workflow import complaint_escalate
from tests.factories import log_complaint
from tests.helpers.forms import STEP_POSTS, post_step, url
from tests.helpers.pages import error_next_to
from tests.helpers.workflow import advance, bring_to, closed, do_step, employee_complaint, fresh, snapshot

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


# --- the five steps ---------------------------------------------------------------------------


@pytest.mark.parametrize("step", list(STEP_POSTS))
def test_each_step_posted_without_javascript_is_stored_and_redirects_back_with_a_message(
    client, alice, complaint, step
):
    complaint = advance(complaint, alice, step)
    client.force_login(alice)

    response = post_step(client, complaint, step)

    assert response.status_code == 302
    assert response["Location"] == url("recovery:complaint_detail", complaint)
    action = RecoveryAction.objects.get(complaint=complaint, step=step)
    assert action.done_by == alice
    assert action.minutes_spent == int(STEP_POSTS[step]["minutes"])
    followed = client.get(response["Location"]).content.decode()
    assert "recorded for " + complaint.reference in followed


def test_the_steps_record_what_each_one_asks_for(client, alice, complaint):
    client.force_login(alice)
    for step in STEP_POSTS:
        assert post_step(client, fresh(complaint), step).status_code == 302

    actions = {a.step: a for a in RecoveryAction.objects.filter(complaint=complaint)}
    assert actions[Stage.REINSTATE].note == "Re-sent the parcel"
    assert actions[Stage.ATONE].atonement_kind == AtonementKind.VOUCHER
    assert str(actions[Stage.ATONE].atonement_value) == "25.50"
    assert actions[Stage.FOLLOW_UP].satisfaction == 4
    assert actions[Stage.FOLLOW_UP].retained is True
    assert actions[Stage.FOLLOW_UP].customer_comment == "Happy now"
    assert fresh(complaint).stage == Stage.CLOSE


def test_a_step_posted_with_htmx_answers_with_the_work_region_and_the_next_form(client, alice, complaint):
    client.force_login(alice)

    response = post_step(client, complaint, Stage.APOLOGIZE, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<title>")
    assert '<div id="complaint-work"' in html
    assert "<html" not in html
    assert 'id="complaint-header" class="detail-header mb-4" hx-swap-oob="true"' in html
    assert 'hx-swap-oob="true"' in html.split('id="complaint-actions"', 1)[1][:200]
    assert '<div id="messages" hx-swap-oob="innerHTML">' in html
    assert "Apology recorded for" in html
    assert "Next step: Reinstate" in html
    assert f'name="expected_version" value="{fresh(complaint).version}"' in html
    assert 'name="expected_version" value="1"' not in html
    assert "autofocus" in html


def shown_when(client: Any, complaint: Any) -> str:
    """Return the "when" the page filled in for the current step."""
    found = re.search(
        r'name="done_at_shown" value="([^"]+)"',
        client.get(url("recovery:complaint_detail", complaint)).content.decode(),
    )
    assert found
    return found.group(1)


def test_the_when_left_as_shown_means_the_moment_it_is_saved(client, alice, complaint):
    client.force_login(alice)
    shown = shown_when(client, complaint)

    post_step(client, complaint, Stage.APOLOGIZE, done_at=shown, done_at_shown=shown)

    apology = RecoveryAction.objects.get(complaint=complaint, step=Stage.APOLOGIZE)
    assert (apology.done_at.second, apology.done_at.microsecond) != (0, 0)  # not the minute shown


def test_a_changed_when_is_kept(client, alice, customer):
    complaint = log_complaint(user=alice, customer=customer, received_at=timezone.now() - timedelta(days=2))
    client.force_login(alice)
    yesterday = timezone.localtime() - timedelta(days=1)

    post_step(
        client,
        complaint,
        Stage.APOLOGIZE,
        done_at=yesterday.strftime("%Y-%m-%dT%H:%M"),
        done_at_shown=shown_when(client, complaint),
    )

    apology = RecoveryAction.objects.get(complaint=complaint, step=Stage.APOLOGIZE)
    assert apology.done_at == yesterday.replace(second=0, microsecond=0)


@pytest.mark.parametrize(
    ("step", "field", "value", "message"),
    [
        (Stage.FOLLOW_UP, "satisfaction", "0", "Satisfaction is a score from 1"),
        (Stage.FOLLOW_UP, "satisfaction", "6", "Satisfaction is a score from 1"),
        (Stage.FOLLOW_UP, "satisfaction", "", "Choose the customer's satisfaction"),
        (Stage.FOLLOW_UP, "retained", "maybe", "Say whether the customer stayed"),
        (Stage.ATONE, "value", "-1", "The value cannot be negative."),
        (Stage.ATONE, "value", "lots", "Enter the value as an amount"),
        (Stage.ATONE, "kind", "cash", "Select a valid choice"),
        (Stage.APOLOGIZE, "note", "x" * (NOTE_MAX + 1), f"Keep this to {NOTE_MAX:,} characters"),
        (Stage.APOLOGIZE, "note", "sorry\x00", "Remove the invisible control characters"),
        (Stage.APOLOGIZE, "minutes", "-5", "Minutes cannot be negative."),
        (Stage.APOLOGIZE, "minutes", "ten", "Enter the minutes as a whole number."),
        (Stage.APOLOGIZE, "done_at", "yesterday", "Give the date and time it happened."),
        (Stage.APOLOGIZE, "done_at", "2999-01-01T10:00", "That time is in the future."),
        (Stage.APOLOGIZE, "done_at", "2000-01-01T10:00", "when this step became possible"),
        (Stage.REINSTATE, "note", "", "Say what was fixed."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_bad_input_comes_back_next_to_the_field_with_what_was_typed_and_nothing_stored(
    client, alice, complaint, step, field, value, message, headers
):
    complaint = advance(complaint, alice, step)
    client.force_login(alice)
    before = snapshot(complaint)

    typed = {"note": "typed words", field: value}

    response = post_step(client, complaint, step, headers=headers, **typed)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in error_next_to(html, "step", field)
    assert snapshot(complaint) == before
    assert f"{typed['note']}</textarea>" in html


def test_a_step_out_of_order_is_refused_with_the_workflows_reason(client, alice, complaint):
    client.force_login(alice)
    before = snapshot(complaint)

    response = post_step(client, complaint, Stage.EMPATHIZE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "“Empathize” cannot come yet: the steps go in order and the next one is “Apologize”." in html
    assert "Two wasted days are maddening</textarea>" in html
    assert snapshot(complaint) == before


def test_a_colleague_who_does_not_own_the_complaint_is_told_who_may(client, bob, complaint):
    client.force_login(bob)
    before = snapshot(complaint)

    response = post_step(client, complaint, Stage.APOLOGIZE)

    assert response.status_code == 200
    assert f"Only the owner (Alice Archer) or a manager can work on {complaint.reference}." in response.content.decode()
    assert snapshot(complaint) == before


def test_a_bogus_step_on_a_closed_complaint_is_a_message_not_an_error(client, alice, complaint):
    complaint = closed(complaint, alice)
    client.force_login(alice)

    response = client.post(url("recovery:complaint_step", complaint), {"step": "dance", "expected_version": "1"})

    assert response.status_code == 200
    assert "There is no step to record" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    ["recovery:complaint_step", "recovery:complaint_note", "recovery:complaint_close", "recovery:complaint_edit"],
)
def test_opening_an_action_url_goes_to_the_complaint_page(client, alice, complaint, name):
    client.force_login(alice)

    response = client.get(url(name, complaint))

    assert response.status_code == 302
    assert response["Location"] == url("recovery:complaint_detail", complaint)


# --- not needed -------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_middle_step_can_be_marked_not_needed_with_a_reason(client, alice, complaint, headers):
    complaint = advance(complaint, alice, Stage.REINSTATE)
    client.force_login(alice)

    response = client.post(
        url("recovery:complaint_skip", complaint),
        {"step": Stage.REINSTATE, "reason": "Nothing was broken", "expected_version": complaint.version},
        headers=headers,
    )

    assert response.status_code == (200 if headers else 302)
    action = RecoveryAction.objects.get(complaint=complaint, step=Stage.REINSTATE)
    assert action.skipped
    assert action.skip_reason == "Nothing was broken"
    assert fresh(complaint).stage == Stage.EMPATHIZE


@pytest.mark.parametrize(
    ("step", "reason", "message"),
    [
        (Stage.REINSTATE, "", "Say why this step is not needed."),
        (Stage.APOLOGIZE, "Felt like it", "Only reinstate, empathize and atone can be marked not needed."),
    ],
)
def test_not_needed_without_a_reason_or_for_the_apology_is_refused(client, alice, complaint, step, reason, message):
    complaint = advance(complaint, alice, step)
    client.force_login(alice)
    before = snapshot(complaint)

    response = client.post(
        url("recovery:complaint_skip", complaint),
        {"step": step, "reason": reason, "expected_version": complaint.version},
    )

    assert message in response.content.decode()
    assert snapshot(complaint) == before


def test_not_needed_is_offered_only_for_the_middle_steps(client, alice, complaint):
    client.force_login(alice)
    offered = []
    for step in STEP_POSTS:
        complaint = advance(fresh(complaint), alice, step)
        offered.append(
            f'action="{url("recovery:complaint_skip", complaint)}"'
            in client.get(url("recovery:complaint_detail", complaint)).content.decode()
        )

    assert offered == [False, True, True, True, False]


# --- notes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "bob", "maria"])
def test_anyone_who_can_see_the_complaint_can_add_a_note(request, client, complaint, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(url("recovery:complaint_note", complaint), {"text": "Customer rang again"}, headers=HTMX)

    assert response.status_code == 200
    assert "Customer rang again" in response.content.decode()
    assert complaint.events.filter(kind=EventKind.NOTE, payload__text="Customer rang again").exists()


def test_an_empty_note_is_refused(client, alice, complaint):
    client.force_login(alice)
    before = snapshot(complaint)

    response = client.post(url("recovery:complaint_note", complaint), {"text": "   "})

    assert "Write the note first." in error_next_to(response.content.decode(), "note", "text")
    assert snapshot(complaint) == before


# --- who is offered what -----------------------------------------------------------------------


def offered(client: Any, complaint: Any) -> set[str]:
    html = client.get(url("recovery:complaint_detail", complaint)).content.decode()
    return set(re.findall(rf'action="/complaints/{complaint.pk}/(\w+)/"', html))


@pytest.mark.parametrize(
    ("persona", "stage", "expected"),
    [
        ("alice", Stage.APOLOGIZE, {"step", "note", "assign", "escalate", "edit"}),
        ("alice", Stage.ATONE, {"step", "skip", "note", "assign", "escalate", "edit"}),
        ("alice", Stage.CLOSE, {"close", "note", "assign", "escalate", "edit"}),
        ("alice", Stage.CLOSED, {"reopen", "note", "edit"}),
        ("bob", Stage.APOLOGIZE, {"note"}),
        ("bob", Stage.CLOSED, {"note"}),
        ("maria", Stage.REINSTATE, {"step", "skip", "note", "assign", "escalate", "edit"}),
        ("maria", Stage.CLOSED, {"reopen", "note", "edit"}),
    ],
)
def test_only_the_actions_the_user_may_take_are_offered(request, client, alice, complaint, persona, stage, expected):
    complaint = bring_to(complaint, alice, stage)
    client.force_login(request.getfixturevalue(persona))

    assert offered(client, complaint) == expected


@pytest.mark.parametrize("stage", [Stage.APOLOGIZE, Stage.ATONE, Stage.CLOSE, Stage.CLOSED])
def test_a_manager_is_offered_only_a_note_on_his_own_complaint(client, alice, mark, marks_complaint, stage):
    complaint = bring_to(marks_complaint, alice, stage)
    client.force_login(mark)

    html = client.get(url("recovery:complaint_detail", complaint)).content.decode()

    assert offered(client, complaint) == {"note"}
    assert url("recovery:complaint_customer_emails", complaint) not in html
    assert "is your own complaint, so a colleague handles it" in html


def test_an_escalated_complaint_is_closed_by_a_manager_not_by_the_front_line(client, alice, maria, complaint):
    complaint = complaint_escalate(complaint=complaint, user=alice, to=maria, reason="Needs a manager")
    complaint = advance(complaint, maria, Stage.CLOSE)
    client.force_login(alice)
    assert "close" not in offered(client, complaint)

    client.force_login(maria)
    assert "close" in offered(client, complaint)


# --- hand-overs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["alice", "maria"])
def test_the_owner_or_a_manager_can_reassign(request, client, bob, complaint, actor):
    client.force_login(request.getfixturevalue(actor))

    response = client.post(
        url("recovery:complaint_assign", complaint), {"to": bob.pk, "expected_version": complaint.version}
    )

    assert response.status_code == 302
    assert fresh(complaint).owner == bob


def test_a_front_line_colleague_cannot_reassign_someone_elses_complaint(client, bob, maria, complaint):
    client.force_login(bob)
    before = snapshot(complaint)

    response = client.post(
        url("recovery:complaint_assign", complaint), {"to": maria.pk, "expected_version": complaint.version}
    )

    assert escape("Only a manager can reassign a colleague's complaint.") in response.content.decode()
    assert snapshot(complaint) == before


def test_the_assign_choices_leave_out_the_current_owner(client, alice, bob, maria, complaint):
    client.force_login(alice)

    html = client.get(url("recovery:complaint_detail", complaint)).content.decode()
    choices = html.split('id="id_assign_to"', 1)[1].split("</select>", 1)[0]

    assert "Bob Baker" in choices
    assert "Maria Moreno" in choices
    assert "Alice Archer" not in choices


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_escalating_hands_the_complaint_to_the_manager_with_the_reason(client, alice, maria, complaint, headers):
    client.force_login(alice)

    response = client.post(
        url("recovery:complaint_escalate", complaint),
        {"to": maria.pk, "reason": "Customer threatens to go to the press", "expected_version": complaint.version},
        headers=headers,
    )

    assert response.status_code == (200 if headers else 302)
    complaint = fresh(complaint)
    assert complaint.escalated_to == maria
    assert complaint.owner == maria
    html = client.get(url("recovery:complaint_detail", complaint)).content.decode()
    assert "Alice Archer escalated to Maria Moreno:" in html


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("reason", {"reason": ""}, "Say why you are escalating."),
        ("to", {"to": ""}, "Choose a manager."),
        ("to", {"to": "bob"}, "Choose one of the managers listed."),
    ],
)
def test_escalating_without_a_manager_or_a_reason_is_refused(client, alice, maria, complaint, field, data, message):
    client.force_login(alice)
    before = snapshot(complaint)
    posted = {"to": maria.pk, "reason": "Typed reason", "expected_version": complaint.version, **data}

    response = client.post(url("recovery:complaint_escalate", complaint), posted)

    html = response.content.decode()
    assert message in error_next_to(html, "escalate", field)
    assert snapshot(complaint) == before
    if field == "to":
        assert "Typed reason</textarea>" in html


# --- closing and reopening -----------------------------------------------------------------------


@pytest.mark.parametrize(("retained", "preselected"), [(True, "retained"), (False, "lost")])
def test_the_close_form_takes_its_outcome_from_the_follow_up(client, alice, complaint, retained, preselected):
    complaint = advance(complaint, alice, Stage.FOLLOW_UP)
    complaint = do_step(Stage.FOLLOW_UP, complaint=complaint, user=alice, retained=retained)
    client.force_login(alice)

    html = client.get(url("recovery:complaint_detail", complaint)).content.decode()

    assert re.search(rf'name="outcome" value="{preselected}"[^>]*checked', html)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_closing_stores_the_outcome_root_cause_and_corrective_action(client, alice, complaint, headers):
    complaint = advance(complaint, alice, Stage.CLOSE)
    client.force_login(alice)

    response = client.post(
        url("recovery:complaint_close", complaint),
        {
            "outcome": "lost",
            "root_cause": "Courier lost the parcel",
            "corrective_action": "Changed courier",
            "expected_version": complaint.version,
        },
        headers=headers,
    )

    assert response.status_code == (200 if headers else 302)
    complaint = fresh(complaint)
    assert (complaint.stage, complaint.outcome) == (Stage.CLOSED, "lost")
    assert (complaint.root_cause, complaint.corrective_action) == ("Courier lost the parcel", "Changed courier")


def test_closing_before_the_follow_up_is_refused_with_the_reason(client, alice, complaint):
    client.force_login(alice)
    before = snapshot(complaint)

    response = client.post(
        url("recovery:complaint_close", complaint), {"outcome": "retained", "expected_version": complaint.version}
    )

    assert "cannot be closed before its follow-up" in response.content.decode()
    assert snapshot(complaint) == before


def test_a_front_line_handler_posting_close_on_an_escalated_complaint_is_refused(client, alice, maria, complaint):
    complaint = advance(complaint, alice, Stage.CLOSE)
    complaint = complaint_escalate(complaint=complaint, user=alice, to=maria, reason="Over to you")
    client.force_login(alice)
    before = snapshot(complaint)

    response = client.post(
        url("recovery:complaint_close", complaint), {"outcome": "retained", "expected_version": complaint.version}
    )

    assert response.status_code == 200
    assert "Only the owner (Maria Moreno) or a manager can work on" in response.content.decode()
    assert snapshot(complaint) == before


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_reopening_starts_a_new_round_at_the_step_that_failed(client, alice, complaint, headers):
    complaint = closed(complaint, alice)
    client.force_login(alice)

    response = client.post(
        url("recovery:complaint_reopen", complaint),
        {"to_step": Stage.ATONE, "reason": "Voucher did not work", "expected_version": complaint.version},
        headers=headers,
    )

    assert response.status_code == (200 if headers else 302)
    complaint = fresh(complaint)
    assert (complaint.stage, complaint.round) == (Stage.ATONE, 2)


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("to_step", {"to_step": ""}, "Choose the step that failed."),
        ("reason", {"reason": ""}, "Say why it is reopened."),
    ],
)
def test_reopening_needs_the_step_and_the_reason(client, alice, complaint, field, data, message):
    complaint = closed(complaint, alice)
    client.force_login(alice)
    before = snapshot(complaint)
    posted = {"to_step": Stage.ATONE, "reason": "Typed reason", "expected_version": complaint.version, **data}

    response = client.post(url("recovery:complaint_reopen", complaint), posted)

    assert message in error_next_to(response.content.decode(), "reopen", field)
    assert snapshot(complaint) == before


# --- editing --------------------------------------------------------------------------------------


def edit_data(complaint: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "summary": complaint.summary,
        "description": complaint.description,
        "desired_remedy": complaint.desired_remedy,
        "category": complaint.category_id,
        "severity": complaint.severity,
        "channel": complaint.channel,
        "root_cause": complaint.root_cause,
        "corrective_action": complaint.corrective_action,
        "expected_version": complaint.version,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_editing_saves_the_details_and_the_timeline_shows_old_and_new(client, alice, complaint, headers):
    client.force_login(alice)

    response = client.post(
        url("recovery:complaint_edit", complaint),
        edit_data(complaint, summary="Parcel lost", severity=Severity.HIGH),
        headers=headers,
    )

    assert response.status_code == (200 if headers else 302)
    complaint = fresh(complaint)
    assert (complaint.summary, complaint.severity) == ("Parcel lost", Severity.HIGH)
    html = client.get(url("recovery:complaint_detail", complaint)).content.decode()
    assert "Parcel arrived two days late</del>" in html
    assert "Parcel lost</ins>" in html
    if headers:
        assert "Parcel lost" in response.content.decode().split('id="complaint-header"', 1)[1]


def test_an_edit_that_changes_nothing_says_so(client, alice, complaint):
    client.force_login(alice)

    response = client.post(url("recovery:complaint_edit", complaint), edit_data(complaint), follow=True)

    assert "Nothing changed." in response.content.decode()
    assert fresh(complaint).version == complaint.version


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("summary", "", "Enter a short summary."),
        ("summary", "x" * (SUMMARY_MAX + 1), f"Keep this to {SUMMARY_MAX:,} characters"),
        ("description", "bad\x1bpaste", "Remove the invisible control characters"),
        ("severity", "apocalyptic", "Select a valid choice"),
        ("category", "999999", "Choose an active category."),
    ],
)
def test_bad_details_are_refused_next_to_the_field_with_the_rest_kept(client, alice, complaint, field, value, message):
    client.force_login(alice)
    before = snapshot(complaint)

    response = client.post(
        url("recovery:complaint_edit", complaint), edit_data(complaint, **{field: value, "root_cause": "Typed cause"})
    )

    html = response.content.decode()
    assert message in error_next_to(html, "edit", field)
    assert "Typed cause</textarea>" in html
    assert '<details class="detail-action" open>' in html
    assert snapshot(complaint) == before


def test_a_colleague_who_may_not_handle_the_complaint_cannot_edit_it(client, bob, complaint):
    client.force_login(bob)
    before = snapshot(complaint)

    response = client.post(url("recovery:complaint_edit", complaint), edit_data(complaint, summary="Hijacked"))

    assert "Only the owner (Alice Archer) or a manager" in response.content.decode()
    assert snapshot(complaint) == before


def test_a_complaint_can_be_walked_from_logging_to_closed_with_htmx(client, alice, customer):
    complaint = log_complaint(user=alice, customer=customer)
    client.force_login(alice)

    for step in STEP_POSTS:
        response = post_step(client, fresh(complaint), step, headers=HTMX)
        assert response.status_code == 200
    response = client.post(
        url("recovery:complaint_close", complaint),
        {"outcome": "retained", "expected_version": fresh(complaint).version},
        headers=HTMX,
    )

    assert "is closed (retained)" in response.content.decode()
    assert fresh(complaint).stage == Stage.CLOSED


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_handing_on_a_confidential_complaint_goes_to_the_queue_since_it_is_out_of_sight(client, alice, bob, headers):
    confidential = employee_complaint(alice)
    client.force_login(alice)

    response = client.post(
        url("recovery:complaint_assign", confidential),
        {"to": bob.pk, "expected_version": confidential.version},
        headers=headers,
    )

    if headers:
        assert response.status_code == 200
        assert response["HX-Redirect"] == reverse("recovery:my_queue")
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("recovery:my_queue")
    assert fresh(confidential).owner == bob
    assert any("You no longer have access to it." in str(m) for m in get_messages(response.wsgi_request))


def test_the_cursor_lands_in_the_first_field_with_an_error(client, alice, complaint):
    complaint = advance(complaint, alice, Stage.REINSTATE)
    client.force_login(alice)

    html = post_step(client, complaint, Stage.REINSTATE, headers=HTMX, note="", minutes="-1").content.decode()

    assert re.search(r'<textarea name="note"[^>]*autofocus[^>]*id="id_step_note"', html)
    assert not re.search(r'name="minutes"[^>]*autofocus', html)
