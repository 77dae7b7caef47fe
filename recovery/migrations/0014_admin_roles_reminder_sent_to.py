"""Take from the roles the model permissions only the admin used (the admin is for administrators now),
and record on each reminder the addresses it was sent to."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from accounts.bootstrap import ensure_roles


def forwards(apps: Any, schema_editor: Any) -> None:
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("recovery", "0013_search_unaccent")]

    operations = [
        migrations.AddField(
            model_name="reminder",
            name="sent_to",
            field=models.TextField(blank=True, help_text="The addresses it was sent to, recorded when it was sent."),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
