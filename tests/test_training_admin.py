"""Training in the admin: a person added there gets the required modules once given a role; the rest is
read-only, and failed training reminders can be sent again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import FRONT_LINE
from common.leases import LeaseStatus
from tests.factories import UserFactory
from tests.helpers.admin import admin_url
from training.models import Assignment, AssignmentReason, TrainingModule, TrainingReminder, TrainingReminderKind
from training.starter_content import MODULES

pytestmark = pytest.mark.django_db


def form_data(form: Any) -> dict[str, Any]:
    """What the browser sends back for the admin's change form as shown (its initial values)."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif hasattr(field, "widget") and getattr(field.widget, "widgets", None):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = part
        else:
            data[name] = value
    return data


def test_a_person_added_and_given_a_role_in_the_admin_gets_the_required_modules(client, starter_data):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    added = client.post(
        admin_url("auth.user", "add"),
        {
            "username": "newbie",
            "usable_password": "true",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert added.status_code == 302, added.context["adminform"].form.errors if added.context else added
    person = get_user_model().objects.get(username="newbie")
    assert not Assignment.objects.filter(user=person).exists()  # no role yet

    page = client.get(admin_url("auth.user", "change", person.pk))
    data = form_data(page.context["adminform"].form)
    data["groups"] = [Group.objects.get(name=FRONT_LINE).pk]
    changed = client.post(admin_url("auth.user", "change", person.pk), data)
    assert changed.status_code == 302, changed.context["adminform"].form.errors if changed.context else changed
    assigned = Assignment.objects.filter(user=person, closed_at__isnull=True)
    assert assigned.count() == sum(1 for module in MODULES if module["required"])
    assert {a.reason for a in assigned} == {AssignmentReason.REQUIRED}


def _reminder(person: Any, status: str, kind: str) -> TrainingReminder:
    module = TrainingModule.objects.get(slug="five-step-recovery")
    assignment = Assignment.objects.get_or_create(
        user=person,
        module=module,
        closed_at=None,
        defaults={"due_on": timezone.localdate(), "reason": AssignmentReason.MANUAL},
    )[0]
    sent_at = timezone.now() if status == LeaseStatus.SENT else None
    due_at = timezone.now() - timedelta(days=2)
    # Alice's required assignment already has its reminders scheduled: put this one in the state wanted.
    reminder, _ = TrainingReminder.objects.update_or_create(
        assignment=assignment,
        kind=kind,
        defaults={"due_at": due_at, "recipient": person, "status": status, "sent_at": sent_at, "attempts": 3},
    )
    return reminder


def test_the_administrator_sends_failed_training_reminders_again_and_never_a_sent_one(client, starter_data, alice):
    failed = _reminder(alice, LeaseStatus.FAILED, TrainingReminderKind.OVERDUE)
    sent = _reminder(alice, LeaseStatus.SENT, TrainingReminderKind.DUE_SOON)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    response = client.post(
        admin_url("training.trainingreminder", "changelist"),
        {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )

    assert "1 email(s) will be sent within a minute. 1 were skipped" in response.content.decode()
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.lease_expires_at) == (LeaseStatus.PENDING, None)
    assert failed.due_at > timezone.now() - timedelta(minutes=1)
    assert sent.status == LeaseStatus.SENT


def test_a_module_page_in_the_admin_lists_its_versions_and_changes_nothing(client, starter_data):
    module = TrainingModule.objects.get(slug="five-step-recovery")
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    page = client.get(admin_url("training.trainingmodule", "change", module.pk))

    assert page.status_code == 200
    text = page.content.decode()
    assert "The five-step recovery" in text
    assert 'name="_save"' not in text  # view only: the training pages make new versions
    changed = client.post(admin_url("training.trainingmodule", "change", module.pk), {"archived": "on"})
    assert changed.status_code == 403
    module.refresh_from_db()
    assert module.archived is False
