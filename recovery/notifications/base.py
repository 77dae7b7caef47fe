"""What every kind of email owed from a `Reminder` row says about itself: the `Notice` interface.

A kind module (step_reminders, escalation, acknowledgement, survey, handover) holds one `Notice`
naming its kinds, who gets it, whether it became moot, its subject, its "why" line, its template and
its extra context. The sending loop (`recovery.notifications.sending`) is the same for all of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from accounts import roles
from recovery.models import Reminder, ReminderKind, format_reference


def manager_addresses() -> list[str]:
    """Return every manager's address, read now (escalations and stand-ins for an owner who left)."""
    emails = roles.managers().exclude(email="").values_list("email", flat=True)
    return sorted({str(e) for e in emails})


class Notice:
    """One kind (or a few alike) of reminder email; override what differs from these defaults."""

    kinds: ClassVar[tuple[ReminderKind, ...]] = ()
    # templates/<template>.txt and .html, extending templates/emails/base.*
    template: ClassVar[str] = "emails/reminder"

    def moot(self, reminder: Reminder, *, now: datetime) -> bool:
        """Return True when the email no longer makes sense: it is cancelled instead of sent."""
        return False

    def addresses(self, reminder: Reminder) -> list[str]:
        """Return where it goes, read from the database now."""
        return [reminder.recipient_email] if reminder.recipient_email else []

    def no_address_error(self, reminder: Reminder) -> str:
        return "The recipient has no email address."

    def failed_to(self, reminder: Reminder) -> str | None:
        """How the timeline names whom a failed email was for (None: the row's address)."""
        return None

    def what(self, reminder: Reminder, *, now: datetime) -> str:
        """What the subject says after "Complaint C-000123: ", from safe fields only (labels, dates)."""
        raise NotImplementedError

    def why(self, reminder: Reminder) -> str:
        """The one line saying why the reader gets it."""
        raise NotImplementedError

    def context(self, reminder: Reminder, *, now: datetime) -> dict[str, Any]:
        """What the template needs beyond the context every reminder email has."""
        return {}

    def record_sent(self, reminder: Reminder, *, to: str, now: datetime) -> None:
        """Write what else its being sent means, in the transaction that marks it sent."""


def reference(reminder: Reminder) -> str:
    return format_reference(reminder.complaint_id)
