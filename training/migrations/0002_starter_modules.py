"""The starter set of training modules, written in our own words (training/starter_content.py).

A new installation has them from its first migrate; see training/bootstrap.py.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def load_starter_modules(apps: Any, schema_editor: Any) -> None:
    from training.bootstrap import ensure_starter_modules

    ensure_starter_modules(apps)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_modules_and_attempts")]

    operations = [migrations.RunPython(load_starter_modules, migrations.RunPython.noop)]
