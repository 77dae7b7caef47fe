"""Training modules, their versions and checks, who must take them, and every attempt.

A `TrainingModule` is the stable identity (its slug); what it says lives in numbered `ModuleVersion`s.
Editing a module adds a version and never changes an old one, so an `Attempt` stays against the version
that was taken. `TrainingModule.current_version` is the version people read and take now.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.leases.models import LeasedEmail, lease_constraints
from common.validators import no_control_characters
from training.content import (
    BODY_MAX,
    CHOICE_MAX,
    EXPLANATION_MAX,
    PASS_MARK_MAX,
    PASS_MARK_MIN,
    QUESTION_MAX,
    SECTION_TITLE_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    Audience,
)

TOKEN_MAX = 64


class TrainingModule(models.Model):
    """A module's stable identity; its content is its versions."""

    slug = models.SlugField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived = models.BooleanField(default=False, help_text="Archived modules are neither assigned nor listed.")
    current_version = models.ForeignKey(
        "ModuleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class ModuleVersion(models.Model):
    """What a module said from `created_at`: never changed once stored."""

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX, validators=[no_control_characters])
    summary = models.TextField(max_length=SUMMARY_MAX, blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    # The recovery steps covered, as a JSON list of stage values ("apologize", …): works on SQLite too.
    steps = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    renewal_months = models.PositiveSmallIntegerField(null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="Percentage of right answers to pass.")
    # Passes of earlier versions no longer count: everyone who passed one takes this version again.
    needs_retaking = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["module", "number"]
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="training_version_number_unique"),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=PASS_MARK_MIN, pass_mark__lte=PASS_MARK_MAX),
                name="training_pass_mark_1_100",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="training_version_number_positive"),
            models.CheckConstraint(
                condition=Q(renewal_months__isnull=True) | Q(renewal_months__gte=1),
                name="training_renewal_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class Section(models.Model):
    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=SECTION_TITLE_MAX)
    body = models.TextField(max_length=BODY_MAX, help_text="Markdown.")

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="training_section_order_unique")]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=QUESTION_MAX)
    explanation = models.CharField(max_length=EXPLANATION_MAX, blank=True, help_text="Shown after answering.")

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="training_question_order_unique")]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=CHOICE_MAX)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="training_choice_order_unique"),
            # At most one right answer per question; "at least one" is checked before storing (content.py).
            models.UniqueConstraint(
                fields=["question"], condition=Q(is_correct=True), name="training_one_right_answer"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class AssignmentReason(models.TextChoices):
    MANUAL = "manual", "Assigned by a manager"
    REQUIRED = "required", "Required for everyone who meets customers"
    RENEWAL = "renewal", "Due for renewal"
    RETAKE = "retake", "The module changed: take it again"


class Assignment(models.Model):
    """Someone must pass a module by a date; open until they pass it (`closed_at`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_assignments")
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="assignments")
    due_on = models.DateField()
    assigned_by = models.ForeignKey(  # NULL: assigned automatically (required, renewal, retake)
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=10, choices=AssignmentReason.choices)
    closed_at = models.DateTimeField(null=True, blank=True)
    passed_by = models.ForeignKey(  # the attempt that closed it
        "Attempt", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module"], condition=Q(closed_at__isnull=True), name="training_one_open_assignment"
            ),
        ]
        indexes = [models.Index(fields=["due_on"], condition=Q(closed_at__isnull=True), name="training_open_due_idx")]

    def __str__(self) -> str:
        return f"{self.module} for {self.user} by {self.due_on}"


class Attempt(models.Model):
    """One submitted check: the answers given, against the version taken."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_attempts")
    version = models.ForeignKey(ModuleVersion, on_delete=models.PROTECT, related_name="attempts")
    # {question id (as text): chosen choice id}
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField(help_text="Percentage of right answers.")
    passed = models.BooleanField()
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField()
    # The form's token: the same form sent twice (a double click, a second tab) is one attempt.
    token = models.CharField(max_length=TOKEN_MAX)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="training_attempt_token_unique"),
            models.CheckConstraint(condition=Q(score__lte=100), name="training_score_percentage"),
        ]
        indexes = [models.Index(fields=["user", "version"], name="training_attempt_user_version")]

    def __str__(self) -> str:
        return f"{self.user} on {self.version}: {self.score}%"


class TrainingReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


class TrainingReminder(LeasedEmail):
    """An email owed about an open assignment: due soon, or overdue (see `training/reminders.py`).

    Claimed, sent and retried by the lease loop every email shares (`common.leases`). One row per
    assignment and kind: a new due date moves the row rather than adding one.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=TrainingReminderKind.choices)
    due_at = models.DateTimeField()
    # Whose training it is; the address is read when the email is sent.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind"], name="training_reminder_one_per_kind"),
            *lease_constraints("training_reminder"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="training_reminder_pending_idx"),
            models.Index(
                fields=["lease_expires_at"], condition=Q(status="claimed"), name="training_reminder_claimed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder for assignment {self.assignment_id}"


# Coaching on real cases lives in its own package; importing its models here registers them with this app.
from training.coaching.models import (  # noqa: E402
    CalibrationRequest,
    CoachingNotice,
    CoachingReply,
    CoachingReview,
    StepRating,
)

__all__ = [
    "Assignment",
    "AssignmentReason",
    "Attempt",
    "CalibrationRequest",
    "Choice",
    "CoachingNotice",
    "CoachingReply",
    "CoachingReview",
    "ModuleVersion",
    "Question",
    "Section",
    "StepRating",
    "TrainingModule",
    "TrainingReminder",
    "TrainingReminderKind",
]
