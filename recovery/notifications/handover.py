"""Hand-over notices: "handed to you" (reassigned) and "escalated to you", to the complaint's new owner.

One per hand-over event; at send time it stands down if the complaint has changed hands again or the
new owner's account was switched off (the later hand-over owes its own notice).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.utils import timezone

from common.people import display_name
from recovery.models import NEW_OWNER_KINDS, Reminder, ReminderKind
from recovery.notifications.base import Notice, reference

SUBJECTS = {ReminderKind.ASSIGNED: "handed to you", ReminderKind.ESCALATED: "escalated to you"}
WHY_NOTICE = {
    ReminderKind.ASSIGNED: "You get this because complaint {reference} was handed to you.",
    ReminderKind.ESCALATED: "You get this because complaint {reference} was escalated to you.",
}


class HandOverNotice(Notice):
    kinds: ClassVar[tuple[ReminderKind, ...]] = NEW_OWNER_KINDS
    template: ClassVar[str] = "emails/new_owner"

    def moot(self, reminder: Reminder, *, now: datetime) -> bool:
        recipient = reminder.recipient
        still_theirs = recipient is not None and recipient.is_active and reminder.complaint.owner_id == recipient.pk
        return not still_theirs

    def what(self, reminder: Reminder, *, now: datetime) -> str:
        return SUBJECTS[ReminderKind(reminder.kind)]

    def why(self, reminder: Reminder) -> str:
        return WHY_NOTICE[ReminderKind(reminder.kind)].format(
            reference=reference(reminder), owner=display_name(reminder.recipient)
        )

    def context(self, reminder: Reminder, *, now: datetime) -> dict[str, Any]:
        if reminder.event is None:
            return {}
        complaint = reminder.complaint
        payload = reminder.event.payload if isinstance(reminder.event.payload, dict) else {}
        actor = reminder.event.actor
        return {
            "actor_name": display_name(actor) if actor else "CareDesk",
            "previous_owner": str(payload.get("from", "")),
            "reason": str(payload.get("reason", "")),
            "stage_label": complaint.get_stage_display(),
            "step_due_at": timezone.localtime(complaint.step_due_at) if complaint.step_due_at else None,
        }


NOTICE = HandOverNotice()
