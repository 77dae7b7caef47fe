"""The timeline is told once (recovery.timeline): the complaint page and the admin say the same about each event."""

from __future__ import annotations

import html
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recovery.models import AtonementKind, Complaint, Severity, Stage
from recovery.timeline import actions_of, describe
from recovery.workflow import (
    complaint_add_note,
    complaint_apologize,
    complaint_atone,
    complaint_edit,
    complaint_skip_step,
)
from tests.factories import UserFactory, log_complaint


def _worked(complaint: Complaint, user: Any) -> Complaint:
    """Return the complaint with a step with minutes, a skip, an atonement, a note and an edit."""
    complaint_apologize(complaint=complaint, user=user, note="Apologised on the phone.", minutes=5)
    complaint_skip_step(complaint=complaint, user=user, step=Stage.REINSTATE, reason="Nothing to put back.")
    complaint_skip_step(complaint=complaint, user=user, step=Stage.EMPATHIZE, reason="Done with the apology.")
    complaint_atone(complaint=complaint, user=user, kind=AtonementKind.VOUCHER, value="25", note="Sent by post.")
    complaint_add_note(complaint=complaint, user=user, text="Customer prefers e-mail.")
    return complaint_edit(complaint=complaint, user=user, severity=Severity.HIGH, summary="Charged twice")


def _admin() -> Client:
    root: Any = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    return client


def _text(page: Any) -> str:
    return html.unescape(page.content.decode())


def test_the_admin_and_the_complaint_page_describe_each_event_in_the_same_words(alice: Any, complaint: Any) -> None:
    complaint = _worked(complaint, alice)
    events = list(complaint.events.order_by("created_at", "pk"))
    actions = actions_of(events)
    entries = [describe(event, actions) for event in events]

    alice_client = Client()
    alice_client.force_login(alice)
    page = _text(alice_client.get(reverse("recovery:complaint_detail", args=[complaint.pk])))
    admin = _admin()
    admin_complaint = _text(admin.get(reverse("admin:recovery_complaint_change", args=[complaint.pk])))
    admin_events = _text(admin.get(reverse("admin:recovery_complaintevent_changelist")))

    assert len(entries) == 7  # logged, apology, two skips, atonement, note, edit
    for entry in entries:
        assert entry.text in page
        assert entry.as_line() in admin_complaint
        assert entry.as_line() in admin_events
        assert entry.as_line().startswith(entry.text)
    # The words a person reads, the same on both.
    atonement = "Alice Archer recorded the atonement · Voucher, worth £25.00"
    assert atonement in page
    assert f"{atonement}: Sent by post." in admin_complaint
    assert "Alice Archer edited the details: Summary: " in admin_events
    assert "Severity: Medium → High" in admin_events


def test_the_admin_tells_a_recorded_step_as_the_timeline_does(alice: Any, complaint: Any) -> None:
    complaint = _worked(complaint, alice)
    admin = _admin()
    page = _text(admin.get(reverse("admin:recovery_complaint_change", args=[complaint.pk])))

    assert "Voucher, worth £25.00 Sent by post." in page
    assert "Not needed: Nothing to put back." in page


def test_the_event_list_describes_a_page_of_events_in_a_fixed_number_of_queries(alice: Any, customer: Any) -> None:
    admin = _admin()
    url = reverse("admin:recovery_complaintevent_changelist")
    _worked(log_complaint(user=alice, customer=customer), alice)
    with CaptureQueriesContext(connection) as one:
        assert admin.get(url).status_code == 200
    for _ in range(3):
        _worked(log_complaint(user=alice, customer=customer), alice)
    with CaptureQueriesContext(connection) as four:
        assert admin.get(url).status_code == 200
    assert len(four) == len(one)
