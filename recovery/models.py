"""Complaints and their five-step recovery.

Nothing here changes a complaint's stage: that is the job of
`recovery.workflow`, which also writes the timeline. Rules that the database
can hold are constraints here, so no code path can break them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from common.leases.models import LeasedEmail, lease_constraints
from common.leases.status import LeaseStatus
from common.localtime import add_local_days
from common.validators import no_control_characters
from customers.models import Customer

SUMMARY_MAX = 200
DESCRIPTION_MAX = 10_000
REMEDY_MAX = 2_000
NOTE_MAX = 5_000
REASON_MAX = 1_000
MINUTES_MAX = 24 * 60


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    WEB = "web", "Web form"
    LETTER = "letter", "Letter"
    SOCIAL = "social", "Social media"


class Stage(models.TextChoices):
    """The next thing to do with a complaint."""

    APOLOGIZE = "apologize", "Apologize"
    REINSTATE = "reinstate", "Reinstate"
    EMPATHIZE = "empathize", "Empathize"
    ATONE = "atone", "Atone"
    FOLLOW_UP = "follow_up", "Follow up"
    CLOSE = "close", "Close"
    CLOSED = "closed", "Closed"


# The five recovery steps, in the only order they may be done.
STEPS: tuple[Stage, ...] = (Stage.APOLOGIZE, Stage.REINSTATE, Stage.EMPATHIZE, Stage.ATONE, Stage.FOLLOW_UP)
SKIPPABLE_STEPS: tuple[Stage, ...] = (Stage.REINSTATE, Stage.EMPATHIZE, Stage.ATONE)
OPEN_STAGES: tuple[Stage, ...] = (*STEPS, Stage.CLOSE)


def next_stage(stage: str) -> Stage:
    """Return the stage after `stage` (the step after the last one is Close)."""
    order = [*STEPS, Stage.CLOSE, Stage.CLOSED]
    return order[order.index(Stage(stage)) + 1]


class Outcome(models.TextChoices):
    RETAINED = "retained", "Retained"
    LOST = "lost", "Lost"


class AtonementKind(models.TextChoices):
    REFUND = "refund", "Refund"
    DISCOUNT = "discount", "Discount"
    VOUCHER = "voucher", "Voucher"
    REPLACEMENT = "replacement", "Replacement"
    GIFT = "gift", "Gift"
    NOTHING = "nothing", "Nothing (deliberately)"


class Category(models.Model):
    """What a complaint is about; managed by administrators."""

    name = models.CharField(max_length=80, unique=True, validators=[no_control_characters])
    description = models.CharField(max_length=300, blank=True, validators=[no_control_characters])
    is_active = models.BooleanField(default=True, help_text="Inactive categories are not offered for new complaints.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


AT_LEAST_ONE = "Enter at least 1."
# What the admin form says about changing a policy, and the rule recovery.workflow follows.
POLICY_CHANGE_RULE = (
    "A change applies to steps that start after you save it. A step already under way keeps the due time "
    "(and the escalation time) it was given when it started, so nobody's deadline, and no time promised to a "
    "customer, moves under their feet. Changing a complaint's severity re-times its current step under the "
    "new severity's targets."
)
STEP_ORDER_RULE = (
    "The targets go in step order: apologize ≤ reinstate ≤ empathize (hours) ≤ atone (days, a day counting 24 hours)."
)


def _target(verbose_name: str, help_text: str) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(
        verbose_name, validators=[MinValueValidator(1, message=AT_LEAST_ONE)], help_text=help_text
    )


class RecoveryPolicy(models.Model):
    """Targets for each step, one row per severity.

    Steps 1–4 are due a set time after the round started (the complaint was logged, or reopened); the
    follow-up is due a set number of days after the atonement. Hours are elapsed hours; days are calendar
    days in the local time zone. Each step gets its due time from the policy when it starts
    (POLICY_CHANGE_RULE); the targets go in step order (STEP_ORDER_RULE).
    """

    severity = models.CharField(max_length=10, choices=Severity.choices, unique=True)
    hours_to_apologize = _target(
        "hours to apologize", "Hours from when the complaint is logged (or reopened); at least 1."
    )
    hours_to_reinstate = _target(
        "hours to reinstate",
        "Hours from when the complaint is logged (or reopened); at least 1, and at least the hours to apologize.",
    )
    hours_to_empathize = _target(
        "hours to empathize",
        "Hours from when the complaint is logged (or reopened); at least 1, and at least the hours to reinstate.",
    )
    days_to_atone = _target(
        "days to atone",
        "Calendar days from when the complaint is logged (or reopened), at the same clock time; at least 1, "
        "and at least the hours to empathize (a day counting 24 hours).",
    )
    days_to_follow_up = _target(
        "days after atonement to follow up", "Calendar days after the atonement, at the same clock time; at least 1."
    )
    escalation_grace_hours = _target(
        "grace before escalation (hours)", "Hours a step may stay overdue before managers are alerted; at least 1."
    )

    class Meta:
        verbose_name_plural = "recovery policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    hours_to_apologize__gte=1,
                    hours_to_reinstate__gte=1,
                    hours_to_empathize__gte=1,
                    days_to_atone__gte=1,
                    days_to_follow_up__gte=1,
                    escalation_grace_hours__gte=1,
                ),
                name="policy_targets_positive",
                violation_error_message="Every target is at least 1.",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    hours_to_reinstate__gte=models.F("hours_to_apologize"),
                    hours_to_empathize__gte=models.F("hours_to_reinstate"),
                    hours_to_empathize__lte=models.F("days_to_atone") * 24,
                ),
                name="policy_targets_in_step_order",
                violation_error_message=STEP_ORDER_RULE,
            ),
        ]

    def __str__(self) -> str:
        return f"Policy for {self.get_severity_display().lower()} complaints"

    def clean(self) -> None:
        """Refuse targets out of step order: a step cannot be due before any step it follows.

        Each target is compared with the largest before it, so every target out of order is named at once.
        """
        errors: dict[str, str] = {}
        latest: tuple[str, int] | None = None  # the latest-due step so far, and its target in hours
        for field, step, unit in (
            ("hours_to_apologize", "apologize", 1),
            ("hours_to_reinstate", "reinstate", 1),
            ("hours_to_empathize", "empathize", 1),
            ("days_to_atone", "atone", 24),
        ):
            value = getattr(self, field)
            if value is None:
                continue
            if latest is not None and value * unit < latest[1]:
                errors[field] = self._out_of_order(step, value, unit, *latest)
            elif latest is None or value * unit > latest[1]:
                latest = (step, value * unit)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _out_of_order(step: str, value: int, unit: int, before: str, hours: int) -> str:
        if unit == 1:
            return (
                f"{step.capitalize()} within {value} h would be due before {before} within {hours} h, "
                f"but the steps go in order: make it at least {hours}."
            )
        return (
            f"{step.capitalize()} within {value} {'day' if value == 1 else 'days'} ({value * unit} h) would be due "
            f"before {before} within {hours} h, but the steps go in order: make it at least {-(-hours // unit)} "
            f"(a day counts 24 hours here)."
        )

    def escalates_at(self, due: datetime | None) -> datetime | None:
        """Return when managers are alerted about a step due at `due` that is still not done."""
        return None if due is None else due + timedelta(hours=self.escalation_grace_hours)

    def due_at(self, step: str, *, round_started_at: datetime, atoned_at: datetime | None = None) -> datetime | None:
        """Return when `step` is due, or None for stages without a target.

        Hours are elapsed hours; days are calendar days in the local time zone (the same clock time,
        so a day across a clock change is 23 or 25 hours). The atonement is never due before the
        empathy, even when its days are one hour short across the spring change.
        """
        if step == Stage.APOLOGIZE:
            return round_started_at + timedelta(hours=self.hours_to_apologize)
        if step == Stage.REINSTATE:
            return round_started_at + timedelta(hours=self.hours_to_reinstate)
        if step == Stage.EMPATHIZE:
            return round_started_at + timedelta(hours=self.hours_to_empathize)
        if step == Stage.ATONE:
            return max(
                add_local_days(round_started_at, self.days_to_atone),
                round_started_at + timedelta(hours=self.hours_to_empathize),
            )
        if step == Stage.FOLLOW_UP:
            return add_local_days(atoned_at or round_started_at, self.days_to_follow_up)
        return None


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


# The dashboard's roll-up lives in its own package; its models are registered with this app's.
from recovery.rollup.models import DailyCauses as DailyCauses  # noqa: E402
from recovery.rollup.models import DailyFigures as DailyFigures  # noqa: E402
from recovery.rollup.models import DailyTimes as DailyTimes  # noqa: E402
from recovery.rollup.models import FiguresChange as FiguresChange  # noqa: E402
from recovery.rollup.models import RollupState as RollupState  # noqa: E402
from recovery.rollup.models import StaleMonth as StaleMonth  # noqa: E402
