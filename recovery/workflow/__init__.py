"""Every change to a complaint, one function each.

Each function runs in one transaction, locks the complaint row, checks who
may act and whether the order of the five steps allows it, writes the change
and exactly one ComplaintEvent, and raises WorkflowError with a message a
person can read when it refuses. Nothing else sets a complaint's stage.

Functions that change the complaint's state accept `expected_version`: the
version the user's form was built from. A different version means someone
else acted first, and the call is refused with StaleComplaintError instead of
acting on a state the user never saw.

Callers import from `recovery.workflow`; the modules behind it, by concept:

- `base`: WorkflowError and StaleComplaintError, the row lock (`_lock`), the
  one gate every change passes (`_require`, which enforces
  `recovery.permissions.allowed_actions`), writing the change and its event
  (`_save`, `_record`), and the checks of typed text, numbers and colleagues.
- `timing`: when a step falls due (`_time_step`, from the severity's policy)
  and when something happened (`_when`, allowing for `CLOCK_SKEW`).
- `order`: the order of the five steps, and recording one step (done or not
  needed) that moves the complaint on (`_complete_step`).
- `log`: logging a new complaint; receiving one the customer filed themselves (into the inbox).
- `steps`: the five steps (apologize, reinstate, empathize, atone, follow up)
  and skipping one.
- `people`: taking a complaint from the inbox, reassigning, handing over a colleague's complaints,
  escalating.
- `details`: notes, what the customer wrote later, editing the details, the customer emails switch.
- `closing`: closing and reopening.
"""

from recovery.workflow.base import NOT_FOUND, StaleComplaintError, WorkflowError
from recovery.workflow.closing import complaint_close, complaint_reopen
from recovery.workflow.details import (
    EDITABLE_FIELDS,
    complaint_add_note,
    complaint_customer_wrote,
    complaint_edit,
    complaint_set_customer_emails,
)
from recovery.workflow.log import SELF_SERVICE_CHANNELS, complaint_log, complaint_receive
from recovery.workflow.people import complaint_assign, complaint_escalate, complaint_take, complaints_hand_over
from recovery.workflow.steps import (
    ATONEMENT_LIMIT,
    AboveEmpowermentLimitError,
    complaint_apologize,
    complaint_atone,
    complaint_empathize,
    complaint_follow_up,
    complaint_reinstate,
    complaint_skip_step,
)
from recovery.workflow.timing import CLOCK_SKEW

__all__ = [
    "ATONEMENT_LIMIT",
    "CLOCK_SKEW",
    "EDITABLE_FIELDS",
    "NOT_FOUND",
    "SELF_SERVICE_CHANNELS",
    "AboveEmpowermentLimitError",
    "StaleComplaintError",
    "WorkflowError",
    "complaint_add_note",
    "complaint_apologize",
    "complaint_assign",
    "complaint_atone",
    "complaint_close",
    "complaint_customer_wrote",
    "complaint_edit",
    "complaint_empathize",
    "complaint_escalate",
    "complaint_follow_up",
    "complaint_log",
    "complaint_receive",
    "complaint_reinstate",
    "complaint_reopen",
    "complaint_set_customer_emails",
    "complaint_skip_step",
    "complaint_take",
    "complaints_hand_over",
]
