"""The states of a leased row, named once for every kind of thing sent later."""

from __future__ import annotations

from django.db import models


class LeaseStatus(models.TextChoices):
    """Where a leased row is: owed, being sent, or finished (sent, given up, or no longer wanted)."""

    PENDING = "pending", "Pending"
    CLAIMED = "claimed", "Claimed"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# Not finished yet: owed (pending) or being sent (claimed). Cancelling or rescheduling touches only these.
ACTIVE = (LeaseStatus.PENDING, LeaseStatus.CLAIMED)
