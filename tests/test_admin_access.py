"""Who reaches the admin: administrators (superusers), and managers for the reference data only.

Every admin URL (the index, each app's page, each registered model's list, add, change and history
pages, the password change and the admin's login) is tried as each persona. Staff status alone
opens nothing: front-line and outsider accounts below have it and still get a 404, as if there were
no admin; someone not signed in is sent to sign in.
"""

from __future__ import annotations

import importlib
from typing import Any
from urllib.parse import urlparse

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.roles import MANAGERS
from policy.models import PolicyAcknowledgement, PolicyVersion
from recovery.models import Category, ManagerDigest, RecoveryPolicy, Reminder, ReminderKind, Stage, Survey
from tests.factories import (
    CustomerFactory,
    OrganizationFactory,
    UserFactory,
    front_line_user,
    log_complaint,
    manager_user,
)
from tests.helpers.coaching import closed_complaint, review
from tests.helpers.two_step import give_app
from training.coaching.services import calibration_request
from training.models import (
    Assignment,
    AssignmentReason,
    Attempt,
    CoachingNotice,
    ModuleVersion,
    TrainingReminder,
    TrainingReminderKind,
)

ANONYMOUS, FRONT_LINE, OUTSIDER, MANAGER_WITHOUT_STAFF, MANAGER, SUPERUSER = (
    "anonymous",
    "front line",
    "outsider",
    "manager without staff status",
    "manager",
    "superuser",
)
PERSONAS = [ANONYMOUS, FRONT_LINE, OUTSIDER, MANAGER_WITHOUT_STAFF, MANAGER, SUPERUSER]
# What managers keep in the admin: the reference data (policies are changed, never added).
MANAGER_MODELS = {"recovery.category", "recovery.recoverypolicy"}
# Rows only the workflow or django-axes writes: nobody adds them by hand.
NEVER_ADDED = {
    "recovery.recoveryaction",
    "recovery.complaintevent",
    "recovery.reminder",
    "recovery.survey",
    "recovery.managerdigest",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    # Written on the policy and training pages, by their services: the admin only shows them.
    "policy.policyversion",
    "policy.policyacknowledgement",
    "training.trainingmodule",
    "training.moduleversion",
    "training.question",
    "training.assignment",
    "training.attempt",
    "training.trainingreminder",
    "training.coachingreview",
    "training.calibrationrequest",
    "training.coachingnotice",
    # Made by the person on their account page (the secret is theirs alone): the admin only deletes them.
    "otp_totp.totpdevice",
    "otp_static.staticdevice",
}
MODELS = sorted(model._meta.label_lower for model in admin.site._registry)


def _access(model: type[Model], **fields: Any) -> Model:
    base = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "alice", "http_accept": "*/*"}
    return model._default_manager.create(path_info="/login/", **base, **fields)


@pytest.fixture
def one_of_each(alice: Any, maria: Any) -> dict[str, Model]:
    """One row of every model the admin shows."""
    organization = OrganizationFactory(name="Harbour & Vale Trading")
    customer: Any = CustomerFactory(organization=organization)
    complaint = log_complaint(user=alice, customer=customer)
    return {
        "auth.group": Group.objects.get(name=MANAGERS),
        "auth.user": alice,
        "axes.accessattempt": _access(AccessAttempt, get_data="", post_data="", failures_since_start=1),
        "axes.accesslog": _access(AccessLog),
        "axes.accessfailurelog": _access(AccessFailureLog),
        "customers.organization": organization,
        "customers.customer": complaint.customer,
        "recovery.category": Category.objects.get(name="Delivery"),
        "recovery.recoverypolicy": RecoveryPolicy.objects.get(severity="medium"),
        "recovery.complaint": complaint,
        "recovery.recoveryaction": _apologised(complaint, alice),
        "recovery.complaintevent": complaint.events.first(),
        "recovery.reminder": Reminder.objects.filter(complaint=complaint, kind=ReminderKind.ACKNOWLEDGEMENT).get(),
        "recovery.survey": Survey.objects.create(complaint=complaint, round=1),
        "recovery.managerdigest": ManagerDigest.objects.create(recipient=maria, day=timezone.localdate()),
        **_training_rows(alice),
        **_coaching_rows(alice, maria, customer),
        **_two_step_rows(),
    }


def _two_step_rows() -> dict[str, Model]:
    # Someone other than the personas: a person with an authenticator signs in with a code, not force_login.
    person = UserFactory(username="tess")
    authenticator, _ = give_app(person)
    return {
        "otp_totp.totpdevice": authenticator,
        "otp_static.staticdevice": StaticDevice.objects.get(user=person),
    }


