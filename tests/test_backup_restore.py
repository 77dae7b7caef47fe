"""`manage.py backup` and `manage.py restore`, run as an operator runs them, against real PostgreSQL.

A database with the demo's complaints at every stage, pending reminders and surveys is dumped and
restored into a fresh database; every table must hold the same rows (counted and fingerprinted), every
sequence the same position, every pending reminder the same due time. Then a real `celery worker`
process whose DATABASE_URL names only the restored database sends the due complaint and training
reminders to loopback SMTP: each exactly once, none early, and the next scans send nothing more.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg2  # type: ignore[import-untyped]
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from config.management.commands import restore as restore_command
from recovery import tasks
from recovery.models import Stage
from tests.celery_services import wait_for_idle, wait_until
from tests.helpers.redis_server import free_port
from tests.helpers.subprocesses import database_url, operator_environment, start_worker
from tests.smtp import SmtpServer
from training import tasks as training_tasks

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db(transaction=True)


def manage(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=operator_environment(database),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def admin_sql(statement: str) -> None:
    """Run CREATE/DROP DATABASE on the server's maintenance database (outside any transaction)."""
    admin = psycopg2.connect(database_url("postgres"))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(statement)
    finally:
        admin.close()


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A new, empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{name}"')
    yield name
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Database:
    """A plain connection to one database by name, for comparing two of them row by row."""

    def __init__(self, name: str) -> None:
        self.name = name

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        db = psycopg2.connect(database_url(self.name))
        try:
            with db.cursor() as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
        finally:
            db.close()

    def execute(self, sql: str) -> None:
        db = psycopg2.connect(database_url(self.name))
        try:
            with db.cursor() as cursor:
                cursor.execute(sql)
            db.commit()
        finally:
            db.close()

    def tables(self) -> list[str]:
        return [
            name
            for (name,) in self.rows(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]

    def fingerprint(self) -> dict[str, tuple[int, str]]:
        """Each table's row count and an md5 of all its rows in order: two equal fingerprints, the same rows."""
        found = {}
        for table in self.tables():
            [(count, digest)] = self.rows(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "  # noqa: S608
                f'FROM "{table}" t'
            )
            found[table] = (count, digest)
        return found

    def sequences(self) -> dict[str, int | None]:
        return dict(self.rows("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"))

    def pending_reminders(self) -> list[tuple[Any, ...]]:
        return self.rows(
            "SELECT id, kind, step, due_at, recipient_email FROM recovery_reminder WHERE status = 'pending' ORDER BY id"
        )

    def due_reminders(self, now: datetime, table: str = "recovery_reminder") -> set[int]:
        due = f"SELECT id FROM {table} WHERE status = 'pending' AND due_at <= %s"  # noqa: S608 - our table names
        return {pk for (pk,) in self.rows(due, (now,))}

    def ids_with_status(self, status: str, table: str = "recovery_reminder") -> set[int]:
        return {pk for (pk,) in self.rows(f"SELECT id FROM {table} WHERE status = %s", (status,))}  # noqa: S608

    def statuses(self, ids: set[int], table: str = "recovery_reminder") -> set[str]:
        rows = self.rows(f"SELECT status FROM {table} WHERE id = ANY(%s)", (list(ids),))  # noqa: S608
        return {status for (status,) in rows}

    def any_sent_early(self, ids: set[int], after: datetime, table: str = "recovery_reminder") -> bool:
        early = f"SELECT id FROM {table} WHERE id = ANY(%s) AND due_at > %s"  # noqa: S608
        return bool(self.rows(early, (list(ids), after)))


@pytest.fixture
def restored_worker(empty_database: str, broker: None, loopback_smtp: SmtpServer, tmp_path: Path) -> Iterator[Any]:
    """Start a `celery worker` process on the restored database (once the test has restored it)."""
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        env = operator_environment(
            empty_database, EMAIL_HOST=loopback_smtp.host, EMAIL_PORT=str(loopback_smtp.port), EMAIL_TIMEOUT="5"
        )
        proc = start_worker("restored", env, tmp_path / "worker.log")
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# Each kind of email owed as a row: its table, and the header that names the row in the email.
OWED = {"recovery_reminder": "X-CareDesk-Reminder", "training_trainingreminder": "X-CareDesk-Training-Reminder"}


def received_ids(smtp: SmtpServer, header: str) -> Counter[int]:
    return Counter(int(str(m.message[header])) for m in smtp.messages if m.message[header] is not None)


def scan() -> None:
    """What beat sends every few minutes: the scans for complaint reminders and training reminders."""
    tasks.dispatch_due_reminders.delay()
    training_tasks.dispatch_training_reminders.delay()


def test_a_restored_backup_holds_every_row_and_sends_each_due_reminder_once(
    starter_data: None, empty_database: str, restored_worker: Any, loopback_smtp: SmtpServer, tmp_path: Path
) -> None:
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - quiet
    source = Database(str(connection.settings_dict["NAME"]))
    # The seed gives what this test is about; if it ever stopped, the test would prove nothing.
    stages = {stage for (stage,) in source.rows("SELECT DISTINCT stage FROM recovery_complaint")}
    assert stages == set(Stage.values)
    pending = source.pending_reminders()
    now = timezone.now()
    assert any(due_at <= now for (_, _, _, due_at, _) in pending), "no due reminder to send"
    assert any(due_at > now for (_, _, _, due_at, _) in pending), "no reminder still to come"
    assert source.rows("SELECT count(*), count(answered_at) FROM recovery_survey")[0][1] > 0
    assert {kind for (_, kind, *_) in pending} >= {"customer_survey", "step_overdue", "follow_up_due"}

    dump = tmp_path / "caredesk.dump"
    backed_up = manage(source.name, "backup", str(dump))
    assert backed_up.returncode == 0, backed_up.stderr
    assert dump.stat().st_mode & 0o077 == 0  # personal data: the owner's only
    assert not (tmp_path / "caredesk.dump.partial").exists()

    cache.set("dashboard:stale", "figures of the database that was there before")
    restored_run = manage(empty_database, "restore", str(dump))
    assert restored_run.returncode == 0, restored_run.stderr
    assert "Emptied the cache" in restored_run.stdout
    assert cache.get("dashboard:stale") is None

    restored = Database(empty_database)
    expected = source.fingerprint()
    assert restored.fingerprint() == expected
    assert sum(count for count, _ in expected.values()) > 1000
    assert restored.sequences() == source.sequences()  # new rows get new ids, never a restored one's
    assert restored.pending_reminders() == pending  # every pending reminder, with its due time

    # A second restore into it is refused, and changes nothing.
    again = manage(empty_database, "restore", str(dump))
    assert again.returncode != 0
    assert "is not empty" in again.stderr
    assert restored.fingerprint() == expected

    # The restored system: a worker whose only database is the restored one, and beat's scans.
    restored_worker()
    before = timezone.now()
    due = {table: restored.due_reminders(before, table) for table in OWED}
    assert all(due.values())
    scan()
    loopback_smtp.wait_for(1, timeout=60)
    wait_until(lambda: not any(restored.due_reminders(before, table) for table in OWED), timeout=120)
    wait_for_idle(smtp=loopback_smtp, timeout=120)
    scan()  # the next scans
    wait_for_idle(smtp=loopback_smtp, timeout=120)
    after = timezone.now()

    for table, header in OWED.items():
        got = received_ids(loopback_smtp, header)
        assert max(got.values()) == 1, (table, [pk for pk, n in got.items() if n > 1])  # none twice
        # Every row due at the restore was dealt with (sent, or cancelled when its sender found it no
        # longer owed), each one sent is one received, and none came before its time.
        assert restored.statuses(due[table], table) <= {"sent", "cancelled"}
        newly_sent = restored.ids_with_status("sent", table) - source.ids_with_status("sent", table)
        assert set(got) == newly_sent, table
        assert newly_sent & due[table], table
        assert not restored.any_sent_early(set(got), after, table)
        # The backed-up database was not touched: it still owes them.
        assert source.due_reminders(before, table) == due[table]
    assert len(received_ids(loopback_smtp, OWED["recovery_reminder"])) > 10
    assert len(loopback_smtp.messages) == sum(len(received_ids(loopback_smtp, header)) for header in OWED.values())


def test_force_replaces_everything_and_a_damaged_backup_changes_nothing(
    starter_data: None, empty_database: str, tmp_path: Path
) -> None:
    source = Database(str(connection.settings_dict["NAME"]))
    dump = tmp_path / "caredesk.dump"
    assert manage(source.name, "backup", str(dump)).returncode == 0
    assert manage(empty_database, "restore", str(dump)).returncode == 0
    target = Database(empty_database)
    target.execute("CREATE TABLE not_in_the_backup (id int)")
    before = target.fingerprint()
    assert "not_in_the_backup" in before

    # Cut off part-way through the data: the archive's table of contents still reads, its data does not.
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(dump.read_bytes()[: dump.stat().st_size * 95 // 100])
    refused = manage(empty_database, "restore", "--force", str(damaged))
    assert refused.returncode != 0
    assert "the database is as it was" in refused.stderr
    assert target.fingerprint() == before  # the drop was rolled back with the rest

    replaced = manage(empty_database, "restore", "--force", str(dump))
    assert replaced.returncode == 0, replaced.stderr
    assert target.fingerprint() == source.fingerprint()  # the extra table is gone too


def test_an_existing_backup_file_is_never_overwritten(starter_data: None, tmp_path: Path) -> None:
    dump = tmp_path / "caredesk.dump"
    dump.write_text("last night's backup")
    result = manage(str(connection.settings_dict["NAME"]), "backup", str(dump))
    assert result.returncode != 0
    assert "already exists" in result.stderr
    assert dump.read_text() == "last night's backup"


def test_the_restore_says_when_the_cache_could_not_be_emptied(settings: Any) -> None:
    # The fail-safe cache skips a `clear` quietly while Redis is down; the operator must hear of it.
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": settings.CACHE_OPTIONS,
        }
    }
    command = restore_command.Command(stdout=io.StringIO())
    command._empty_cache()
    said = command.stdout.getvalue()
    assert "The cache could not be emptied" in said
    assert "Emptied the cache" not in said
