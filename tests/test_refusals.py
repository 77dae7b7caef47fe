"""What a refused request says: the right person to ask, or plainly that nobody may; never wrong advice.

The app's 403 page names who can help depending on who is asking. In the admin, what is never
deleted (complaints, their steps and timeline, the emails, the recovery policies) is not offered
for deletion at all, and a forced delete URL answers with an admin page that says why.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from recovery.models import (
    Complaint,
    ComplaintEvent,
    ManagerDigest,
    RecoveryAction,
    RecoveryPolicy,
    Reminder,
    Stage,
    Survey,
)
from recovery.workflow import complaint_apologize
from tests.factories import UserFactory
from tests.helpers.admin import admin_url

WRONG_ADVICE = "ask a manager"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def root(starter_data: None) -> Any:
    return UserFactory(username="root", first_name="Ada", last_name="Admin", is_superuser=True, is_staff=True)


@pytest.fixture
def kept(alice: Any, maria: Any, complaint: Any) -> dict[str, Any]:
    """One row of each model that is never deleted."""
    from django.utils import timezone

    complaint_apologize(complaint=complaint, user=alice, note="Sorry.", minutes=2)
    return {
        "recovery.complaint": Complaint.objects.get(pk=complaint.pk),
        "recovery.recoveryaction": RecoveryAction.objects.get(complaint=complaint, step=Stage.APOLOGIZE),
        "recovery.complaintevent": ComplaintEvent.objects.filter(complaint=complaint).first(),
        "recovery.reminder": Reminder.objects.filter(complaint=complaint).first(),
        "recovery.survey": Survey.objects.create(complaint=complaint, round=1),
        "recovery.managerdigest": ManagerDigest.objects.create(recipient=maria, day=timezone.localdate()),
        "recovery.recoverypolicy": RecoveryPolicy.objects.get(severity="high"),
    }


def text(html: str) -> str:
    """Return the page's words, without tags and with spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the app's 403 page --------------------------------------------------------------------------


def test_front_line_staff_refused_a_manager_page_are_told_who_gives_roles(alice):
    response = signed_in(alice).get(reverse("recovery:dashboard"))

    assert response.status_code == 403
    page = text(response.content.decode())
    assert "Your role (Front line) doesn’t include this page." in page
    assert "CareDesk’s administrator gives roles" in page
    assert WRONG_ADVICE not in page.lower()
    assert 'href="/queue/"' in response.content.decode()


def test_an_account_without_a_role_is_told_so_and_not_sent_round_in_circles(olivia):
    response = signed_in(olivia).get(reverse("recovery:my_queue"))

    assert response.status_code == 403
    page = text(response.content.decode())
    assert "Your account has no CareDesk role yet" in page
    assert WRONG_ADVICE not in page.lower()
    assert "Go to my queue" not in page  # the queue would refuse them too


def test_a_manager_refused_an_administrators_page_in_the_admin_is_told_who_can(maria, complaint):
    maria.is_staff = True
    maria.save(update_fields=["is_staff"])

    response = signed_in(maria).get(admin_url("recovery.complaint", "change", complaint.pk))

    assert response.status_code == 403
    page = text(response.content.decode())
    assert "Your role (Manager) doesn’t include this page." in page
    assert WRONG_ADVICE not in page.lower()


def test_a_superuser_refused_is_told_nobody_may_not_to_ask_someone(root):
    """A superuser holds every permission, so a refusal means the action is not allowed for anyone."""
    response = signed_in(root).get(
        admin_url("recovery.complaintevent", "add")
    )  # the timeline is written by the workflow

    assert response.status_code == 403
    page = text(response.content.decode())
    assert "CareDesk doesn’t allow this for any account, administrators included." in page
    assert WRONG_ADVICE not in page.lower()


# --- deleting in the admin -------------------------------------------------------------------------


KEPT = [
    "recovery.complaint",
    "recovery.recoveryaction",
    "recovery.complaintevent",
    "recovery.reminder",
    "recovery.survey",
    "recovery.managerdigest",
    "recovery.recoverypolicy",
]


@pytest.mark.parametrize("model", KEPT)
def test_what_is_never_deleted_is_not_offered_for_deletion(root, kept, model):
    client = signed_in(root)
    obj = kept[model]
    delete_url = admin_url(model, "delete", obj.pk)

    change = client.get(admin_url(model, "change", obj.pk)).content.decode()
    assert delete_url not in change
    assert 'class="deletelink"' not in change  # the change form's own Delete button
    changelist = client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()


@pytest.mark.parametrize("model", KEPT)
def test_a_forced_delete_url_answers_with_an_admin_page_that_says_why(root, kept, model):
    client = signed_in(root)
    obj = kept[model]
    url = admin_url(model, "delete", obj.pk)

    for response in (client.get(url), client.post(url, {"post": "yes"})):
        assert response.status_code == 403
        html = response.content.decode()
        page = text(html)
        assert "CareDesk administration" in page  # the admin's own layout, not the staff screens'
        assert "is not deleted" in page or "are not deleted" in page
        assert WRONG_ADVICE not in page.lower()
        assert f'href="{admin_url(model, "change", obj.pk)}"' in html
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_bulk_deleting_complaints_is_refused_and_deletes_nothing(root, kept):
    complaint = kept["recovery.complaint"]

    response = signed_in(root).post(
        admin_url("recovery.complaint", "changelist"),
        {"action": "delete_selected", "_selected_action": [str(complaint.pk)], "post": "yes"},
    )

    assert response.status_code in (200, 302)
    assert Complaint.objects.filter(pk=complaint.pk).exists()