def _coaching_rows(handler: Any, coach: Any, customer: Any) -> dict[str, Model]:
    reviewed = review(closed_complaint(handler, customer), coach)
    calibration = calibration_request(complaint=reviewed.complaint, by=coach, asked=manager_user(username="mina"))
    return {
        "training.coachingreview": reviewed,
        "training.calibrationrequest": calibration,
        "training.coachingnotice": CoachingNotice.objects.get(review=reviewed),
    }


def _training_rows(person: Any) -> dict[str, Model]:
    policy = PolicyVersion.objects.latest("number")
    version = ModuleVersion.objects.filter(module__slug="five-step-recovery").latest("number")
    assignment = Assignment.objects.get_or_create(
        user=person,
        module=version.module,
        closed_at=None,
        defaults={"due_on": timezone.localdate(), "reason": AssignmentReason.MANUAL},
    )[0]
    now = timezone.now()
    return {
        "policy.policyversion": policy,
        "policy.policyacknowledgement": PolicyAcknowledgement.objects.create(
            user=person, version=policy, acknowledged_at=now
        ),
        "training.trainingmodule": version.module,
        "training.moduleversion": version,
        "training.question": version.questions.order_by("order")[0],
        "training.assignment": assignment,
        "training.attempt": Attempt.objects.create(
            user=person, version=version, score=0, passed=False, started_at=now, submitted_at=now, token="t"
        ),
        "training.trainingreminder": TrainingReminder.objects.get_or_create(
            assignment=assignment, kind=TrainingReminderKind.OVERDUE, defaults={"due_at": now, "recipient": person}
        )[0],
    }


def _apologised(complaint: Any, user: Any) -> Model:
    from recovery.workflow import complaint_apologize

    complaint_apologize(complaint=complaint, user=user, note="Sorry.", minutes=2)
    return complaint.actions.get(step=Stage.APOLOGIZE)


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


def admin_pages(objects: dict[str, Model]) -> list[tuple[str, str, str]]:
    """Return (model or "", page, url) for every admin page."""
    pages = [("", "index", reverse("admin:index")), ("", "password change", reverse("admin:password_change"))]
    pages += [("", f"{label} app", reverse("admin:app_list", args=[label])) for label in ("auth", "axes")]
    apps = ("customers", "recovery", "policy", "training")
    pages += [("", f"{label} app", reverse("admin:app_list", args=[label])) for label in apps]
    for model in MODELS:
        app_label, model_name = model.split(".")
        obj = objects[model]
        pages += [
            (model, "changelist", reverse(f"admin:{app_label}_{model_name}_changelist")),
            (model, "add", reverse(f"admin:{app_label}_{model_name}_add")),
            (model, "change", reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])),
            (model, "history", reverse(f"admin:{app_label}_{model_name}_history", args=[obj.pk])),
        ]
    return pages


def expected_status(persona: str, model: str, page: str) -> int:
    if persona in (FRONT_LINE, OUTSIDER, MANAGER_WITHOUT_STAFF):
        return 404
    if persona == ANONYMOUS:
        return 302
    if page == "add" and (model in NEVER_ADDED or (persona == MANAGER and model == "recovery.recoverypolicy")):
        return 403
    if persona == SUPERUSER:
        return 200
    # A manager: the index, the recovery app (it holds the reference data) and the reference data.
    if page.endswith(" app"):
        return 200 if page == "recovery app" else 404
    if not model:
        return 200
    return 200 if model in MANAGER_MODELS else 403


def test_every_registered_model_is_covered() -> None:
    assert set(MODELS) == {
        "auth.group",
        "auth.user",
        "customers.customer",
        "customers.organization",
        *MANAGER_MODELS,
        "recovery.complaint",
        *NEVER_ADDED,
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_admin_page_answers_each_persona_as_designed(client_as, one_of_each, persona):
    client = client_as(persona)
    wrong = []
    for model, page, url in admin_pages(one_of_each):
        response = client.get(url)
        wanted = expected_status(persona, model, page)
        if response.status_code != wanted:
            wrong.append(f"{url} ({page}): {response.status_code}, expected {wanted}")
        elif wanted == 302:
            # Not signed in: sent to sign in, and back here afterwards.
            location = urlparse(response["Location"])
            assert location.path in (reverse("login"), reverse("admin:login")), url
            assert "next=" in location.query, url
    assert wrong == []


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
