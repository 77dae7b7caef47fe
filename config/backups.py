"""Backing up and restoring the PostgreSQL database with pg_dump's custom format.

`manage.py backup` and `manage.py restore` (config/management/commands/) use these. They run the
PostgreSQL client programs against the database DATABASE_URL names, passing the connection in PG*
environment variables, so no password appears in the process list.

Everything CareDesk must keep is in the database: complaints, steps, the timeline, customers, and
every email still owed (reminders, surveys, digests, training reminders and coaching notices are
rows, claimed from the database by beat's scans). Redis holds only the broker's queue (a row whose
message is lost is claimed again; the operator empties the queue after a restore, see the README)
and the cache (dashboard figures, rate-limit counters), which `restore` empties.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import CommandError
from django.db.backends.base.base import BaseDatabaseWrapper

# libpq's environment variables for the connection options dj-database-url may put in OPTIONS.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}

# Tables, sequences, views and the like outside PostgreSQL's own schemas: a database with none is empty.
_OWN_RELATIONS = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
"""


def require_postgresql(connection: BaseDatabaseWrapper) -> None:
    """Refuse anything but PostgreSQL: the embedded SQLite file is copied, not dumped."""
    if connection.vendor != "postgresql":
        raise CommandError(
            "Backups are for PostgreSQL (DATABASE_URL=postgres://…). The embedded setup keeps everything in "
            f"{connection.settings_dict['NAME']}: stop CareDesk and copy that file."
        )


def libpq_environment(settings_dict: Mapping[str, Any], base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return `base` (default: this process's environment) with the PG* variables of the connection."""
    environ = {k: v for k, v in (os.environ if base is None else base).items() if not k.startswith("PG")}
    given = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    given.update({variable: options.get(option) for option, variable in _LIBPQ_OPTIONS.items()})
    environ.update({name: str(value) for name, value in given.items() if value not in (None, "")})
    # Keep psql's notices (e.g. "drop cascades to …") out of the output; errors still show.
    environ["PGOPTIONS"] = "-c client_min_messages=warning"
    return environ


def relation_count(connection: BaseDatabaseWrapper) -> int:
    """Return how many tables, sequences and views the database holds outside PostgreSQL's own schemas."""
    with connection.cursor() as cursor:
        cursor.execute(_OWN_RELATIONS)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def run(command: list[str], *, environ: Mapping[str, str], what: str) -> None:
    """Run a PostgreSQL client program; turn a failure (or a missing program) into a CommandError."""
    try:
        result = subprocess.run(command, env=dict(environ), capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise CommandError(
            f"{command[0]} was not found. Install the PostgreSQL client of the server's version or newer "
            "(Debian: apt install postgresql-client)."
        ) from None
    if result.returncode != 0:
        raise CommandError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def dump(settings_dict: Mapping[str, Any], target: Path) -> None:
    """Write the database to `target` (pg_dump -Fc), readable by this user only, complete or not at all."""
    if target.exists():
        raise CommandError(f"{target} already exists; choose another file name, or move the old backup away.")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # a new folder for backups: the owner's only
    partial = target.with_name(target.name + ".partial")
    previous = os.umask(0o077)  # the dump holds personal data
    try:
        run(
            ["pg_dump", "--format=custom", f"--file={partial}"],
            environ=libpq_environment(settings_dict),
            what="pg_dump",
        )
    except CommandError:
        partial.unlink(missing_ok=True)
        raise
    finally:
        os.umask(previous)
    partial.replace(target)  # only a finished dump gets the name


def check_dump(source: Path) -> None:
    """Refuse a file that is not a readable pg_dump custom-format archive, before touching the database."""
    if not source.is_file():
        raise CommandError(f"{source} is not a file.")
    try:
        run(["pg_restore", "--list", str(source)], environ=os.environ, what=f"Reading {source}")
    except CommandError as exc:
        raise CommandError(f"{exc} ({source} should be a file written by `manage.py backup` or pg_dump -Fc)") from None


def restore(settings_dict: Mapping[str, Any], source: Path, *, replace: bool) -> None:
    """Load `source` into the database in one transaction; with `replace`, drop what the database holds first.

    pg_restore turns the archive into SQL, streamed into psql between our own BEGIN and a COMMIT that is
    sent only once pg_restore has finished without error: a damaged archive, or an error in psql (which
    stops at the first, ON_ERROR_STOP), leaves the database as it was, the drop included. Owners and
    grants in the archive are ignored: the restored tables belong to the user DATABASE_URL names,
    whatever the backed-up database called its owner.
    """
    environ = libpq_environment(settings_dict)
    drop = b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n" if replace else b""
    psql_command = ["psql", "--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "-f", "-"]
    restore_command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--file=-", str(source)]
    with tempfile.TemporaryFile() as psql_log, tempfile.TemporaryFile() as restore_log:
        reader = _start(restore_command, environ=environ, stdout=subprocess.PIPE, stderr=restore_log)
        try:
            psql = _start(psql_command, environ=environ, stdin=subprocess.PIPE, stdout=psql_log, stderr=psql_log)
        except CommandError:
            reader.kill()
            reader.wait()
            raise
        sql, to_psql = cast(IO[bytes], reader.stdout), cast(IO[bytes], psql.stdin)
        complete = False
        try:
            to_psql.write(b"BEGIN;\n" + drop)
            for chunk in iter(lambda: sql.read(1 << 16), b""):
                to_psql.write(chunk)
            complete = reader.wait() == 0
            to_psql.write(b"COMMIT;\n" if complete else b"ROLLBACK;\n")
            to_psql.close()
        except BrokenPipeError:  # psql stopped at an error; its transaction ends with its connection
            pass
        finally:
            # Closing psql's input without a COMMIT ends its session, which rolls the transaction back.
            with contextlib.suppress(BrokenPipeError):
                to_psql.close()
            if reader.poll() is None:
                reader.kill()
            reader.wait()
            psql.wait()
        psql_log.seek(0)
        restore_log.seek(0)
        psql_output = psql_log.read().decode(errors="replace").strip()
        restore_output = restore_log.read().decode(errors="replace").strip()
    if psql.returncode != 0:
        raise CommandError(f"Restoring failed; the database is as it was: {psql_output}")
    if not complete:
        raise CommandError(f"pg_restore failed; the database is as it was: {restore_output}")


def _start(command: list[str], *, environ: Mapping[str, str], **streams: Any) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(command, env=dict(environ), **streams)  # noqa: S603 - fixed programs and arguments
    except FileNotFoundError:
        raise CommandError(
            f"{command[0]} was not found. Install the PostgreSQL client (Debian: apt install postgresql-client)."
        ) from None
