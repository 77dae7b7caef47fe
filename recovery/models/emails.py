"""What is owed to people later: reminders and notices (Reminder), the customer's survey and the managers' digest."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from common.leases.models import LeasedEmail, lease_constraints
from common.leases.status import LeaseStatus
from common.validators import no_control_characters
from recovery.models.choices import Stage
from recovery.models.complaint import Complaint, format_reference
from recovery.models.history import ComplaintEvent


class ReminderKind(models.TextChoices):
    """What a reminder is about (the managers' daily digest is a `ManagerDigest`, not a reminder)."""

    STEP_DUE_SOON = "step_due_soon", "Step due soon"
    STEP_OVERDUE = "step_overdue", "Step overdue"
    FOLLOW_UP_DUE = "follow_up_due", "Follow-up due"
    ESCALATION = "escalation", "Escalation to managers"
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement to the customer"
    CUSTOMER_SURVEY = "customer_survey", "Follow-up survey to the customer"
    ASSIGNED = "assigned", "Handed over (to the new owner)"
    ESCALATED = "escalated", "Escalated (to the manager)"
    INBOX_UNOWNED = "inbox_unowned", "Still in the inbox (to the front line)"
    CUSTOMER_WROTE = "customer_wrote", "The customer wrote (to the owner)"


# Emails telling someone a complaint is now theirs: one per hand-over, tied to its timeline event.
NEW_OWNER_KINDS: tuple[ReminderKind, ...] = (ReminderKind.ASSIGNED, ReminderKind.ESCALATED)
# Every email about one timeline event (a hand-over, a message from the customer): one per event.
NOTICE_KINDS: tuple[ReminderKind, ...] = (*NEW_OWNER_KINDS, ReminderKind.CUSTOMER_WROTE)
# Emails addressed when they are sent, to whoever holds the role then: they name no one in advance.
ROLE_ADDRESSED_KINDS: tuple[ReminderKind, ...] = (ReminderKind.ESCALATION, ReminderKind.INBOX_UNOWNED)


# The statuses every leased row stores (common.leases); the name the reminder code and its tests know.
ReminderStatus = LeaseStatus


class Reminder(LeasedEmail):
    """One email CareDesk owes someone at `due_at`; the database, not the broker, remembers it.

    Written and cancelled by `recovery.reminders.reminders_reschedule` in the same transaction as the
    workflow change; claimed by the beat task with a lease; marked sent by the send task only while it
    still holds the claim (`attempts` is the claim token).
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for emails to the customer and for escalations (sent to every manager).",
    )
    recipient_email = models.EmailField(blank=True)
    # Emails to the customer and escalations are addressed when sent, so only this says where one went.
    sent_to = models.TextField(blank=True, help_text="The addresses it was sent to, recorded when it was sent.")
    round = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=12, choices=Stage.choices)
    due_at = models.DateTimeField()
    event = models.ForeignKey(
        ComplaintEvent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The hand-over (reassignment or escalation) a notice to the new owner is about.",
    )

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            # The dispatcher's two scans: pending rows that came due, claims whose lease ran out.
            models.Index(fields=["due_at"], condition=models.Q(status="pending"), name="reminder_pending_due_idx"),
            models.Index(
                fields=["lease_expires_at"], condition=models.Q(status="claimed"), name="reminder_claim_lease_idx"
            ),
        ]
        constraints = [
            # A due event owes one reminder; a hand-over owes one notice (a complaint can change hands
            # several times at the same step, so notices are unique per timeline event instead).
            models.UniqueConstraint(
                fields=["complaint", "kind", "round", "step"],
                condition=~models.Q(kind__in=NOTICE_KINDS),
                name="reminder_one_per_due_event",
            ),
            models.UniqueConstraint(fields=["event"], name="reminder_one_per_hand_over"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NOTICE_KINDS, event__isnull=False)
                | (~models.Q(kind__in=NOTICE_KINDS) & models.Q(event__isnull=True)),
                name="reminder_notice_has_event",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=ReminderKind.values), name="reminder_kind_valid"),
            models.CheckConstraint(condition=models.Q(status__in=ReminderStatus.values), name="reminder_status_valid"),
            models.CheckConstraint(condition=models.Q(step__in=Stage.values), name="reminder_step_valid"),
            models.CheckConstraint(condition=models.Q(round__gte=1), name="reminder_round_positive"),
            *lease_constraints("reminder"),
            # An escalation goes to whoever manages when it is sent, an inbox alert to the front line (read
            # from the roles then), so they name no one in advance; every other reminder has a user or an address.
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False)
                | ~models.Q(recipient_email="")
                | models.Q(kind__in=ROLE_ADDRESSED_KINDS, recipient__isnull=True, recipient_email=""),
                name="reminder_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {format_reference(self.complaint_id)} ({self.get_status_display()})"


SURVEY_COMMENT_MAX = 2_000


class Survey(models.Model):
    """The customer's follow-up survey for one round of a complaint: one invitation, answered at most once.

    Created when the survey email is first rendered (`recovery.surveys`); the link carries a signed,
    expiring token naming this row. It counts as sent only once the mail server accepted that email
    (`sent_at`): a row whose email failed was never sent. The answer pre-fills the owner's follow-up step.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="surveys")
    round = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mail server accepted the survey email; empty until then."
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    would_return = models.BooleanField(null=True, blank=True, help_text="Would the customer come back to us?")
    comment = models.TextField(blank=True, validators=[MaxLengthValidator(SURVEY_COMMENT_MAX), no_control_characters])

    class Meta:
        ordering = ["complaint", "round"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "round"], name="survey_one_per_round"),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="survey_satisfaction_1_to_5",
            ),
            # Answered means a full answer; unanswered means none of it.
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=False, satisfaction__isnull=False, would_return__isnull=False)
                | models.Q(answered_at__isnull=True, satisfaction__isnull=True, would_return__isnull=True, comment=""),
                name="survey_answered_in_full",
            ),
        ]

    def __str__(self) -> str:
        state = "answered" if self.answered_at else "not answered"
        return f"Survey for {format_reference(self.complaint_id)}, round {self.round} ({state})"


class ManagerDigest(LeasedEmail):
    """One manager's daily digest email for one day: claimed with a lease and sent once, like a `Reminder`."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(help_text="The day the digest reports on the morning of.")

    class Meta:
        ordering = ["-day", "recipient"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_one_per_manager_day"),
            models.CheckConstraint(condition=models.Q(status__in=ReminderStatus.values), name="digest_status_valid"),
            *lease_constraints("digest"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.recipient} on {self.day:%Y-%m-%d} ({self.get_status_display()})"
