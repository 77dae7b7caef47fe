"""A person the administrator adds in the admin gets the required modules once given a role there."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import FRONT_LINE
from tests.factories import UserFactory
from tests.helpers.admin import admin_url
from training.models import Assignment, AssignmentReason
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
