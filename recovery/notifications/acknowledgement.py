"""The customer's acknowledgement: "we have your complaint", and when they will hear from us next."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.utils import dateformat, timezone

from recovery.models import Complaint, Reminder, ReminderKind, Stage
from recovery.notifications.customer import CustomerEmail, status_link


def next_contact(complaint: Complaint, *, now: datetime) -> str:
    """Say when the customer hears from us next, never promising a time that has already passed.

    The one wording of that promise: the acknowledgement email and the page after the public form
    (`intake`) both say it.

    The apology's due time is the promise while it is ahead; once it has passed (a letter logged days
    after it arrived, or a worker that was down) the email says "as soon as possible" instead, and
    once the apology was made it promises no time at all.
    """
    if complaint.apologized_at is not None:
        return "the person looking after your complaint will stay in touch with you"
    due = complaint.step_due_at if complaint.stage == Stage.APOLOGIZE else None
    if due is None or due <= now:
        return "the person looking after your complaint will be in touch as soon as possible"
    local = timezone.localtime(due)
    if local.date() == timezone.localdate(now):
        when = f"by {dateformat.format(local, 'H:i')} today"
    else:
        when = f"by {dateformat.format(local, 'j F Y, H:i')}"
    return f"the person looking after your complaint will be in touch {when}"


class Acknowledgement(CustomerEmail):
    kinds: ClassVar[tuple[ReminderKind, ...]] = (ReminderKind.ACKNOWLEDGEMENT,)
    template: ClassVar[str] = "emails/acknowledgement"

    def what(self, reminder: Reminder, *, now: datetime) -> str:
        return "we have your complaint"

    def context(self, reminder: Reminder, *, now: datetime) -> dict[str, Any]:
        complaint = reminder.complaint
        return {
            "customer_name": complaint.customer.name,
            "next_contact": next_contact(complaint, now=now),
            # The signed link to the customer's status page (intake registers it); "" when none is.
            "status_url": status_link(complaint),
        }


NOTICE = Acknowledgement()
