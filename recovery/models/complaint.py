"""The complaint itself, its reference (C-000123) and the due order its lists sort by."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from common.validators import no_control_characters
from customers.models import Customer
from recovery.models.choices import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    OPEN_STAGES,
    REASON_MAX,
    REMEDY_MAX,
    SUMMARY_MAX,
    Channel,
    Outcome,
    Severity,
    Stage,
)
from recovery.models.reference import Category

# A complaint waiting to be closed has no due time: in "due soonest" order it comes after every dated one.
NO_DUE_TIME = datetime(9999, 1, 1, tzinfo=UTC)


def due_order() -> Coalesce:
    """The due time to order complaints by, with no due time as the far future (indexed: complaint_due_order_idx)."""
    return Coalesce("step_due_at", models.Value(NO_DUE_TIME), output_field=models.DateTimeField())


class Complaint(models.Model):
    """A customer's complaint and where its recovery stands."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="complaints")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="complaints")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    summary = models.CharField(max_length=SUMMARY_MAX, validators=[no_control_characters])
    description = models.TextField(blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX), no_control_characters])
    desired_remedy = models.TextField(
        "remedy the customer wants",
        blank=True,
        validators=[MaxLengthValidator(REMEDY_MAX), no_control_characters],
    )
    received_at = models.DateTimeField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the customer filed it themselves (the public form, an email).",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_complaints",
        help_text="Empty while the complaint waits in the inbox for someone to take it.",
    )

    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.APOLOGIZE)
    step_due_at = models.DateTimeField(null=True, blank=True, help_text="When the current step is due.")
    step_escalates_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When managers are alerted if the current step is still not done (set when the step starts).",
    )
    round = models.PositiveSmallIntegerField(default=1, help_text="1, then one more each time it is reopened.")
    round_started_at = models.DateTimeField()
    round_first_step = models.CharField(max_length=12, choices=Stage.choices, default=Stage.APOLOGIZE)

    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalation_reason = models.TextField(blank=True, validators=[MaxLengthValidator(REASON_MAX)])
    escalated_at = models.DateTimeField(null=True, blank=True)

    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    root_cause = models.TextField(blank=True, validators=[MaxLengthValidator(NOTE_MAX), no_control_characters])
    corrective_action = models.TextField(blank=True, validators=[MaxLengthValidator(NOTE_MAX), no_control_characters])
    closed_at = models.DateTimeField(null=True, blank=True)

    customer_emails_enabled = models.BooleanField(
        "email the customer",
        default=True,
        help_text="Off: CareDesk sends this complaint's customer no emails (acknowledgement, survey).",
    )

    # Facts about the recorded steps, kept by the workflow (recovery/facts.py) so that reports read one row
    # per complaint instead of joining its steps: the dashboard aggregates a million complaints this way.
    apologized_at = models.DateTimeField(null=True, blank=True, help_text="When the first round's apology was made.")
    reinstated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the first round's reinstatement was done (empty if not needed)."
    )
    apologize_on_time = models.BooleanField(null=True, blank=True, help_text="First round; empty if not timed.")
    reinstate_on_time = models.BooleanField(null=True, blank=True, help_text="First round; empty if skipped.")
    empathize_on_time = models.BooleanField(null=True, blank=True, help_text="First round; empty if skipped.")
    atone_on_time = models.BooleanField(null=True, blank=True, help_text="First round; empty if skipped.")
    follow_up_on_time = models.BooleanField(null=True, blank=True, help_text="First round; empty if not timed.")
    minutes_total = models.PositiveIntegerField(default=0, db_default=0, help_text="Minutes on all steps, all rounds.")
    atonement_total = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        db_default=Decimal("0"),
        help_text="Value of all atonements given, all rounds.",
    )

    version = models.PositiveIntegerField(default=1, help_text="Goes up with every change; detects stale forms.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("work_complaint", "Can log and work complaints"),
            ("manage_complaints", "Can manage every complaint (reassign, close escalated, see employees')"),
        ]
        indexes = [
            models.Index(fields=["stage", "step_due_at"], name="complaint_stage_due_idx"),
            models.Index(fields=["owner", "stage", "step_due_at"], name="complaint_owner_stage_idx"),
            models.Index(fields=["customer", "received_at"], name="complaint_customer_idx"),
            models.Index(fields=["received_at"], name="complaint_received_idx"),
            models.Index(fields=["closed_at"], name="complaint_closed_idx"),
            # The inbox: open complaints nobody has taken yet (a handful, however many complaints there are).
            models.Index(
                fields=["received_at"],
                condition=models.Q(owner__isnull=True, stage__in=[s.value for s in OPEN_STAGES]),
                name="complaint_inbox_idx",
            ),
            # "Due soonest" (the API's cursor pages): no due time (waiting to be closed) counts as the far
            # future, so one index answers both directions. The expression must match `due_order()`.
            models.Index(due_order(), "received_at", "id", name="complaint_due_order_idx"),
            # The customers kept and lost in a period (each counted once) from the index alone, narrowed or not.
            models.Index(
                fields=["closed_at"],
                include=["outcome", "customer", "severity", "category", "owner"],
                condition=models.Q(closed_at__isnull=False),
                name="complaint_closed_cover_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="complaint_satisfaction_1_to_5",
            ),
            models.CheckConstraint(condition=models.Q(stage__in=Stage.values), name="complaint_stage_valid"),
            models.CheckConstraint(condition=models.Q(severity__in=Severity.values), name="complaint_severity_valid"),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="complaint_channel_valid"),
            models.CheckConstraint(
                condition=(models.Q(stage=Stage.CLOSED) & ~models.Q(outcome="") & models.Q(closed_at__isnull=False))
                | (~models.Q(stage=Stage.CLOSED) & models.Q(outcome="") & models.Q(closed_at__isnull=True)),
                name="complaint_closed_iff_outcome",
                violation_error_message="A closed complaint has an outcome and a close time; an open one has neither.",
            ),
            models.CheckConstraint(
                condition=models.Q(escalated_at__isnull=True) | models.Q(escalated_to__isnull=False),
                name="complaint_escalation_has_manager",
            ),
            models.CheckConstraint(condition=models.Q(round__gte=1), name="complaint_round_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("recovery:complaint_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """Return the unique human reference, e.g. C-000123 (derived from the key, so it never clashes)."""
        return format_reference(self.pk)

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED

    @property
    def in_inbox(self) -> bool:
        """Return True while nobody has taken the complaint (it arrived by the public form or by email)."""
        return self.owner_id is None and self.is_open

    @property
    def is_escalated(self) -> bool:
        """Return True while the complaint is with the manager it was escalated to (handing it on ends that)."""
        return self.escalated_at is not None

    @property
    def escalated_now(self) -> bool:
        """Return True while the complaint counts and shows as escalated (`recovery.definitions.escalated`).

        Escalated by a person (`is_escalated`) or overdue past the escalation grace, and open.
        """
        # Imported here: recovery.definitions builds its queries on this module.
        from recovery.definitions import complaint_is_escalated

        return complaint_is_escalated(self, timezone.now())


def format_reference(pk: int | None) -> str:
    """Return the reference shown for complaint `pk`."""
    return f"C-{pk:06d}" if pk is not None else "C-(new)"


def parse_reference(text: str) -> int | None:
    """Return the complaint key in a reference like 'C-000123', 'c123', '#123' or '123', else None."""
    cleaned = text.strip().upper().removeprefix("#").lstrip().removeprefix("C").lstrip("-").strip()
    return int(cleaned) if cleaned.isdigit() and len(cleaned) <= 12 else None
