"""Everything CareDesk emails later, one small module per kind, over one lease loop (`common.leases`).

- `step_reminders`: a step due soon or overdue, the follow-up due (to the owner, or the managers
  if the owner left); `escalation`: a step still overdue past the grace (to every manager);
  `acknowledgement` and `survey`: to the customer (`customer` holds what they share);
  `handover`: "handed to you" / "escalated to you" (to the new owner); `inbox`: a complaint nobody has
  taken yet (to the front line); `customer_wrote`: the customer wrote (to the owner). Each is a
  `base.Notice`.
- `sending`: the one loop for `Reminder` rows (claim, deliver, give up) that asks the row's kind.
- `digest`: the managers' daily digest's part of the loop (its content stays in `recovery.digest`).

What is owed, and when, is decided elsewhere (`recovery.reminders`, `recovery.digest`); the tasks
in `recovery.tasks` are thin wrappers. A new kind of complaint email is a new module here, plus its
scheduling; another app's emails (training reminders) have their own rows over `common.leases`.
"""
