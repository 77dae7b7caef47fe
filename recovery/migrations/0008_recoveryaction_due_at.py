"""Store each recorded step's due time, so the dashboard's on-time rates are one comparison per row.

New rows get it from `recovery.workflow` (the complaint's `step_due_at` when the step is recorded).
Existing round-1 rows are back-filled from today's policy for the complaint's severity, as
`RecoveryPolicy.due_at` computes it: steps 1–4 from the time the complaint was received, the
follow-up from the round's atonement (done or skipped). Later rounds started at a reopen time the
rows do not keep, so they stay empty and are left out of on-time rates.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import migrations, models
from django.db.models import ExpressionWrapper, OuterRef, Subquery, Value

HOURS_FIELDS = {"apologize": "hours_to_apologize", "reinstate": "hours_to_reinstate", "empathize": "hours_to_empathize"}


def backfill_due_at(apps: Any, schema_editor: Any) -> None:
    Complaint = apps.get_model("recovery", "Complaint")
    RecoveryAction = apps.get_model("recovery", "RecoveryAction")
    RecoveryPolicy = apps.get_model("recovery", "RecoveryPolicy")
    received = Subquery(Complaint.objects.filter(pk=OuterRef("complaint_id")).values("received_at")[:1])
    atoned = Subquery(
        RecoveryAction.objects.filter(complaint_id=OuterRef("complaint_id"), round=1, step="atone").values("done_at")[
            :1
        ]
    )
    for policy in RecoveryPolicy.objects.all():
        offsets: dict[str, tuple[Any, timedelta]] = {
            step: (received, timedelta(hours=getattr(policy, field))) for step, field in HOURS_FIELDS.items()
        }
        offsets["atone"] = (received, timedelta(days=policy.days_to_atone))
        offsets["follow_up"] = (atoned, timedelta(days=policy.days_to_follow_up))
        for step, (start, offset) in offsets.items():
            RecoveryAction.objects.filter(
                round=1, step=step, due_at__isnull=True, complaint__severity=policy.severity
            ).update(due_at=ExpressionWrapper(start + Value(offset), output_field=models.DateTimeField()))


class Migration(migrations.Migration):
    dependencies = [("recovery", "0007_reminder_survey_digest_permissions")]

    operations = [
        migrations.AddField(
            model_name="recoveryaction",
            name="due_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the step was due when it was recorded; on time means done_at ≤ due_at.",
                null=True,
            ),
        ),
        migrations.RunPython(backfill_due_at, migrations.RunPython.noop, elidable=True),
    ]
