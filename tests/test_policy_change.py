"""Changing a recovery policy: one rule everywhere, and targets that make sense.

The rule (recovery.models.POLICY_CHANGE_RULE): a change applies to steps that start after it; a step under
way keeps the due and escalation times it was given when it started, whatever else happens to the
complaint, until its severity changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from recovery.models import (
    NOTICE_KINDS,
    POLICY_CHANGE_RULE,
    STEP_ORDER_RULE,
    Complaint,
    RecoveryPolicy,
    Reminder,
    ReminderKind,
    Severity,
    Stage,
)
from recovery.workflow import complaint_add_note, complaint_assign, complaint_edit, complaint_set_customer_emails
from tests.factories import UserFactory, log_complaint
from tests.helpers.workflow import do_step

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # far from a clock change
H = timedelta(hours=1)


def times(complaint: Complaint) -> dict[str, Any]:
    """Return the complaint's stored due and escalation times and its step reminders' times.

    Not the acknowledgement, nor the notices a hand-over owes its new owner: those are due at once."""
    stored = Complaint.objects.get(pk=complaint.pk)
    reminders = Reminder.objects.filter(complaint=complaint, round=stored.round, step=stored.stage)
    return {
        "due": stored.step_due_at,
        "escalates": stored.step_escalates_at,
        **{r.kind: r.due_at for r in reminders.exclude(kind__in=[ReminderKind.ACKNOWLEDGEMENT, *NOTICE_KINDS])},
    }


def tighten_medium() -> None:
    """A manager tightens the medium targets: apologize 4 → 2 h, reinstate 48 → 24 h, grace 12 → 6 h."""
    RecoveryPolicy.objects.filter(severity=Severity.MEDIUM).update(
        hours_to_apologize=2, hours_to_reinstate=24, escalation_grace_hours=6
    )


# --- one rule: a change applies to steps that start after it ---------------------------------------------


def test_a_policy_change_leaves_a_started_step_alone_whatever_else_changes(alice, bob, customer):
    with time_machine.travel(T0, tick=False) as clock:
        complaint = log_complaint(user=alice, customer=customer)
        before = times(complaint)
        tighten_medium()
        clock.shift(H)
        complaint_edit(complaint=complaint, user=alice, summary="Parcel arrived three days late")
        complaint_add_note(complaint=complaint, user=alice, text="Customer rang again.")
        complaint_assign(complaint=complaint, user=alice, to=bob)
        complaint_set_customer_emails(complaint=complaint, user=bob, enabled=False)

    assert before["due"] == T0 + 4 * H
    assert before[ReminderKind.ESCALATION] == T0 + 16 * H
    assert times(complaint) == before


def test_two_identical_complaints_keep_identical_deadlines_when_only_one_is_edited(alice, customer):
    with time_machine.travel(T0, tick=False) as clock:
        edited = log_complaint(user=alice, customer=customer)
        untouched = log_complaint(user=alice, customer=customer)
        tighten_medium()
        clock.shift(H)
        complaint_edit(complaint=edited, user=alice, description="Waited in twice, and once more.")

    assert times(edited) == times(untouched)


def test_a_step_that_starts_after_the_change_is_timed_by_the_new_targets(alice, customer):
    with time_machine.travel(T0, tick=False) as clock:
        complaint = log_complaint(user=alice, customer=customer)
        tighten_medium()
        clock.shift(H)
        complaint = do_step(Stage.APOLOGIZE, complaint=complaint, user=alice)

    after = times(complaint)
    assert after["due"] == T0 + 24 * H  # counted from logging, as every step 1-4
    assert after["escalates"] == after[ReminderKind.ESCALATION] == T0 + 30 * H


def test_a_change_of_severity_re_times_the_current_step_by_the_new_severitys_targets_now(alice, customer):
    with time_machine.travel(T0, tick=False):
        complaint = log_complaint(user=alice, customer=customer, severity=Severity.LOW)
        RecoveryPolicy.objects.filter(severity=Severity.MEDIUM).update(hours_to_apologize=3)
        complaint_edit(complaint=complaint, user=alice, severity=Severity.MEDIUM)

    after = times(complaint)
    assert after["due"] == after[ReminderKind.STEP_OVERDUE] == T0 + 3 * H
    assert after["escalates"] == after[ReminderKind.ESCALATION] == T0 + 15 * H


# --- targets in step order, "at least 1" ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"hours_to_apologize": 24, "hours_to_reinstate": 8},
            "hours_to_reinstate",
            "Reinstate within 8 h would be due before apologize within 24 h, but the steps go in order: "
            "make it at least 24.",
        ),
        (
            {"hours_to_reinstate": 30, "hours_to_empathize": 29},
            "hours_to_empathize",
            "Empathize within 29 h would be due before reinstate within 30 h, but the steps go in order: "
            "make it at least 30.",
        ),
        (
            {"hours_to_empathize": 49, "days_to_atone": 2},
            "days_to_atone",
            "Atone within 2 days (48 h) would be due before empathize within 49 h, but the steps go in order: "
            "make it at least 3 (a day counts 24 hours here).",
        ),
    ],
)
def test_targets_out_of_step_order_are_refused_by_the_model_and_the_database(starter_data, changes, field, message):
    policy = RecoveryPolicy.objects.get(severity=Severity.MEDIUM)
    for name, value in changes.items():
        setattr(policy, name, value)

    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert refused.value.message_dict[field] == [message]

    with pytest.raises(IntegrityError), transaction.atomic():
        policy.save()


def test_every_target_out_of_order_is_named_at_once_against_the_latest_step_before_it(starter_data):
    policy = RecoveryPolicy.objects.get(severity=Severity.CRITICAL)  # 1, 8, 12 h, 2 days
    policy.hours_to_apologize = 24

    with pytest.raises(ValidationError) as refused:
        policy.full_clean()

    assert refused.value.message_dict == {
        "hours_to_reinstate": [
            "Reinstate within 8 h would be due before apologize within 24 h, but the steps go in order: "
            "make it at least 24."
        ],
        "hours_to_empathize": [
            "Empathize within 12 h would be due before apologize within 24 h, but the steps go in order: "
            "make it at least 24."
        ],
    }


def test_targets_equal_from_step_to_step_are_accepted(starter_data):
    policy = RecoveryPolicy.objects.get(severity=Severity.MEDIUM)
    policy.hours_to_apologize = policy.hours_to_reinstate = policy.hours_to_empathize = 48
    policy.days_to_atone = 2
    policy.full_clean()
    policy.save()


@pytest.fixture
def admin_client(client: Any, starter_data: None) -> Any:
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def policy_form(policy: RecoveryPolicy, **changes: Any) -> dict[str, Any]:
    data = {
        name: getattr(policy, name)
        for name in (
            "severity",
            "hours_to_apologize",
            "hours_to_reinstate",
            "hours_to_empathize",
            "days_to_atone",
            "days_to_follow_up",
            "escalation_grace_hours",
        )
    }
    return {**data, **changes, "_save": "Save"}


def field_errors(html: str, field: str) -> str:
    """Return the admin's error list shown in the row of `field`."""
    start = html.index(f"field-{field}")
    end = html.find('class="form-row', start + 1)
    return html[start : end if end != -1 else len(html)]


