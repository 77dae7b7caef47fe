"""A complaint's timeline in plain words: how each `ComplaintEvent` is told, in one place.

`describe(event, actions)` returns a `TimelineEntry`: the sentence ("Alice Archer recorded the
atonement · Voucher, worth £25.00"), kept apart from what people typed (the note, the customer's
comment) so templates can escape and style it. The complaint page shows the entries as its timeline;
the admin shows `entry.as_line()` for each event and `describe_action` for each recorded step; emails
and the API that tell what happened use the same functions, so a change of wording happens once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateformat import format as date_format

from common.money import format_money
from common.people import display_name
from recovery.models import (
    AtonementKind,
    Channel,
    ComplaintEvent,
    EventKind,
    Outcome,
    RecoveryAction,
    Severity,
    Stage,
)

STEP_DONE_WORDS = {
    Stage.APOLOGIZE: "recorded the apology",
    Stage.REINSTATE: "recorded what was fixed",
    Stage.EMPATHIZE: "acknowledged the customer’s frustration",
    Stage.ATONE: "recorded the atonement",
    Stage.FOLLOW_UP: "recorded the follow-up",
}

EDIT_LABELS = {
    "summary": "Summary",
    "description": "Description",
    "desired_remedy": "Remedy wanted",
    "category": "Category",
    "severity": "Severity",
    "channel": "Channel",
    "root_cause": "Root cause",
    "corrective_action": "Corrective action",
    "customer_emails_enabled": "Email the customer",
    "step_due_at": "Current step due",
}
CHOICE_LABELS: dict[str, Mapping[str, str]] = {
    "severity": dict(Severity.choices),
    "channel": dict(Channel.choices),
    "customer_emails_enabled": {"True": "On", "False": "Off"},
}

# A step recorded as having happened this much before or after it was entered says so on the timeline.
BACKDATED = timedelta(minutes=5)


def _actor_name(user: Any) -> str:
    # An event without an actor was written by CareDesk itself (a reminder sent, an automatic escalation).
    return display_name(user) if user is not None else "CareDesk"


def step_label(value: Any) -> str:
    """Return a step's label ("Apologize") from its stored value, or the value itself if it is no step."""
    return Stage(value).label if value in Stage.values else str(value)


@dataclass
class TimelineEntry:
    """One event in plain words. Every string here is shown escaped; `detail` is text someone typed."""

    event: ComplaintEvent
    text: str
    detail: str = ""
    comment: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    happened_at: Any = None

    def as_line(self) -> str:
        """Return the entry as one line of plain text, with what the page shows under the sentence."""
        extra = []
        if self.detail:
            extra.append(self.detail)
        if self.comment:
            extra.append(f"Customer: “{self.comment}”")
        extra += [f"{label}: {old or '(empty)'} → {new or '(empty)'}" for label, old, new in self.changes]
        if self.happened_at is not None:
            extra.append(f"happened {date_format(timezone.localtime(self.happened_at), 'j M Y, H:i')}")
        if not extra:
            return self.text
        return f"{self.text}{' ' if self.text.endswith(':') else ': '}{'; '.join(extra)}"


