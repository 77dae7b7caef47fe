"""Webhooks: where managers want to be told (`WebhookEndpoint`), what is told (`WebhookEvent`), each
endpoint's copy of it on its way (`WebhookDelivery`, a leased row), every HTTP try (`WebhookAttempt`, the
delivery log), and the email telling the managers an endpoint was switched off (`WebhookNotice`).

An event's body is frozen when it is made: a retry, a lease taken over, or a manager's "Send again" sends
the same bytes with the same id, so a receiver drops a duplicate by its id.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.leases.models import LeasedEmail, lease_constraints
from recovery.models import format_reference

URL_MAX = 2_000
DESCRIPTION_MAX = 200
SNIPPET_MAX = 500


class EventType(models.TextChoices):
    """What a receiver is told about; an endpoint subscribes to some of the complaint events."""

    LOGGED = "complaint.logged", "Complaint logged"
    STEP_DONE = "complaint.step_done", "Step done"
    STEP_SKIPPED = "complaint.step_skipped", "Step skipped"
    ESCALATED = "complaint.escalated", "Escalated"
    ASSIGNED = "complaint.assigned", "Assigned"
    CLOSED = "complaint.closed", "Closed"
    REOPENED = "complaint.reopened", "Reopened"
    SURVEY_ANSWERED = "complaint.survey_answered", "Survey answered"
    OVERDUE = "complaint.overdue", "Overdue (escalated to the managers)"
    # A manager's "Send a test event": no complaint, nobody subscribes to it.
    PING = "ping", "Test event"


# The events an endpoint may subscribe to (every type but the test event), in the form's order.
COMPLAINT_EVENTS: tuple[str, ...] = tuple(t.value for t in EventType if t != EventType.PING)


def new_secret() -> str:
    """A signing secret: 32 random bytes, URL-safe text (shown to managers, stored as is to sign with)."""
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A URL a manager wants told about complaints, with the secret the bodies are signed with."""

    url = models.URLField(max_length=URL_MAX, help_text="Where events are POSTed (http or https).")
    description = models.CharField(max_length=DESCRIPTION_MAX, blank=True)
    secret = models.CharField(max_length=100, default=new_secret, help_text="Signs every body (HMAC-SHA256).")
    events = models.JSONField(default=list, blank=True, help_text="The event types sent here (EventType values).")
    include_confidential = models.BooleanField(
        default=False, help_text="Also sent events about employees' (confidential) complaints."
    )
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0, help_text="Failed attempts since the last success.")
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["url", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_active=True, disabled_at__isnull=True) | Q(is_active=False),
                name="webhook_endpoint_active_not_disabled",
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.url

    def wants(self, event_type: str) -> bool:
        """Return True when this endpoint subscribed to `event_type`."""
        return isinstance(self.events, list) and event_type in self.events


class WebhookEvent(models.Model):
    """One thing that happened, as it is sent: the body is frozen here, its id is the stable event id.

    Made once per timeline event (`source`) and shared by every endpoint it goes to; a test event has
    neither complaint nor source.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=40, choices=EventType.choices)
    complaint = models.ForeignKey(
        "recovery.Complaint", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.OneToOneField(
        "recovery.ComplaintEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    occurred_at = models.DateTimeField()
    body = models.TextField(help_text="The exact JSON sent, every time.")
    # Read with the body: once the customer's data is erased, a body frozen before holds what was erased,
    # so it is not sent any more (see webhooks.sending).
    customer_was_erased = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type="ping", complaint__isnull=True, source__isnull=True)
                | (~Q(type="ping") & Q(complaint__isnull=False, source__isnull=False)),
                name="webhook_event_ping_has_no_complaint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"

    @property
    def reference(self) -> str:
        """Return the complaint's reference (C-000123), or "" for a test event."""
        return format_reference(self.complaint_id) if self.complaint_id is not None else ""


class WebhookDelivery(LeasedEmail):
    """One event on its way to one endpoint: claimed with a lease and sent by `webhooks.sending`.

    `status` is the lease's (pending → claimed → sent / failed, or cancelled when the endpoint was
    switched off); `last_error` the latest failure; every try is a `WebhookAttempt`.
    """

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            *lease_constraints("webhook_delivery"),
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once_per_endpoint"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="webhook_delivery_pending_idx"),
            models.Index(
                fields=["lease_expires_at"], condition=Q(status="claimed"), name="webhook_delivery_claimed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} to endpoint {self.endpoint_id}"


class WebhookAttempt(models.Model):
    """One HTTP try of a delivery, as the delivery log shows it: when, what came back, how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    # The delivery's endpoint, kept here so an endpoint's log is one index scan.
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty when no answer came.")
    error = models.TextField(blank=True, help_text="Why it failed; empty on success.")
    duration_ms = models.PositiveIntegerField(default=0)
    response_snippet = models.CharField(max_length=SNIPPET_MAX, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["endpoint", "-at"], name="webhook_attempt_log_idx")]

    def __str__(self) -> str:
        return f"{self.status_code or 'no answer'} at {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


class WebhookNotice(LeasedEmail):
    """The email telling one manager an endpoint was switched off after failing; sent by `webhooks.notices`."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # When it was switched off (the endpoint's disabled_at then), so a later switch-off owes its own email.
    disabled_at = models.DateTimeField()
    reason = models.TextField()
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            *lease_constraints("webhook_notice"),
            models.UniqueConstraint(
                fields=["endpoint", "recipient", "disabled_at"], name="webhook_notice_once_per_switch_off"
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="webhook_notice_pending_idx"),
            models.Index(fields=["lease_expires_at"], condition=Q(status="claimed"), name="webhook_notice_claimed_idx"),
        ]

    def __str__(self) -> str:
        return f"Endpoint {self.endpoint_id} switched off (notice {self.pk})"
