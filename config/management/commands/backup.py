"""`manage.py backup [FILE]`: write the database DATABASE_URL names to FILE with pg_dump -Fc.

Without FILE the dump goes to var/backups/caredesk-<UTC time>.dump (CAREDESK_VAR_DIR). The file is
readable by its owner only (it holds personal data), is written under a temporary name and renamed
when complete, and an existing file is never overwritten. `manage.py restore FILE` loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections
from django.utils import timezone

from config import backups


class Command(BaseCommand):
    help = "Write the database to FILE (pg_dump's custom format; default var/backups/caredesk-<time>.dump)."
    # A backup must work whatever state the code or the settings are in.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="where to write the dump (must not exist yet)")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections["default"]
        backups.require_postgresql(connection)
        if options["file"]:
            target = Path(options["file"])
        else:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            target = Path(settings.VAR_DIR) / "backups" / f"caredesk-{stamp}.dump"
        tables = backups.relation_count(connection)
        connection.close()
        backups.dump(connection.settings_dict, target)
        size = target.stat().st_size
        self.stdout.write(
            f"Backed up database {connection.settings_dict['NAME']} ({tables} tables and sequences) "
            f"to {target} ({size:,} bytes)."
        )
