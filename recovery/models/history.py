"""What was done about a complaint: the recorded steps (RecoveryAction) and the timeline (ComplaintEvent)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from common.validators import no_control_characters
from recovery.models.choices import MINUTES_MAX, NOTE_MAX, REASON_MAX, SKIPPABLE_STEPS, STEPS, AtonementKind, Stage
from recovery.models.complaint import Complaint


class RecoveryAction(models.Model):
    """One completed or skipped step of one recovery round."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="actions")
    round = models.PositiveSmallIntegerField(default=1)
    step = models.CharField(max_length=12, choices=[(s.value, s.label) for s in STEPS])
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField()
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the step was due when it was recorded; on time means done_at ≤ due_at."
    )
    note = models.TextField(
        "what was said or done", blank=True, validators=[MaxLengthValidator(NOTE_MAX), no_control_characters]
    )
    minutes_spent = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(MINUTES_MAX)], help_text="Time spent on this step, in minutes."
    )
    skipped = models.BooleanField(default=False)
    skip_reason = models.TextField(blank=True, validators=[MaxLengthValidator(REASON_MAX), no_control_characters])

    atonement_kind = models.CharField(max_length=12, choices=AtonementKind.choices, blank=True)
    atonement_value = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )

    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    retained = models.BooleanField(null=True, blank=True, help_text="Did the customer stay with us?")
    customer_comment = models.TextField(blank=True, validators=[MaxLengthValidator(NOTE_MAX), no_control_characters])

    class Meta:
        ordering = ["round", "done_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "round", "step"], name="action_one_per_step_per_round"),
            models.CheckConstraint(condition=models.Q(step__in=[s.value for s in STEPS]), name="action_step_valid"),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="action_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(atonement_value__isnull=True) | models.Q(atonement_value__gte=0),
                name="action_atonement_value_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_spent__lte=MINUTES_MAX), name="action_minutes_within_a_day"
            ),
            models.CheckConstraint(
                condition=models.Q(skipped=False, skip_reason="")
                | (models.Q(skipped=True, step__in=[s.value for s in SKIPPABLE_STEPS]) & ~models.Q(skip_reason="")),
                name="action_skip_only_middle_steps_with_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(step=Stage.ATONE) | models.Q(skipped=True) | ~models.Q(atonement_kind=""),
                name="action_atonement_has_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(step=Stage.FOLLOW_UP)
                | models.Q(satisfaction__isnull=False, retained__isnull=False),
                name="action_follow_up_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        verb = "skipped" if self.skipped else "done"
        return f"{self.get_step_display()} {verb} (round {self.round})"


class EventKind(models.TextChoices):
    LOGGED = "logged", "Logged"
    STEP_DONE = "step_done", "Step done"
    STEP_SKIPPED = "step_skipped", "Step not needed"
    ASSIGNED = "assigned", "Assigned"
    ESCALATED = "escalated", "Escalated"
    NOTE = "note", "Note"
    EDITED = "edited", "Edited"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    REMINDER_SENT = "reminder_sent", "Reminder sent"
    REMINDER_FAILED = "reminder_failed", "Reminder failed"
    AUTO_ESCALATED = "auto_escalated", "Escalated to managers (overdue)"
    SURVEY_ANSWERED = "survey_answered", "Customer answered the survey"
    # A manager took or erased the customer's personal data (customers/personal_data/): who and when only.
    DATA_EXPORTED = "data_exported", "Customer's personal data downloaded"
    DATA_ERASED = "data_erased", "Customer's personal data erased"
    # Complaints the customer filed themselves (intake/): taken from the inbox, and what the customer wrote later.
    TAKEN = "taken", "Taken from the inbox"
    CUSTOMER_WROTE = "customer_wrote", "The customer wrote"


class ComplaintEvent(models.Model):
    """One line of a complaint's timeline; also the audit trail."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when CareDesk itself acted (a reminder, an automatic escalation).",
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    created_at = models.DateTimeField()
    stage_before = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    stage_after = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    # The webhooks' outbox: rows the ORM writes start True (in the workflow's own transaction), and
    # webhooks.announcing hands them on and clears it. Rows written by raw SQL (bench/seed_million.py)
    # and those before this field get the database default, False: nothing to announce.
    to_announce = models.BooleanField(
        default=True, db_default=False, help_text="Not yet handed to the webhooks (webhooks/)"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["complaint", "created_at"], name="event_complaint_time_idx"),
            models.Index(fields=["kind", "created_at"], name="event_kind_time_idx"),
            models.Index(fields=["id"], condition=models.Q(to_announce=True), name="event_to_announce_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"
