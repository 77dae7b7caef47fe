"""The customer-service policy: numbered versions, each immutable once published, and who has read each.

The current policy is the latest version. A new version is published with `policy.services.policy_publish`,
never by changing an old one, so an acknowledgement always names the exact text someone read.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from common.validators import no_control_characters

TITLE_MAX = 200
BODY_MAX = 50_000
SUMMARY_MAX = 1_000
# An empowerment limit is an atonement value, so it fits where atonements are stored (10 digits, 2 decimals).
LIMIT_MAX = Decimal("99999999.99")


class PolicyVersion(models.Model):
    """One published version of the customer-service policy."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    title = models.CharField(max_length=TITLE_MAX, validators=[no_control_characters])
    body = models.TextField(help_text="Markdown.", validators=[MaxLengthValidator(BODY_MAX), no_control_characters])
    change_summary = models.TextField(
        "what changed", validators=[MaxLengthValidator(SUMMARY_MAX), no_control_characters]
    )
    empowerment_limit = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(LIMIT_MAX)],
        help_text="The atonement value a front-line person may give on their own.",
    )
    # Empty for the version CareDesk itself shipped (the first one).
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        permissions = [("publish_policy", "Can publish a new version of the service policy")]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="policy_version_number_positive"),
            models.CheckConstraint(condition=models.Q(empowerment_limit__gte=0), name="policy_limit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}: {self.title}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            # What someone acknowledged must stay what they read: a change is a new version.
            raise ValueError("A published policy version cannot be changed; publish a new version instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("policy:version", args=[self.number])


class PolicyAcknowledgement(models.Model):
    """Someone said they have read one version of the policy; kept when newer versions appear."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField()

    class Meta:
        ordering = ["acknowledged_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="policy_ack_once_per_version")]

    def __str__(self) -> str:
        return f"{self.user_id} read v{self.version_id}"
