"""`manage.py restore FILE [--force]`: load a backup into the database DATABASE_URL names.

The database should be empty (a new one: `createdb --owner=caredesk caredesk_restored`); one that
holds anything is refused unless --force, which replaces everything in it. The restore is one
transaction: it happens completely or not at all. Then the cache is emptied (it holds dashboard
figures of the database that was there before) and the command says what to run next: empty the
broker's queue (its messages carry claim numbers the rewound rows will hand out again), migrate, start.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from common.cache import cache_ping
from config import backups

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Restore FILE (from `manage.py backup`) into the database; refuses a non-empty one unless --force."
    # The database may be empty, or hold an older schema than the code: no check can pass before this.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a dump written by `manage.py backup` (pg_dump -Fc)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace everything in the database (its public schema) with the backup",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections["default"]
        backups.require_postgresql(connection)
        source = Path(options["file"])
        backups.check_dump(source)
        name = connection.settings_dict["NAME"]
        held = backups.relation_count(connection)
        if held and not options["force"]:
            raise CommandError(
                f"The database {name} is not empty ({held} tables and sequences); nothing was changed. "
                "Restore into an empty database (e.g. createdb --owner=caredesk caredesk_restored, then point "
                "DATABASE_URL at it), or add --force to replace everything in this one."
            )
        connection.close()  # psql does the work; hold no connection (or lock) meanwhile
        backups.restore(connection.settings_dict, source, replace=bool(held))
        restored = backups.relation_count(connection)
        self.stdout.write(f"Restored {source} into database {name} ({restored} tables and sequences).")
        self._empty_cache()
        self.stdout.write(
            "Next, with the workers and beat still stopped: empty the broker's queue (redis-cli -u "
            "$CELERY_BROKER_URL FLUSHDB), run python manage.py migrate (when this code is newer than the backup), "
            "then start the web processes, the workers and beat. Emails that came due since the backup go out at "
            "beat's next scan."
        )

    def _empty_cache(self) -> None:
        """Drop the dashboard figures (and rate-limit counters) computed from the database that was there."""
        try:
            cache_ping()  # the fail-safe cache skips `clear` quietly while Redis is down: ask first, so we say so
            cache.clear()
        except Exception as exc:  # the restore is done; a cache that is down holds nothing stale (any backend)
            logger.warning("The cache could not be emptied after the restore: %s", exc)
            self.stdout.write(
                f"The cache could not be emptied ({exc}); dashboard figures may be up to "
                "DASHBOARD_CACHE_SECONDS old until it expires."
            )
        else:
            self.stdout.write("Emptied the cache (dashboard figures, rate-limit counters).")
