"""Complaints and their five-step recovery.

Nothing here changes a complaint's stage: that is the job of
`recovery.workflow`, which also writes the timeline. Rules that the database
can hold are constraints here, so no code path can break them.

Callers import from `recovery.models`; the modules behind it, by concept:

- `choices`: the words a complaint is described in (severity, channel, stage, outcome, atonement) and
  the limits of what people type.
- `reference`: the categories and the recovery policy (due times) per severity.
- `complaint`: the complaint, its reference and the due order its lists sort by.
- `history`: the recorded steps and the timeline.
- `emails`: what is owed to people later (reminders and notices, the survey, the managers' digest).
"""

from __future__ import annotations

from recovery.models.choices import (
    DESCRIPTION_MAX,
    MINUTES_MAX,
    NOTE_MAX,
    OPEN_STAGES,
    REASON_MAX,
    REMEDY_MAX,
    SKIPPABLE_STEPS,
    STEPS,
    SUMMARY_MAX,
    AtonementKind,
    Channel,
    Outcome,
    Severity,
    Stage,
    next_stage,
)
from recovery.models.complaint import (
    NO_DUE_TIME,
    Complaint,
    due_order,
    format_reference,
    parse_reference,
)
from recovery.models.emails import (
    NEW_OWNER_KINDS,
    NOTICE_KINDS,
    ROLE_ADDRESSED_KINDS,
    SURVEY_COMMENT_MAX,
    ManagerDigest,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Survey,
)
from recovery.models.history import (
    ComplaintEvent,
    EventKind,
    RecoveryAction,
)
from recovery.models.reference import (
    AT_LEAST_ONE,
    POLICY_CHANGE_RULE,
    STEP_ORDER_RULE,
    Category,
    RecoveryPolicy,
)

# The dashboard's roll-up lives in its own package; its models are registered with this app's.
from recovery.rollup.models import (
    DailyCauses,
    DailyFigures,
    DailyTimes,
    FiguresChange,
    RollupState,
    StaleMonth,
)

__all__ = [
    "AT_LEAST_ONE",
    "DESCRIPTION_MAX",
    "MINUTES_MAX",
    "NEW_OWNER_KINDS",
    "NOTE_MAX",
    "NOTICE_KINDS",
    "NO_DUE_TIME",
    "OPEN_STAGES",
    "POLICY_CHANGE_RULE",
    "REASON_MAX",
    "REMEDY_MAX",
    "ROLE_ADDRESSED_KINDS",
    "SKIPPABLE_STEPS",
    "STEPS",
    "STEP_ORDER_RULE",
    "SUMMARY_MAX",
    "SURVEY_COMMENT_MAX",
    "AtonementKind",
    "Category",
    "Channel",
    "Complaint",
    "ComplaintEvent",
    "DailyCauses",
    "DailyFigures",
    "DailyTimes",
    "EventKind",
    "FiguresChange",
    "ManagerDigest",
    "Outcome",
    "RecoveryAction",
    "RecoveryPolicy",
    "Reminder",
    "ReminderKind",
    "ReminderStatus",
    "RollupState",
    "Severity",
    "Stage",
    "StaleMonth",
    "Survey",
    "due_order",
    "format_reference",
    "next_stage",
    "parse_reference",
]
