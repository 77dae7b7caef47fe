"""`manage.py rebuild_dashboard_facts`: recount the dashboard's roll-up from the complaints.

The roll-up keeps itself right (the database's triggers record every change, recovery.rollup), so this
is for what triggers do not see: a bulk load with triggers off, a TRUNCATE, a change of TIME_ZONE (the
days are local days), or a restore from a backup taken by another version.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from recovery.rollup import build


class Command(BaseCommand):
    help = "Recount the dashboard's daily figures (the roll-up) from the complaints. PostgreSQL only."

    def handle(self, *args: Any, **options: Any) -> None:
        if not build.enabled():
            raise CommandError(
                "The roll-up is kept on PostgreSQL only; on this database the dashboard counts "
                "from the complaints directly and there is nothing to rebuild."
            )
        started = time.perf_counter()
        rows = build.rebuild()
        self.stdout.write(
            f"Rebuilt the dashboard's daily figures: {rows:,} rows in {time.perf_counter() - started:.1f} s."
        )
