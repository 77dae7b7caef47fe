"""Two people on one complaint page at once: the first to send wins, the second is told and keeps their words.

Each person has their own browser session (a test client). Both open the
page, so both forms carry the same version; the first one sent goes through,
and the second comes back with "changed by someone else", the fresh state,
what they typed, and the new version so they can send it again if it still
applies.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from recovery.models import RecoveryAction, Severity, Stage
from tests.helpers.workflow import advance, fresh, snapshot

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
STALE = "was changed by someone else while you were working on it"


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_form(client: Client, complaint: Any, slot: str) -> dict[str, str]:
    """Open the complaint page and return the hidden values of one of its forms, as the browser would send them."""
    html = client.get(reverse("recovery:complaint_detail", args=[complaint.pk])).content.decode()
    hidden = re.findall(rf'<input type="hidden" name="(\w+)" value="([^"]*)" id="id_{slot}_\w+">', html)
    assert hidden, f"no {slot} form on the page"
    return {name: value.replace("&quot;", '"') for name, value in hidden}


def version_in(html: str, slot: str) -> int:
    found = re.search(rf'name="expected_version" value="(\d+)" id="id_{slot}_expected_version"', html)
    assert found
    return int(found.group(1))


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_second_person_to_record_a_step_is_told_and_keeps_what_they_typed(alice, maria, complaint, headers):
    alices, marias = browser(alice), browser(maria)
    alices_form = open_form(alices, complaint, "step")
    marias_form = open_form(marias, complaint, "step")
    marias.post(
        reverse("recovery:complaint_step", args=[complaint.pk]),
        {**marias_form, "step": Stage.APOLOGIZE, "note": "Maria apologised in person"},
    )
    before = snapshot(complaint)

    response = alices.post(
        reverse("recovery:complaint_step", args=[complaint.pk]),
        {**alices_form, "step": Stage.APOLOGIZE, "note": "Alice apologised by phone", "minutes": "7"},
        headers=headers,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Changed by someone else." in html
    assert STALE in html
    assert "What you typed for “Apologize” (not saved)" in html
    assert "Alice apologised by phone</textarea>" in html
    assert 'value="7"' in html
    assert "Maria apologised in person" in html  # the fresh tracker and timeline
    assert "Maria Moreno recorded the apology" in html
    assert version_in(html, "step") == fresh(complaint).version
    assert snapshot(complaint) == before


def test_sending_the_kept_step_again_is_refused_because_it_was_already_done(alice, maria, complaint):
    alices, marias = browser(alice), browser(maria)
    alices_form = open_form(alices, complaint, "step")
    marias.post(
        reverse("recovery:complaint_step", args=[complaint.pk]),
        {**open_form(marias, complaint, "step"), "step": "apologize"},
    )
    stale = alices.post(
        reverse("recovery:complaint_step", args=[complaint.pk]), {**alices_form, "step": "apologize", "note": "Mine"}
    ).content.decode()

    again = alices.post(
        reverse("recovery:complaint_step", args=[complaint.pk]),
        {**alices_form, "expected_version": str(version_in(stale, "step")), "step": "apologize", "note": "Mine"},
    )

    assert "“Apologize” was already recorded by Maria Moreno" in again.content.decode()
    assert RecoveryAction.objects.filter(complaint=complaint).count() == 1


def test_a_kept_step_that_still_applies_goes_through_when_sent_again(alice, maria, complaint):
    alices, marias = browser(alice), browser(maria)
    alices_form = open_form(alices, complaint, "step")
    marias.post(
        reverse("recovery:complaint_edit", args=[complaint.pk]),
        {**edit_form_data(marias, complaint), "summary": "Parcel lost"},
    )
    stale = alices.post(
        reverse("recovery:complaint_step", args=[complaint.pk]), {**alices_form, "note": "Sorry!"}
    ).content.decode()
    assert STALE in stale

    alices.post(
        reverse("recovery:complaint_step", args=[complaint.pk]),
        {**alices_form, "expected_version": str(version_in(stale, "step")), "note": "Sorry!"},
    )

    assert RecoveryAction.objects.get(complaint=complaint, step=Stage.APOLOGIZE).note == "Sorry!"


def test_a_note_from_someone_else_does_not_make_the_step_form_stale(alice, bob, complaint):
    alices = browser(alice)
    alices_form = open_form(alices, complaint, "step")
    browser(bob).post(reverse("recovery:complaint_note", args=[complaint.pk]), {"text": "Customer rang"})

    response = alices.post(reverse("recovery:complaint_step", args=[complaint.pk]), {**alices_form, "note": "Sorry"})

    assert response.status_code == 302
    assert fresh(complaint).stage == Stage.REINSTATE


def edit_form_data(client: Client, complaint: Any) -> dict[str, str]:
    """Return the edit form as the page shows it: hidden values plus the visible details."""
    current = fresh(complaint)
    return {
        **open_form(client, complaint, "edit"),
        "summary": current.summary,
        "description": current.description,
        "desired_remedy": current.desired_remedy,
        "category": str(current.category_id),
        "severity": current.severity,
        "channel": current.channel,
        "root_cause": current.root_cause,
        "corrective_action": current.corrective_action,
    }


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_stale_edit_keeps_the_persons_changes_on_top_of_the_other_persons(alice, maria, complaint, headers):
    alices, marias = browser(alice), browser(maria)
    alices_form = edit_form_data(alices, complaint)
    marias.post(
        reverse("recovery:complaint_edit", args=[complaint.pk]),
        {**edit_form_data(marias, complaint), "severity": "high"},
    )

    response = alices.post(
        reverse("recovery:complaint_edit", args=[complaint.pk]),
        {**alices_form, "summary": "Parcel lost, not late"},
        headers=headers,
    )

    html = response.content.decode()
    assert STALE in html
    assert 'value="Parcel lost, not late"' in html  # what alice typed
    assert '<option value="high" selected>' in html  # what maria changed, not undone
    assert fresh(complaint).summary == "Parcel arrived two days late"

    kept = re.search(r"<form[^>]*/edit/.*?</form>", html, re.S)
    assert kept
    resend = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)" id="id_edit_\w+">', kept.group(0)))
    resend["original"] = resend["original"].replace("&quot;", '"')
    alices.post(
        reverse("recovery:complaint_edit", args=[complaint.pk]),
        {**alices_form, **resend, "summary": "Parcel lost, not late", "severity": "high"},
    )
    complaint = fresh(complaint)
    assert (complaint.summary, complaint.severity) == ("Parcel lost, not late", Severity.HIGH)


@pytest.mark.parametrize(
    ("slot", "url", "typed"),
    [
        ("assign", "recovery:complaint_assign", {"to": "bob"}),
        ("escalate", "recovery:complaint_escalate", {"to": "maria", "reason": "Needs a manager's voice"}),
    ],
)
def test_a_stale_hand_over_is_refused_and_keeps_the_choice_and_the_reason(
    request, alice, maria, complaint, slot, url, typed
):
    alices = browser(alice)
    alices_form = open_form(alices, complaint, slot)
    browser(maria).post(
        reverse("recovery:complaint_step", args=[complaint.pk]),
        {**open_form(browser(maria), complaint, "step"), "note": "Sorry"},
    )
    people = {key: str(request.getfixturevalue(value).pk) if key == "to" else value for key, value in typed.items()}
    before = snapshot(complaint)

    html = alices.post(reverse(url, args=[complaint.pk]), {**alices_form, **people}).content.decode()

    assert STALE in html
    assert f'<option value="{people["to"]}" selected>' in html
    if "reason" in typed:
        assert "Needs a manager&#x27;s voice</textarea>" in html
    assert snapshot(complaint) == before


def test_closing_after_someone_else_edited_is_refused_and_keeps_the_typed_text(alice, maria, complaint):
    complaint = advance(complaint, alice, Stage.CLOSE)
    alices = browser(alice)
    alices_form = open_form(alices, complaint, "close")
    browser(maria).post(
        reverse("recovery:complaint_edit", args=[complaint.pk]),
        {**edit_form_data(browser(maria), complaint), "root_cause": "Courier"},
    )

    html = alices.post(
        reverse("recovery:complaint_close", args=[complaint.pk]),
        {**alices_form, "outcome": "retained", "corrective_action": "New courier"},
    ).content.decode()

    assert STALE in html
    assert "New courier</textarea>" in html
    assert fresh(complaint).stage == Stage.CLOSE
