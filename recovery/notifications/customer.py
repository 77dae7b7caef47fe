"""What the emails to the customer share: the address read when sent, the consent re-checked then."""

from __future__ import annotations

from datetime import datetime

from common.people import display_name
from recovery.models import Reminder
from recovery.notifications.base import Notice, reference
from recovery.reminders import customer_may_be_emailed

WHY_CUSTOMER = "You get this because you agreed that we may contact you about your complaint {reference}."


class CustomerEmail(Notice):
    def moot(self, reminder: Reminder, *, now: datetime) -> bool:
        # Consent withdrawn, address removed or emails switched off since it was scheduled.
        return not customer_may_be_emailed(reminder.complaint)

    def addresses(self, reminder: Reminder) -> list[str]:
        email = reminder.complaint.customer.email
        return [email] if email else []

    def why(self, reminder: Reminder) -> str:
        return WHY_CUSTOMER.format(reference=reference(reminder), owner=display_name(reminder.recipient))