def describe(event: ComplaintEvent, actions: Mapping[int, RecoveryAction]) -> TimelineEntry:
    """Return the event as a sentence a person reads, with the text people typed kept apart."""
    actor = _actor_name(event.actor)
    payload = event.payload if isinstance(event.payload, dict) else {}
    kind = event.kind
    if kind == EventKind.LOGGED:
        if event.actor is None and payload.get("via"):
            how = CUSTOMER_CHANNEL_WORDS.get(str(payload.get("via")), "themselves")
            suggested = payload.get("suggested")
            text = f"The customer sent the complaint {how}; it waited in the inbox"
            if isinstance(suggested, dict) and suggested.get("category"):
                severity = str(CHOICE_LABELS["severity"].get(str(suggested.get("severity")), "")).lower()
                text += f". Suggested: {suggested['category']}, {severity} ({suggested.get('basis', '')})"
            return TimelineEntry(event, text)
        owner = str(payload.get("owner", ""))
        text = f"{actor} logged the complaint"
        return TimelineEntry(event, f"{text} and gave it to {owner}" if owner and owner != actor else text)
    if kind == EventKind.TAKEN:
        after = str(payload.get("to", ""))
        text = f"{actor} took the complaint from the inbox" if after == actor else f"{actor} gave it to {after}"
        corrected = payload.get("corrected")
        assessed: list[tuple[str, str, str]] = [
            (EDIT_LABELS.get(name, str(name)), str([*values, ""][0]), str([*values, "", ""][1]))
            for name, values in (corrected.items() if isinstance(corrected, dict) else ())
            if isinstance(values, list)
        ]
        return TimelineEntry(event, text, changes=assessed)
    if kind == EventKind.CUSTOMER_WROTE:
        how = {"email": "by email", "status_page": "on their status page"}.get(str(payload.get("via", "")), "")
        attachments = payload.get("attachments")
        listed = (
            "; attachments not stored: "
            + ", ".join(
                f"{a.get('name', '?')} ({a.get('size', '?')} bytes)" for a in attachments if isinstance(a, dict)
            )
            if isinstance(attachments, list) and attachments
            else ""
        )
        return TimelineEntry(
            event, f"The customer wrote {how}{listed}:".replace(" :", ":"), str(payload.get("text", ""))
        )
    if kind in (EventKind.STEP_DONE, EventKind.STEP_SKIPPED):
        return _describe_step(event, actor, payload, actions)
    if kind == EventKind.ASSIGNED:
        before, after = str(payload.get("from", "")), str(payload.get("to", ""))
        if before and before != actor:
            text = f"{actor} reassigned the complaint from {before} to {after}"
        else:
            text = f"{actor} handed the complaint to {after}"
        if payload.get("handover"):
            text += f", with all of {before or 'their'}’s open complaints"
        ended = payload.get("escalation_ended")
        if isinstance(ended, dict):
            text += f", which ended its escalation to {ended.get('to', 'a manager')}"
        return TimelineEntry(event, text)
    if kind == EventKind.ESCALATED:
        return TimelineEntry(
            event, f"{actor} escalated to {payload.get('to', 'a manager')}:", str(payload.get("reason", ""))
        )
    if kind == EventKind.NOTE:
        return TimelineEntry(event, f"{actor} added a note:", str(payload.get("text", "")))
    if kind == EventKind.EDITED:
        changes = payload.get("changes", {})
        rows: list[tuple[str, str, str]] = []
        for name, values in changes.items() if isinstance(changes, dict) else ():
            old, new = (str(v) for v in [*values, "", ""][:2]) if isinstance(values, list) else ("", str(values))
            labels = CHOICE_LABELS.get(name, {})
            rows.append((EDIT_LABELS.get(name, str(name)), labels.get(old, old), labels.get(new, new)))
        return TimelineEntry(event, f"{actor} edited the details", changes=rows)
    if kind == EventKind.CLOSED:
        outcomes = {Outcome.RETAINED.value: "the customer stayed", Outcome.LOST.value: "the customer was lost"}
        result = outcomes.get(str(payload.get("outcome", "")), "")
        return TimelineEntry(event, f"{actor} closed the complaint" + (f": {result}" if result else ""))
    if kind == EventKind.REOPENED:
        step = step_label(payload.get("to_step", ""))
        return TimelineEntry(
            event,
            f"{actor} reopened the complaint at “{step}” (round {payload.get('round', '?')}):",
            str(payload.get("reason", "")),
        )
    if kind in (EventKind.REMINDER_SENT, EventKind.REMINDER_FAILED):
        return _describe_reminder(event, payload)
    if kind == EventKind.SURVEY_ANSWERED:
        come_back = "would come back" if payload.get("would_return") else "would not come back"
        return TimelineEntry(
            event,
            f"The customer answered the follow-up survey: satisfaction {payload.get('satisfaction', '?')} of 5, "
            f"{come_back}",
            comment=str(payload.get("comment", "")),
        )
    if kind == EventKind.DATA_EXPORTED:
        return TimelineEntry(event, f"{actor} downloaded the customer’s personal data")
    if kind == EventKind.DATA_ERASED:
        return TimelineEntry(
            event, f"{actor} erased the customer’s personal data (the reason is on the customer’s page)"
        )
    return TimelineEntry(event, f"{actor}: {event.get_kind_display()}")


# How a complaint the customer filed themselves reached us, as the timeline tells it.
CUSTOMER_CHANNEL_WORDS = {"web": "with the complaint form on our website", "email": "by email"}

