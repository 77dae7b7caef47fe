"""What intake keeps of its own: the emails it has read, the customers' status links, refused submissions.

The complaints themselves are `recovery.Complaint` rows (channel web or email, no owner until taken);
these rows only make the intake safe to repeat and to audit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

MESSAGE_ID_MAX = 998  # RFC 5322's line limit; longer ones are hashed (intake/mail.py)


class InboundOutcome(models.TextChoices):
    COMPLAINT = "complaint", "New complaint"
    REPLY = "reply", "Added to a complaint"
    IGNORED = "ignored", "Ignored (auto-reply, bounce, list or our own)"
    UNREADABLE = "unreadable", "Not readable (left for a person)"


class InboundEmail(models.Model):
    """One message read from the intake mailbox, by its Message-ID: read once, whatever happens after.

    Written in the same transaction as the complaint or timeline line it became, so a crash before the
    commit leaves nothing (the message is read again) and a crash after it leaves this row (the message
    is recognised and only marked on the server). It keeps no address or text: those are the complaint's.
    """

    message_id = models.CharField(max_length=MESSAGE_ID_MAX, unique=True)
    outcome = models.CharField(max_length=12, choices=InboundOutcome.choices)
    complaint = models.ForeignKey(
        "recovery.Complaint", null=True, blank=True, on_delete=models.CASCADE, related_name="inbound_emails"
    )
    reason = models.CharField(max_length=200, blank=True, help_text="Why it was ignored or not read.")
    size = models.PositiveIntegerField(default=0, help_text="The message's size in bytes.")
    read_at = models.DateTimeField()

    class Meta:
        ordering = ["-read_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(outcome__in=InboundOutcome.values), name="inbound_outcome_valid"),
            models.CheckConstraint(
                condition=~models.Q(outcome__in=["complaint", "reply"]) | models.Q(complaint__isnull=False),
                name="inbound_complaint_when_filed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.get_outcome_display()})"


class StatusLink(models.Model):
    """The link a customer follows to see where their complaint stands; a signed token names this row.

    Revoking it (a manager, when a link was forwarded to the wrong person) makes every token for it show
    the "no longer works" page; a new link can be issued afterwards.
    """

    complaint = models.ForeignKey("recovery.Complaint", on_delete=models.CASCADE, related_name="status_links")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One link in force per complaint at a time.
            models.UniqueConstraint(
                fields=["complaint"], condition=models.Q(revoked_at__isnull=True), name="status_link_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"Status link {self.pk} ({'revoked' if self.revoked_at else 'active'})"


class RefusalReason(models.TextChoices):
    RATE_LIMITED = "rate_limited", "Too many submissions from one address"
    HONEYPOT = "honeypot", "The hidden field was filled in"
    TOO_FAST = "too_fast", "Sent faster than a person types"
    TOO_LARGE = "too_large", "Too large"


class RefusedSubmission(models.Model):
    """How many public-form submissions were refused as spam or abuse, per day and reason (never their text)."""

    day = models.DateField()
    reason = models.CharField(max_length=20, choices=RefusalReason.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "reason"]
        constraints = [
            models.UniqueConstraint(fields=["day", "reason"], name="refused_submission_one_per_day_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.day:%Y-%m-%d}: {self.count}"