def test_the_admin_shows_the_order_error_next_to_the_field_and_keeps_the_policy(admin_client):
    policy = RecoveryPolicy.objects.get(severity=Severity.MEDIUM)
    url = reverse("admin:recovery_recoverypolicy_change", args=[policy.pk])

    response = admin_client.post(url, policy_form(policy, hours_to_apologize=24, hours_to_reinstate=8))

    assert response.status_code == 200
    html = response.content.decode()
    assert escape("Reinstate within 8 h would be due before apologize within 24 h") in field_errors(
        html, "hours_to_reinstate"
    )
    assert RecoveryPolicy.objects.get(pk=policy.pk).hours_to_reinstate == policy.hours_to_reinstate


@pytest.mark.parametrize("value", ["0", "-1"])
def test_the_admin_says_at_least_1_for_zero_and_negative_targets(admin_client, value):
    policy = RecoveryPolicy.objects.get(severity=Severity.MEDIUM)
    url = reverse("admin:recovery_recoverypolicy_change", args=[policy.pk])

    response = admin_client.post(url, policy_form(policy, days_to_follow_up=value))

    html = response.content.decode()
    assert "Enter at least 1." in field_errors(html, "days_to_follow_up")
    assert "greater than or equal to" not in html


def test_the_admin_form_states_the_rules_and_at_least_1(admin_client):
    policy = RecoveryPolicy.objects.get(severity=Severity.MEDIUM)

    html = admin_client.get(reverse("admin:recovery_recoverypolicy_change", args=[policy.pk])).content.decode()

    # The admin shows a fieldset's description as it is (a constant here, no one's typing).
    assert POLICY_CHANGE_RULE in html
    assert STEP_ORDER_RULE in html
    for field in ("hours_to_apologize", "days_to_atone", "days_to_follow_up", "escalation_grace_hours"):
        assert "at least 1" in field_errors(html, field)
    assert 'min="1"' in field_errors(html, "hours_to_apologize")
