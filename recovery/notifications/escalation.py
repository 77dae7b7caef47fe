"""The automatic escalation: a step still overdue past the policy's grace, emailed to every manager.

It names no one in advance: the managers are read when it is sent and get one message addressed to
them all. Its being sent marks the complaint escalated on the timeline (`auto_escalated`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.utils import timezone

from common.people import display_name
from recovery.models import ComplaintEvent, EventKind, Reminder, ReminderKind, Stage
from recovery.notifications.base import Notice, manager_addresses, reference

WHY_MANAGERS = "You get this because you are a manager and complaint {reference} is still overdue."


class Escalation(Notice):
    kinds: ClassVar[tuple[ReminderKind, ...]] = (ReminderKind.ESCALATION,)
    template: ClassVar[str] = "emails/escalation"

    def addresses(self, reminder: Reminder) -> list[str]:
        return manager_addresses()

    def no_address_error(self, reminder: Reminder) -> str:
        return "No manager has an email address."

    def failed_to(self, reminder: Reminder) -> str | None:
        return "the managers"

    def what(self, reminder: Reminder, *, now: datetime) -> str:
        return f"{Stage(reminder.step).label} is still overdue, escalated to managers"

    def why(self, reminder: Reminder) -> str:
        return WHY_MANAGERS.format(reference=reference(reminder), owner=display_name(reminder.recipient))

    def context(self, reminder: Reminder, *, now: datetime) -> dict[str, Any]:
        complaint = reminder.complaint
        return {
            "step_due_at": timezone.localtime(complaint.step_due_at) if complaint.step_due_at else None,
            "owner_inactive": complaint.owner is not None and not complaint.owner.is_active,
        }

    def record_sent(self, reminder: Reminder, *, to: str, now: datetime) -> None:
        """Mark the complaint escalated on its timeline; written with the escalation's final state, so once."""
        complaint = reminder.complaint
        ComplaintEvent.objects.create(
            complaint=complaint,
            actor=None,
            kind=EventKind.AUTO_ESCALATED,
            created_at=timezone.now(),
            stage_before=complaint.stage,
            stage_after=complaint.stage,
            payload={"reminder_id": reminder.pk, "step": reminder.step, "round": reminder.round, "to": to},
        )


NOTICE = Escalation()
