"""Who reaches the admin: administrators (superusers), and managers for the reference data only.

What each persona gets from every admin URL (every registered model's pages, each app's page, the
index, the sign-in) is in the access matrix, tests/test_access_matrix.py, whose rule per registered
model (`ADMIN_MODELS`) fails for a model registered without one. Here: staff status alone opens
nothing (front-line and outsider accounts with it, and a manager without it, find no admin at all:
404), the admin's own sign-in, what managers see and change, and the roles' permissions.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from accounts.roles import MANAGERS
from recovery.models import RecoveryPolicy
from tests.factories import UserFactory, front_line_user, manager_user
from tests.helpers.admin import MODELS, admin_rows

ANONYMOUS, FRONT_LINE, OUTSIDER, MANAGER_WITHOUT_STAFF, MANAGER, SUPERUSER = (
    "anonymous",
    "front line",
    "outsider",
    "manager without staff status",
    "manager",
    "superuser",
)


@pytest.fixture
def one_of_each(alice: Any, maria: Any) -> dict[str, Model]:
    """One row of every model the admin shows."""
    return admin_rows(alice, maria)


@pytest.fixture
def client_as(starter_data: None, alice: Any, maria: Any, olivia: Any) -> Any:
    """Return a client signed in as one persona (anonymous: not signed in)."""

    def make(persona: str) -> Client:
        client = Client()
        if persona == ANONYMOUS:
            return client
        user: Any = {
            FRONT_LINE: alice,
            OUTSIDER: olivia,
            MANAGER_WITHOUT_STAFF: manager_user(username="mark"),
            MANAGER: maria,
            SUPERUSER: UserFactory(username="root", is_superuser=True, is_staff=True),
        }[persona]
        if persona in (FRONT_LINE, OUTSIDER, MANAGER):
            # Staff status is Django's own door to the admin; it opens it only for a manager.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        client.force_login(user)
        return client

    return make


def admin_pages(objects: dict[str, Model]) -> list[str]:
    """Return the address of the index, every app's page and every model's list, add, change and history."""
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    pages += [reverse("admin:app_list", args=[label]) for label in sorted({m.split(".")[0] for m in MODELS})]
    for model in MODELS:
        app_label, model_name = model.split(".")
        pk = objects[model].pk
        pages += [
            reverse(f"admin:{app_label}_{model_name}_changelist"),
            reverse(f"admin:{app_label}_{model_name}_add"),
            reverse(f"admin:{app_label}_{model_name}_change", args=[pk]),
            reverse(f"admin:{app_label}_{model_name}_history", args=[pk]),
        ]
    return pages


@pytest.mark.parametrize("persona", [FRONT_LINE, OUTSIDER, MANAGER_WITHOUT_STAFF])
def test_staff_status_alone_opens_no_admin_page(client_as, one_of_each, persona):
    client = client_as(persona)

    answers = {url: client.get(url).status_code for url in admin_pages(one_of_each)}

    assert {url: status for url, status in answers.items() if status != 404} == {}


@pytest.mark.parametrize("persona", [FRONT_LINE, OUTSIDER, MANAGER_WITHOUT_STAFF])
def test_signed_in_people_who_are_not_administrators_find_no_admin_at_all(client_as, persona):
    client = client_as(persona)
    for url in (reverse("admin:login"), reverse("admin:jsi18n"), "/admin/no-such-page/"):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("admin:logout")).status_code == 404


def test_a_manager_sees_only_categories_and_recovery_policies(client_as, one_of_each):
    response = client_as(MANAGER).get(reverse("admin:index"))

    models = [m["object_name"] for app in response.context["app_list"] for m in app["models"]]
    assert models == ["Category", "RecoveryPolicy"]


def test_a_manager_changes_a_recovery_policy_in_the_admin(client_as, starter_data):
    policy = RecoveryPolicy.objects.get(severity="low")
    data = {
        "severity": "low",
        "hours_to_apologize": "6",
        "hours_to_reinstate": "72",
        "hours_to_empathize": "72",
        "days_to_atone": "7",
        "days_to_follow_up": "7",
        "escalation_grace_hours": "24",
        "_save": "Save",
    }
    response = client_as(MANAGER).post(reverse("admin:recovery_recoverypolicy_change", args=[policy.pk]), data)

    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.hours_to_apologize == 6


@pytest.mark.parametrize(
    ("username", "signed_in"),
    [("alice", False), ("olivia", False), ("mark", False), ("maria", True), ("root", True)],
)
def test_the_admin_sign_in_admits_only_administrators_and_managers_with_staff_status(
    alice, maria, olivia, username, signed_in
):
    for user in (alice, olivia, maria):
        user.is_staff = True
        user.set_password("pw")
        user.save()
    manager_user(username="mark")  # a manager without staff status
    UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()

    response = client.post(reverse("admin:login"), {"username": username, "password": "pw", "next": "/admin/"})

    if signed_in:
        assert response.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200
    else:
        assert response.status_code == 200
        assert "This sign-in is for CareDesk’s administrators." in response.content.decode()
        assert "_auth_user_id" not in client.session


def _codenames(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


FRONT_LINE_PERMISSIONS = {"recovery.work_complaint", "customers.add_customer", "customers.change_customer"}
MANAGER_PERMISSIONS = {
    *FRONT_LINE_PERMISSIONS,
    "recovery.manage_complaints",
    "recovery.view_category",
    "recovery.add_category",
    "recovery.change_category",
    "recovery.view_recoverypolicy",
    "recovery.change_recoverypolicy",
    "policy.publish_policy",  # the service policy's screens, not the admin
}


def test_the_roles_hold_what_the_screens_check_and_the_managers_reference_data(starter_data):
    assert _codenames(Group.objects.get(name="Front line")) == FRONT_LINE_PERMISSIONS
    assert _codenames(Group.objects.get(name=MANAGERS)) == MANAGER_PERMISSIONS


def test_the_migration_withdraws_the_permissions_the_admin_once_needed(starter_data):
    from django.apps import apps
    from django.contrib.auth.models import Permission

    migration = importlib.import_module("recovery.migrations.0014_admin_roles_reminder_sent_to")
    front_line = Group.objects.get(name="Front line")
    managers = Group.objects.get(name=MANAGERS)
    # What the roles held while the admin was the front line's screen.
    front_line.permissions.add(*Permission.objects.filter(codename__in=["view_complaint", "add_organization"]))
    managers.permissions.add(*Permission.objects.filter(codename__in=["view_reminder", "change_organization"]))

    migration.forwards(apps, None)

    assert _codenames(front_line) == FRONT_LINE_PERMISSIONS
    assert _codenames(managers) == MANAGER_PERMISSIONS


@pytest.mark.parametrize(
    ("persona", "link", "badge"),
    [
        ("front_line", False, "Front line"),
        ("manager", False, "Manager"),
        ("staff_manager", True, "Manager"),
        ("superuser", True, "Administrator"),
    ],
)
def test_the_menu_offers_the_admin_to_those_it_is_for(client, starter_data, persona, link, badge):
    user = {
        "front_line": lambda: front_line_user(username="fl", is_staff=True),
        "manager": lambda: manager_user(username="m"),
        "staff_manager": lambda: manager_user(username="sm", is_staff=True),
        "superuser": lambda: UserFactory(username="su", is_staff=True, is_superuser=True),
    }[persona]()
    client.force_login(user)

    html = client.get(reverse("recovery:my_queue")).content.decode()

    assert (f'href="{reverse("admin:index")}"' in html) is link
    assert f'<span class="badge text-bg-light ms-1">{badge}</span>' in html
