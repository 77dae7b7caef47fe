"""The Django admin in tests: its pages' addresses, what managers keep there, and one row of every model it shows."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.roles import MANAGERS
from customers.personal_data.export import customer_export
from policy.models import PolicyAcknowledgement, PolicyVersion
from recovery.models import Category, ManagerDigest, RecoveryPolicy, Reminder, ReminderKind, Stage, Survey
from tests.factories import CustomerFactory, OrganizationFactory, UserFactory, log_complaint, manager_user
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
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookNotice


def admin_url(model: str, view: str, *args) -> str:
    app_label, model_name = model.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


# What managers keep in the admin: the reference data (policies are changed, never added).
MANAGER_MODELS = {"recovery.category", "recovery.recoverypolicy"}
# Rows only the workflow or django-axes writes: nobody adds them by hand.
NEVER_ADDED = {
    "customers.personaldatarecord",
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
    # Managers set endpoints up on the webhook pages (the address checked); the sending writes the rest.
    "webhooks.webhookendpoint",
    "webhooks.webhookdelivery",
    "webhooks.webhooknotice",
    # Made by the person on their account page (the secret is theirs alone): the admin only deletes them.
    "otp_totp.totpdevice",
    "otp_static.staticdevice",
}
MODELS = sorted(model._meta.label_lower for model in admin.site._registry)


def _access(model: type[Model], **fields: Any) -> Model:
    base = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "mallory", "http_accept": "*/*"}
    return model._default_manager.create(path_info="/login/", **base, **fields)


def admin_rows(alice: Any, maria: Any) -> dict[str, Model]:
    """Return one row of every model the admin shows, by label (alice's where rows have a person)."""
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
        "customers.personaldatarecord": _exported(complaint.customer, maria),
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
        **_webhook_rows(complaint, maria),
    }


def _webhook_rows(complaint: Any, manager: Any) -> dict[str, Model]:
    # Stored directly: the endpoint's form checks the address, the sending writes deliveries and notices.
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.create(url="https://hooks.example.org/caredesk", events=["complaint.logged"])
    event = WebhookEvent.objects.create(
        type="complaint.logged", complaint=complaint, source=complaint.events.first(), occurred_at=now, body="{}"
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, due_at=now, status="sent", sent_at=now, attempts=1
    )
    WebhookAttempt.objects.create(delivery=delivery, endpoint=endpoint, at=now, status_code=204)
    notice = WebhookNotice.objects.create(
        endpoint=endpoint, recipient=manager, disabled_at=now, reason="15 attempts in a row failed.", due_at=now
    )
    return {
        "webhooks.webhookendpoint": endpoint,
        "webhooks.webhookdelivery": delivery,
        "webhooks.webhooknotice": notice,
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


def _exported(customer: Any, manager: Any) -> Model:
    customer_export(customer=customer, user=manager)
    return customer.data_records.get()


def _apologised(complaint: Any, user: Any) -> Model:
    from recovery.workflow import complaint_apologize

    complaint_apologize(complaint=complaint, user=user, note="Sorry.", minutes=2)
    return complaint.actions.get(step=Stage.APOLOGIZE)
