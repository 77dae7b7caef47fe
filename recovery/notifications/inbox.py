"""The inbox alert: a complaint a customer filed themselves has waited too long with nobody taking it.

Addressed when sent, like an escalation: to INBOX_ALERT_EMAIL when set (a shared mailbox), else to every
front-line colleague then. It stands down once someone has taken the complaint.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.utils import timezone

from accounts import roles
from common.urls import absolute_url
from recovery.models import Reminder, ReminderKind
from recovery.notifications.base import Notice, reference

WHY_FRONT_LINE = "You get this because you work complaints and {reference} is still waiting in the inbox."


def front_line_addresses() -> list[str]:
    """Return where inbox alerts go: the configured address, else every front-line colleague's, read now."""
    if settings.INBOX_ALERT_EMAIL:
        return [settings.INBOX_ALERT_EMAIL]
    emails = roles.handlers().exclude(email="").values_list("email", flat=True)
    return sorted({str(e) for e in emails})


class InboxUnowned(Notice):
    kinds: ClassVar[tuple[ReminderKind, ...]] = (ReminderKind.INBOX_UNOWNED,)
    template: ClassVar[str] = "emails/inbox_unowned"

    def moot(self, reminder: Reminder, *, now: datetime) -> bool:
        return reminder.complaint.owner_id is not None or not reminder.complaint.is_open

    def addresses(self, reminder: Reminder) -> list[str]:
        return front_line_addresses()

    def no_address_error(self, reminder: Reminder) -> str:
        return "Nobody on the front line has an email address, and INBOX_ALERT_EMAIL is not set."

    def failed_to(self, reminder: Reminder) -> str | None:
        return "the front line"

    def what(self, reminder: Reminder, *, now: datetime) -> str:
        return "still in the inbox, nobody has taken it"

    def why(self, reminder: Reminder) -> str:
        return WHY_FRONT_LINE.format(reference=reference(reminder))

    def context(self, reminder: Reminder, *, now: datetime) -> dict[str, Any]:
        complaint = reminder.complaint
        return {
            "received_at": timezone.localtime(complaint.received_at),
            "step_due_at": timezone.localtime(complaint.step_due_at) if complaint.step_due_at else None,
            # The inbox is intake's page; recovery names it by URL only, never by import.
            "inbox_url": absolute_url("intake:inbox"),
        }


NOTICE = InboxUnowned()
