"""Create the two roles with their permissions, starter categories and policies."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from recovery.bootstrap import ensure_starter_data


def forwards(apps: Any, schema_editor: Any) -> None:
    ensure_starter_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0001_initial"),
        ("customers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