REMINDER_WORDS = {
    "step_due_soon": "“{step}” is due soon",
    "step_overdue": "“{step}” is overdue",
    "follow_up_due": "the follow-up is due",
    "escalation": "“{step}” is still overdue and escalated it",
    "acknowledgement": "we have their complaint and what happens next",
    "inbox_unowned": "“{step}” is waiting in the inbox and nobody has taken it",
}
# Emails telling a new owner the complaint is now theirs.
NOTICE_WORDS = {
    "assigned": "the complaint is now theirs",
    "escalated": "the complaint was escalated to them",
    "customer_wrote": "the customer wrote",
}
# Emails to the customer are not reminders to them: the timeline says what was sent.
CUSTOMER_EMAIL_WORDS = {
    "acknowledgement": "the acknowledgement (reference and what happens next)",
    "customer_survey": "the follow-up survey",
}


def _describe_reminder(event: ComplaintEvent, payload: dict[str, Any]) -> TimelineEntry:
    """Describe a reminder CareDesk emailed (or failed to), naming the address it went to."""
    about = REMINDER_WORDS.get(str(payload.get("reminder", "")), "a reminder").format(
        step=step_label(payload.get("step", ""))
    )
    to = str(payload.get("to", "")) or "the owner"
    email = CUSTOMER_EMAIL_WORDS.get(str(payload.get("reminder", "")))
    if email is not None:
        if event.kind == EventKind.REMINDER_SENT:
            return TimelineEntry(event, f"CareDesk emailed the customer {email} at {to}")
        return TimelineEntry(
            event, f"CareDesk could not email the customer {email} at {to}:", str(payload.get("error", ""))
        )
    notice = NOTICE_WORDS.get(str(payload.get("reminder", "")))
    if notice is not None:
        if event.kind == EventKind.REMINDER_SENT:
            return TimelineEntry(event, f"CareDesk told {to} that {notice}")
        return TimelineEntry(event, f"CareDesk could not tell {to} that {notice}:", str(payload.get("error", "")))
    if event.kind == EventKind.REMINDER_SENT:
        return TimelineEntry(event, f"CareDesk reminded {to} that {about}")
    return TimelineEntry(
        event, f"CareDesk could not send the reminder that {about} to {to}:", str(payload.get("error", ""))
    )


def _describe_step(
    event: ComplaintEvent, actor: str, payload: dict[str, Any], actions: Mapping[int, RecoveryAction]
) -> TimelineEntry:
    step = payload.get("step", "")
    action_id = payload.get("action_id")
    action = actions.get(action_id) if isinstance(action_id, int) else None
    if event.kind == EventKind.STEP_SKIPPED:
        return TimelineEntry(
            event, f"{actor} marked “{step_label(step)}” as not needed:", str(payload.get("reason", ""))
        )
    text = f"{actor} {STEP_DONE_WORDS.get(step, 'recorded ' + step_label(step))}"
    entry = TimelineEntry(event, text)
    if action is None:
        return entry
    entry.text = " · ".join([text, *action_facts(action)])
    entry.detail = action.note
    entry.comment = action.customer_comment
    if abs(action.done_at - event.created_at) > BACKDATED:
        entry.happened_at = action.done_at
    return entry


def action_facts(action: RecoveryAction) -> list[str]:
    """Return what a recorded step holds besides its note: the atonement, the follow-up's answers, the minutes."""
    facts = []
    if action.step == Stage.ATONE and action.atonement_kind:
        kind = AtonementKind(action.atonement_kind).label
        value = action.atonement_value
        facts.append(f"{kind}, worth {format_money(value)}" if value is not None else kind)
    if action.step == Stage.FOLLOW_UP and action.satisfaction is not None:
        stayed = "stayed" if action.retained else "was lost"
        facts.append(f"satisfaction {action.satisfaction} of 5, the customer {stayed}")
    if action.minutes_spent:
        facts.append(f"{action.minutes_spent} min")
    return facts


def describe_action(action: RecoveryAction) -> str:
    """Return one line saying what was done in a recorded step, in the timeline's words (for the admin)."""
    if action.skipped:
        return f"Not needed: {action.skip_reason}"
    facts = action_facts(action)
    parts = [" · ".join(facts)] if facts else []
    if action.note:
        parts.append(action.note)
    if action.customer_comment:
        parts.append(f"Customer: “{action.customer_comment}”")
    return " ".join(parts)


def actions_of(events: Iterable[ComplaintEvent]) -> dict[int, RecoveryAction]:
    """Return, in one query, the recorded steps the events name, by id (what `describe` needs for a step)."""
    ids = [
        event.payload["action_id"]
        for event in events
        if isinstance(event.payload, dict) and isinstance(event.payload.get("action_id"), int)
    ]
    return RecoveryAction.objects.in_bulk(ids) if ids else {}
