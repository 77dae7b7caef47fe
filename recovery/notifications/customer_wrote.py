"""The owner's notice that the customer wrote (a reply by email, a message from the status page).

One per message (its timeline event). It stands down if the complaint has changed hands since: the new
owner finds the message on the timeline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from recovery.models import Reminder, ReminderKind
from recovery.notifications.base import Notice, reference

WHY_OWNER = "You get this because complaint {reference} is yours and its customer wrote."
VIA = {"email": "by email", "status_page": "on their status page"}


class CustomerWrote(Notice):
    kinds: ClassVar[tuple[ReminderKind, ...]] = (ReminderKind.CUSTOMER_WROTE,)
    template: ClassVar[str] = "emails/customer_wrote"

    def moot(self, reminder: Reminder, *, now: datetime) -> bool:
        recipient = reminder.recipient
        return recipient is None or not recipient.is_active or reminder.complaint.owner_id != recipient.pk

    def what(self, reminder: Reminder, *, now: datetime) -> str:
        return "the customer wrote"

    def why(self, reminder: Reminder) -> str:
        return WHY_OWNER.format(reference=reference(reminder))

    def context(self, reminder: Reminder, *, now: datetime) -> dict[str, Any]:
        payload = (
            reminder.event.payload if reminder.event is not None and isinstance(reminder.event.payload, dict) else {}
        )
        return {"message": str(payload.get("text", "")), "via": VIA.get(str(payload.get("via", "")), "")}


NOTICE = CustomerWrote()
