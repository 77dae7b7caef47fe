"""Two people on one complaint page in two browsers: the second to send is told, and keeps what she typed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from recovery.models import Complaint, ComplaintEvent, RecoveryAction, Stage
from tests.browser.helpers import (
    alice,
    complaint_path,
    customer,
    expect_step_done,
    expect_timeline_count,
    maria,
    next_step,
    sign_in,
    timeline_entries,
)
from tests.factories import log_complaint

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_second_to_record_the_apology_sees_the_change_and_keeps_her_text(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    owner, manager = alice(), maria()
    complaint = log_complaint(user=owner, customer=customer(name="Carla Customer"))
    alices, marias = new_page(), new_page(new_context())
    sign_in(alices, "alice")
    sign_in(marias, "maria")
    alices.goto(complaint_path(complaint))
    marias.goto(complaint_path(complaint))
    for page in (alices, marias):
        expect(next_step(page).get_by_role("heading")).to_have_text("Next step: Apologize")

    # Maria records the apology first.
    next_step(marias).get_by_label("How you apologised").fill("Maria apologised in person")
    next_step(marias).get_by_role("button", name="Record the apology").click()
    expect_step_done(marias, 0, by="Maria Moreno")
    expect(next_step(marias).get_by_role("heading")).to_have_text("Next step: Reinstate")
    after_maria = Complaint.objects.get(pk=complaint.pk)
    events_after_maria = ComplaintEvent.objects.filter(complaint=complaint).count()

    # Alice's page still shows the apology form she opened before; she types and sends it.
    step = next_step(alices)
    step.get_by_label("How you apologised").press_sequentially("Alice apologised by phone")
    step.get_by_label("Minutes spent").fill("7")
    step.get_by_role("button", name="Record the apology").click()

    # She is told, sees the fresh state, and her words are still in the form.
    warning = step.get_by_role("alert")
    expect(warning).to_contain_text("Changed by someone else.")
    expect(warning).to_contain_text("What you typed is still here")
    expect(step.get_by_role("heading")).to_have_text("What you typed for “Apologize” (not saved)")
    expect(step).to_contain_text("The next step is now “Reinstate”.")
    expect(step.get_by_label("How you apologised")).to_have_value("Alice apologised by phone")
    expect(step.get_by_label("Minutes spent")).to_have_value("7")
    expect_step_done(alices, 0, by="Maria Moreno")
    expect(alices.locator("#complaint-header")).to_contain_text("Stage: Reinstate")
    expect_timeline_count(alices, 2)
    expect(timeline_entries(alices).last).to_contain_text("Maria Moreno recorded the apology")
    # The form now carries the version she has just seen, so she could send it again.
    expect(step.locator("#id_step_expected_version")).to_have_value(str(after_maria.version))

    # Nothing doubled: one apology, Maria's, and no event from Alice's attempt.
    actions = RecoveryAction.objects.filter(complaint=complaint)
    assert [(a.step, a.note, a.done_by_id) for a in actions] == [
        (Stage.APOLOGIZE, "Maria apologised in person", manager.pk)
    ]
    now = Complaint.objects.get(pk=complaint.pk)
    assert (now.stage, now.version) == (Stage.REINSTATE, after_maria.version)
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events_after_maria
