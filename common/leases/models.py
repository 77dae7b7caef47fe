"""The fields and database rules every leased row has (an abstract model; `common` is not an app)."""

from __future__ import annotations

from django.db import models

from common.leases.status import LeaseStatus


class LeasedEmail(models.Model):
    """An email owed once: claimed with a lease, `attempts` as the claim token (see common/leases)."""

    status = models.CharField(max_length=10, choices=LeaseStatus.choices, default=LeaseStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="Claims plus retries; also the claim token.")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


def lease_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The rules of a leased row: a claim has a lease, and it is sent exactly when it has a send time."""
    return [
        models.CheckConstraint(
            condition=~models.Q(status="claimed") | models.Q(lease_expires_at__isnull=False),
            name=f"{prefix}_claim_has_lease",
        ),
        models.CheckConstraint(
            condition=(models.Q(status="sent") & models.Q(sent_at__isnull=False))
            | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
            name=f"{prefix}_sent_iff_sent_at",
        ),
    ]
