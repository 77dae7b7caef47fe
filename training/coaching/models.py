"""Coaching's rows: reviews of closed complaints, their step ratings and replies, calibration, the notice email.

Imported by `training/models.py`, so they belong to the `training` app (and its migrations).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from common.leases.models import LeasedEmail, lease_constraints
from common.validators import no_control_characters
from recovery.models import STEPS, Complaint
from training.coaching.rules import COMMENT_MAX, NOTE_MAX, REPLY_MAX, Rating, Stance

TOKEN_MAX = 64  # a reply form's token (training.coaching.views makes them much shorter)


class CoachingReview(models.Model):
    """A manager's review of how a closed complaint was handled: one per manager and complaint."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="coaching_reviews")
    # The round reviewed (the one that closed the complaint) and who handled it then (the owner at close).
    round = models.PositiveSmallIntegerField()
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_received")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_given")
    overall = models.TextField("overall note", validators=[MaxLengthValidator(NOTE_MAX), no_control_characters])
    next_time = models.TextField("next time", validators=[MaxLengthValidator(NOTE_MAX), no_control_characters])
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["complaint", "created_at", "pk"]
        constraints = [
            # A double submit, or two tabs, records one review.
            models.UniqueConstraint(fields=["complaint", "reviewer"], name="coaching_one_review_per_reviewer"),
        ]
        indexes = [
            models.Index(fields=["handler", "-created_at"], name="coaching_review_handler_idx"),
            models.Index(fields=["created_at"], name="coaching_review_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.complaint.reference} by {self.reviewer}"

    def get_absolute_url(self) -> str:
        return reverse("training:coaching_review", args=[self.pk])


class StepRating(models.Model):
    """How one step of the reviewed round was done, with the coach's comment."""

    review = models.ForeignKey(CoachingReview, on_delete=models.CASCADE, related_name="ratings")
    step = models.CharField(max_length=12, choices=[(s.value, s.label) for s in STEPS])
    rating = models.CharField(max_length=16, choices=Rating.choices)
    comment = models.TextField(blank=True, validators=[MaxLengthValidator(COMMENT_MAX), no_control_characters])

    class Meta:
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "step"], name="coaching_one_rating_per_step"),
            models.CheckConstraint(condition=Q(rating__in=Rating.values), name="coaching_rating_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.get_rating_display()}"


class CoachingReply(models.Model):
    """The handler's (or a manager's) answer under a review: coaching is a conversation."""

    review = models.ForeignKey(CoachingReview, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(max_length=20, choices=Stance.choices)
    text = models.TextField(validators=[MaxLengthValidator(REPLY_MAX), no_control_characters])
    created_at = models.DateTimeField()
    # The form's token: the same reply sent twice is stored once.
    token = models.CharField(max_length=TOKEN_MAX)

    class Meta:
        ordering = ["review", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["author", "token"], name="coaching_reply_token_unique")]

    def __str__(self) -> str:
        return f"Reply by {self.author} on review {self.review_id}"


class CalibrationRequest(models.Model):
    """A manager asks another to review the same complaint blind: the asked one sees no review until theirs is in."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="calibration_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calibrations_asked")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["complaint", "asked"], name="coaching_calibration_once")]

    def __str__(self) -> str:
        return f"Calibration of {self.complaint.reference} asked of {self.asked}"


class CoachingNoticeKind(models.TextChoices):
    REVIEW = "review", "A review of your complaint"
    CALIBRATION = "calibration", "A blind review asked of you"


class CoachingNotice(LeasedEmail):
    """An email about coaching, claimed and sent by `common.leases`: the handler told a review of their
    complaint is in, or a manager told a colleague asks them for a blind review."""

    kind = models.CharField(max_length=12, choices=CoachingNoticeKind.choices, default=CoachingNoticeKind.REVIEW)
    review = models.OneToOneField(
        CoachingReview, null=True, blank=True, on_delete=models.CASCADE, related_name="notice"
    )
    calibration = models.OneToOneField(
        CalibrationRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="notice"
    )
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            *lease_constraints("coaching_notice"),
            models.CheckConstraint(
                condition=Q(kind="review", review__isnull=False, calibration__isnull=True)
                | Q(kind="calibration", calibration__isnull=False, review__isnull=True),
                name="coaching_notice_about_one_thing",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="coaching_notice_pending_idx"),
            models.Index(
                fields=["lease_expires_at"], condition=Q(status="claimed"), name="coaching_notice_claimed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (notice {self.pk})"
