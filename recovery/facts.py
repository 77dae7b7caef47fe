"""Per-complaint facts about its recorded steps, kept on the complaint row for reports.

The dashboard asks questions like "how long until the apology?" and "was each step on time?" of a
hundred thousand complaints at once. Joining every complaint to its steps for that costs a scan of
all steps; reading a few columns of the complaint row is a range scan by date. So the workflow
records these facts on the complaint in the same transaction as the step (`record_step`), and
`refresh_all` recomputes them from the steps (the migration that added them, bulk-loaded data).

The first round's timing is what counts for speed and on-time rates (a reopened round is a second
attempt, measured by the reopen itself); minutes and atonement add up over every round.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from recovery.models import Complaint, RecoveryAction, Stage

ON_TIME_FIELDS: dict[str, str] = {
    Stage.APOLOGIZE: "apologize_on_time",
    Stage.REINSTATE: "reinstate_on_time",
    Stage.EMPATHIZE: "empathize_on_time",
    Stage.ATONE: "atone_on_time",
    Stage.FOLLOW_UP: "follow_up_on_time",
}


def record_step(complaint: Complaint, action: RecoveryAction) -> list[str]:
    """Fold a just-recorded step into the complaint's facts; return the fields that changed (to save)."""
    changed = []
    if action.minutes_spent:
        complaint.minutes_total += action.minutes_spent
        changed.append("minutes_total")
    if action.step == Stage.ATONE and not action.skipped and action.atonement_value:
        complaint.atonement_total = Decimal(complaint.atonement_total) + Decimal(action.atonement_value)
        changed.append("atonement_total")
    if action.round != 1 or action.skipped:
        return changed
    if action.step == Stage.APOLOGIZE:
        complaint.apologized_at = action.done_at
        changed.append("apologized_at")
    elif action.step == Stage.REINSTATE:
        complaint.reinstated_at = action.done_at
        changed.append("reinstated_at")
    if action.due_at is not None:
        field = ON_TIME_FIELDS[action.step]
        setattr(complaint, field, action.done_at <= action.due_at)
        changed.append(field)
    return changed


def _on_time(step: str) -> str:
    return (
        f"MAX(CASE WHEN a.round = 1 AND NOT a.skipped AND a.step = '{step}' AND a.due_at IS NOT NULL "
        f"THEN CASE WHEN a.done_at <= a.due_at THEN 1 ELSE 0 END END)"
    )


def refresh_all_sql() -> str:
    """Return one UPDATE … FROM (aggregate of the steps) that recomputes every complaint's facts.

    Plain SQL (the step names are our constants) that PostgreSQL and SQLite ≥ 3.33 both run; used by
    the migration that added the facts and by bulk loaders such as the benchmark's seed.
    """
    on_time = ",\n".join(f"  {field} = (f.{field} = 1)" for field in ON_TIME_FIELDS.values())
    selected = ",\n".join(f"    {_on_time(step)} AS {field}" for step, field in ON_TIME_FIELDS.items())
    # Built only from our own column and step names, never from input.
    return f"""
UPDATE recovery_complaint SET
  apologized_at = f.apologized_at,
  reinstated_at = f.reinstated_at,
  minutes_total = f.minutes_total,
  atonement_total = f.atonement_total,
{on_time}
FROM (
  SELECT a.complaint_id,
    MIN(CASE WHEN a.round = 1 AND a.step = 'apologize' THEN a.done_at END) AS apologized_at,
    MIN(CASE WHEN a.round = 1 AND a.step = 'reinstate' AND NOT a.skipped THEN a.done_at END) AS reinstated_at,
    COALESCE(SUM(a.minutes_spent), 0) AS minutes_total,
    COALESCE(SUM(CASE WHEN a.step = 'atone' AND NOT a.skipped THEN a.atonement_value END), 0) AS atonement_total,
{selected}
  FROM recovery_recoveryaction a
  GROUP BY a.complaint_id
) AS f
WHERE recovery_complaint.id = f.complaint_id
"""  # noqa: S608


def refresh_all() -> None:
    """Recompute every complaint's facts from its recorded steps."""
    with connection.cursor() as cursor:
        cursor.execute(refresh_all_sql())
