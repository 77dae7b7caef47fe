"""Per-complaint facts about the recorded steps, for reports (see recovery/facts.py)."""

from decimal import Decimal
from django.db import migrations, models

# The facts as of the steps already recorded: recovery.facts.refresh_all_sql() as it stood when the
# facts were added (frozen here, so a later change there cannot change what this migration does).
BACKFILL = """UPDATE recovery_complaint SET
  apologized_at = f.apologized_at,
  reinstated_at = f.reinstated_at,
  minutes_total = f.minutes_total,
  atonement_total = f.atonement_total,
  apologize_on_time = (f.apologize_on_time = 1),
  reinstate_on_time = (f.reinstate_on_time = 1),
  empathize_on_time = (f.empathize_on_time = 1),
  atone_on_time = (f.atone_on_time = 1),
  follow_up_on_time = (f.follow_up_on_time = 1)
FROM (
  SELECT a.complaint_id,
    MIN(CASE WHEN a.round = 1 AND a.step = 'apologize' THEN a.done_at END) AS apologized_at,
    MIN(CASE WHEN a.round = 1 AND a.step = 'reinstate' AND NOT a.skipped THEN a.done_at END) AS reinstated_at,
    COALESCE(SUM(a.minutes_spent), 0) AS minutes_total,
    COALESCE(SUM(CASE WHEN a.step = 'atone' AND NOT a.skipped THEN a.atonement_value END), 0) AS atonement_total,
    MAX(CASE WHEN a.round = 1 AND NOT a.skipped AND a.step = 'apologize' AND a.due_at IS NOT NULL THEN CASE WHEN a.done_at <= a.due_at THEN 1 ELSE 0 END END) AS apologize_on_time,
    MAX(CASE WHEN a.round = 1 AND NOT a.skipped AND a.step = 'reinstate' AND a.due_at IS NOT NULL THEN CASE WHEN a.done_at <= a.due_at THEN 1 ELSE 0 END END) AS reinstate_on_time,
    MAX(CASE WHEN a.round = 1 AND NOT a.skipped AND a.step = 'empathize' AND a.due_at IS NOT NULL THEN CASE WHEN a.done_at <= a.due_at THEN 1 ELSE 0 END END) AS empathize_on_time,
    MAX(CASE WHEN a.round = 1 AND NOT a.skipped AND a.step = 'atone' AND a.due_at IS NOT NULL THEN CASE WHEN a.done_at <= a.due_at THEN 1 ELSE 0 END END) AS atone_on_time,
    MAX(CASE WHEN a.round = 1 AND NOT a.skipped AND a.step = 'follow_up' AND a.due_at IS NOT NULL THEN CASE WHEN a.done_at <= a.due_at THEN 1 ELSE 0 END END) AS follow_up_on_time
  FROM recovery_recoveryaction a
  
  GROUP BY a.complaint_id
) AS f
WHERE recovery_complaint.id = f.complaint_id"""


def backfill(apps, schema_editor):
    schema_editor.execute(BACKFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0009_bench_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="apologize_on_time",
            field=models.BooleanField(blank=True, help_text="First round; empty if not timed.", null=True),
        ),
        migrations.AddField(
            model_name="complaint",
            name="apologized_at",
            field=models.DateTimeField(blank=True, help_text="When the first round's apology was made.", null=True),
        ),
        migrations.AddField(
            model_name="complaint",
            name="atone_on_time",
            field=models.BooleanField(blank=True, help_text="First round; empty if skipped.", null=True),
        ),
        migrations.AddField(
            model_name="complaint",
            name="atonement_total",
            field=models.DecimalField(
                db_default=Decimal("0"),
                decimal_places=2,
                default=Decimal("0"),
                help_text="Value of all atonements given, all rounds.",
                max_digits=12,
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="empathize_on_time",
            field=models.BooleanField(blank=True, help_text="First round; empty if skipped.", null=True),
        ),
        migrations.AddField(
            model_name="complaint",
            name="follow_up_on_time",
            field=models.BooleanField(blank=True, help_text="First round; empty if not timed.", null=True),
        ),
        migrations.AddField(
            model_name="complaint",
            name="minutes_total",
            field=models.PositiveIntegerField(db_default=0, default=0, help_text="Minutes on all steps, all rounds."),
        ),
        migrations.AddField(
            model_name="complaint",
            name="reinstate_on_time",
            field=models.BooleanField(blank=True, help_text="First round; empty if skipped.", null=True),
        ),
        migrations.AddField(
            model_name="complaint",
            name="reinstated_at",
            field=models.DateTimeField(
                blank=True, help_text="When the first round's reinstatement was done (empty if not needed).", null=True
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
