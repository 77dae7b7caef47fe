"""The admin for complaints and everything recorded about them: for the administrator, not for staff.

Managers keep the reference data here (categories; recovery policies' targets). Everything else is
`SuperusersOnly`: complaints, their recorded steps and timeline events, and what CareDesk sends
(reminders and notices, surveys, managers' digests) are where an administrator looks into and
corrects the record; staff work on the screens. The staff accounts' page is `recovery/staff_admin.py`.

The admin never changes a complaint's workflow state itself. Adding a complaint calls
`workflow.complaint_log`, changing one calls `workflow.complaint_edit` with only the editable
details, and every workflow field (stage, due time, round, escalation, outcome …) is read-only; the
workflow's refusals are shown next to the field they concern. Events and recorded steps are told in
the complaint page's words (`recovery.timeline`). Failed reminders can be sent again (an action that
re-queues them through `recovery.reminders`); nothing here is deleted: it is the audit trail.

The pages, by concept:

- `complaints`: the complaints themselves, added and changed through the workflow.
- `audit`: the recorded steps and timeline events, read-only, as pages of their own and as the
  complaint page's inlines.
- `emails`: reminders and notices, surveys and managers' digests, read-only (failed reminders can be
  sent again).
- `reference`: categories and recovery policies, which managers keep.
- `base`: what the read-only pages share (the complaint reference shown and searched, no adding or
  changing).
"""

from recovery import staff_admin as staff_admin  # registers the staff accounts' page
from recovery.admin.audit import ComplaintEventAdmin, RecoveryActionAdmin
from recovery.admin.complaints import ComplaintAdmin
from recovery.admin.emails import ManagerDigestAdmin, ReminderAdmin, SurveyAdmin
from recovery.admin.reference import CategoryAdmin, RecoveryPolicyAdmin

__all__ = [
    "CategoryAdmin",
    "ComplaintAdmin",
    "ComplaintEventAdmin",
    "ManagerDigestAdmin",
    "RecoveryActionAdmin",
    "RecoveryPolicyAdmin",
    "ReminderAdmin",
    "SurveyAdmin",
]
