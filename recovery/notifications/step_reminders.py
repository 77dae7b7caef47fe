"""Step reminders to the complaint's owner: a step due soon, a step overdue, the follow-up due today.

If the owner's account was switched off since, the managers get them instead, saying so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.utils import dateformat, timezone

from common.people import display_name
from recovery.models import Reminder, ReminderKind, Stage
from recovery.notifications.base import Notice, manager_addresses, reference

SUBJECTS = {
    ReminderKind.STEP_DUE_SOON: "{step} is due soon",
    ReminderKind.STEP_OVERDUE: "{step} is overdue",
    ReminderKind.FOLLOW_UP_DUE: "the follow-up is due today",
}
WHY_OWNER = "You get this because you own complaint {reference}."
WHY_OWNER_INACTIVE = (
    "You get this because you are a manager and {owner}, who owns complaint {reference}, is no longer active."
)


def owner_left(reminder: Reminder) -> bool:
    """Return True when the owner this reminder is for has had their account switched off since."""
    return bool(reminder.recipient is not None and not reminder.recipient.is_active)


def _follow_up_was_due(reminder: Reminder, *, now: datetime) -> datetime | None:
    """Return the follow-up's due time when its day is already over (the reminder is late), else None."""
    if reminder.kind != ReminderKind.FOLLOW_UP_DUE:
        return None
    due = timezone.localtime(reminder.due_at)
    return due if due.date() < timezone.localdate(now) else None


class StepReminder(Notice):
    kinds: ClassVar[tuple[ReminderKind, ...]] = tuple(SUBJECTS)

    def moot(self, reminder: Reminder, *, now: datetime) -> bool:
        # The worker was down past the due time: "due soon" would now be false; the overdue reminder says it.
        due = reminder.complaint.step_due_at
        return reminder.kind == ReminderKind.STEP_DUE_SOON and due is not None and due <= now

    def addresses(self, reminder: Reminder) -> list[str]:
        return manager_addresses() if owner_left(reminder) else super().addresses(reminder)

    def no_address_error(self, reminder: Reminder) -> str:
        return "No manager has an email address." if owner_left(reminder) else super().no_address_error(reminder)

    def failed_to(self, reminder: Reminder) -> str | None:
        return "the managers" if owner_left(reminder) else None

    def what(self, reminder: Reminder, *, now: datetime) -> str:
        what = SUBJECTS[ReminderKind(reminder.kind)].format(step=Stage(reminder.step).label)
        was_due = _follow_up_was_due(reminder, now=now)
        if was_due is not None:
            what = f"the follow-up was due on {dateformat.format(was_due, 'D j M')}"
        return what + " (its owner is inactive)" if owner_left(reminder) else what

    def why(self, reminder: Reminder) -> str:
        why = WHY_OWNER_INACTIVE if owner_left(reminder) else WHY_OWNER
        return why.format(reference=reference(reminder), owner=display_name(reminder.recipient))

    def context(self, reminder: Reminder, *, now: datetime) -> dict[str, Any]:
        left = owner_left(reminder)
        return {
            # Managers standing in for an owner who left are greeted as a group.
            "recipient_name": "" if left else display_name(reminder.recipient),
            "owner_inactive": left,
            "follow_up_was_due": _follow_up_was_due(reminder, now=now),
        }


NOTICE = StepReminder()
