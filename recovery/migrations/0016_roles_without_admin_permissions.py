"""Take from the roles the model permissions only the admin used (the admin is now for administrators)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from recovery.bootstrap import ensure_roles


def forwards(apps: Any, schema_editor: Any) -> None:
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("recovery", "0010_complaint_facts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
