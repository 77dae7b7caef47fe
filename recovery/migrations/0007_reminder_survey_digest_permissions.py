"""Let managers read reminders, surveys and digests in the admin (the roles are re-synced)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from accounts.bootstrap import ensure_roles


def forwards(apps: Any, schema_editor: Any) -> None:
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("recovery", "0006_survey_digest")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
