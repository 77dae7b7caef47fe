"""Benchmark: how long two Celery workers take to deliver 10,000 due reminders to a loopback SMTP server.

Run with `make bench-reminders`. It (re)creates a dedicated PostgreSQL database, migrates it, seeds
the due reminders, flushes a dedicated Redis DB, starts aiosmtpd on loopback and two `celery worker`
subprocesses, calls the dispatch (what beat does) until every reminder is claimed, and waits until
every one was delivered. It ends with one line: `delivered=N duplicates=N missing=N seconds=S`.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/caredesk_bench_reminders),
BENCH_BROKER_URL (default redis://127.0.0.1:6379/9), BENCH_REMINDERS (10000), BENCH_CONCURRENCY
(processes per worker, 2), BENCH_TIMEOUT (seconds, 300).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/caredesk_bench_reminders")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/9")
COUNT = int(os.environ.get("BENCH_REMINDERS", "10000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "2"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "300"))
PER_COMPLAINT = 100


def log(text: str) -> None:
    sys.stderr.write(f"[bench] {text}\n")
    sys.stderr.flush()


def recreate_database() -> None:
    import psycopg2  # type: ignore[import-untyped]

    url = urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(url._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def environment(smtp_host: str, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-that-is-long-enough-for-the-checks",
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "EMAIL_HOST": smtp_host,
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "10",
        "LOG_LEVEL": "WARNING",
    }


def seed(count: int) -> set[int]:
    """Log a few complaints through the workflow, then bulk-create `count` due reminders on them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.roles import FRONT_LINE
    from customers.models import Customer, CustomerGroup
    from recovery.models import Category, Channel, Reminder, ReminderKind, Severity, Stage
    from recovery.workflow import complaint_log

    user = get_user_model().objects.create_user(username="bench", email="bench@example.com", password=None)
    user.groups.add(Group.objects.get(name=FRONT_LINE))
    customer = Customer.objects.create(name="Bench Customer", group=CustomerGroup.END_USER)
    category = Category.objects.filter(is_active=True).first()
    if category is None:
        raise SystemExit("The migrations should have created the categories.")
    due_at = timezone.now() - timedelta(minutes=1)
    rows: list[Reminder] = []
    while len(rows) < count:
        complaint = complaint_log(
            user=user,
            customer=customer,
            channel=Channel.PHONE,
            category=category,
            severity=Severity.MEDIUM,
            summary="Benchmark complaint",
        )
        n = min(PER_COMPLAINT, count - len(rows))
        rows += [
            Reminder(
                complaint=complaint,
                kind=ReminderKind.STEP_OVERDUE,
                round=100 + i,  # rounds the workflow never reaches: no clash with its own rows
                step=Stage.APOLOGIZE,
                due_at=due_at,
                recipient=user,
                recipient_email=user.email,
            )
            for i in range(n)
        ]
    ids = {r.pk for r in Reminder.objects.bulk_create(rows, batch_size=2000)}
    Reminder.objects.exclude(pk__in=ids).delete()  # the workflow's own rows are not part of the count
    return ids


def start_worker(name: str, env: dict[str, str], logs: Path) -> subprocess.Popen[bytes]:
    celery = str(Path(sys.executable).with_name("celery"))
    out = (logs / f"{name}.log").open("wb")
    return subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
        [
            celery,
            *("-A", "config", "worker", f"--hostname={name}@%h", "--loglevel=WARNING"),
            *(f"--concurrency={CONCURRENCY}", "--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def main() -> int:
    import redis

    from tests.smtp import SmtpServer

    smtp = SmtpServer()
    smtp.start()
    env = environment(smtp.host, smtp.port)
    os.environ.update(env)

    log(f"recreating and migrating {urlsplit(DATABASE_URL).path.lstrip('/')}")
    recreate_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)

    import django

    django.setup()
    from django.db import close_old_connections

    from recovery import tasks
    from recovery.models import Reminder, ReminderStatus
    from recovery.notifications import sending

    broker = redis.Redis.from_url(BROKER_URL)
    broker.flushdb()
    log(f"seeding {COUNT} due reminders")
    ids = seed(COUNT)

    logs = BASE_DIR / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    workers = [start_worker(f"bench{n}", env, logs) for n in (1, 2)]
    try:
        started = time.monotonic()
        deadline = started + TIMEOUT
        while len(smtp.messages) < COUNT and time.monotonic() < deadline:
            # What beat does; after the first runs it only picks up expired leases (there should be none).
            if Reminder.objects.filter(status=ReminderStatus.PENDING).exists():
                sending.reminders_claim_due(enqueue=tasks._enqueue)
            close_old_connections()
            time.sleep(0.25)
        seconds = time.monotonic() - started
        time.sleep(1)  # anything extra (a duplicate) would arrive now
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        broker.flushdb()
        smtp.stop()

    got = Counter(int(str(m.message["X-CareDesk-Reminder"])) for m in smtp.messages)
    delivered = len(set(got) & ids)
    duplicates = sum(n - 1 for n in got.values())
    missing = len(ids - set(got))
    sys.stdout.write(f"delivered={delivered} duplicates={duplicates} missing={missing} seconds={seconds:.1f}\n")
    return 0 if missing == 0 and duplicates == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
