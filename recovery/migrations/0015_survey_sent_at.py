"""A survey counts as sent only once the mail server accepted its email (`Survey.sent_at`).

Existing surveys take the send time of their round's sent survey reminder; one whose email failed
(or is still being retried) stays unsent.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def sent_at_from_reminders(apps: Any, schema_editor: Any) -> None:
    Survey = apps.get_model("recovery", "Survey")
    Reminder = apps.get_model("recovery", "Reminder")
    sent = Reminder.objects.filter(
        complaint=OuterRef("complaint"), round=OuterRef("round"), kind="customer_survey", status="sent"
    ).order_by("sent_at")
    Survey.objects.update(sent_at=Subquery(sent.values("sent_at")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0014_admin_roles_reminder_sent_to"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="sent_at",
            field=models.DateTimeField(
                blank=True, help_text="When the mail server accepted the survey email; empty until then.", null=True
            ),
        ),
        migrations.RunPython(sent_at_from_reminders, migrations.RunPython.noop),
    ]
