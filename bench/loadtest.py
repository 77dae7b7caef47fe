"""`make loadtest`: 50 staff at once on the million-complaint database, with faults, then the saturation point.

Runs gunicorn (DEBUG off), a Celery worker and beat, its own Redis (broker and cache) and a loopback SMTP
server, on `make bench`'s database (seeded or reused by bench/seed_million.py), and drives them with
locust (bench/locustfile.py, in its own virtualenv .venv-loadtest: gevent must not meet pytest) as 45
front-line staff and 5 managers thinking 5–15 s between actions, for LOADTEST_SECONDS (180). During the
run it restarts Redis once and SIGKILLs the worker once (and starts it again). Afterwards it checks that
every complaint the run logged is in the database with its events, that every step it recorded is there
once, and that every email that came due during the run reached the SMTP server exactly once or is still
owed with a later try. Then it steps up users with no think time until the p95 passes 500 ms.

Results: bench/loadtest.json and a Markdown table on stdout (also bench/loadtest.md). Exit status 1
when a check fails.

Environment: BENCH_DATABASE_URL (as make bench), LOADTEST_SECONDS (180), LOADTEST_USERS (50),
LOADTEST_WORKERS (gunicorn processes, 2), LOADTEST_THREADS (threads each, 4), LOADTEST_STEPS
("1,2,3,5,8,13,20,40" users for the saturation steps), LOADTEST_STEP_SECONDS (30).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import seed_million  # noqa: E402 - needs the path above
from bench.http_bench import free_port, gunicorn  # noqa: E402
from tests.helpers.redis_server import RedisServer  # noqa: E402
from tests.smtp import SmtpServer  # noqa: E402

SECONDS = int(os.environ.get("LOADTEST_SECONDS", "180"))
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
WORKERS = os.environ.get("LOADTEST_WORKERS", "2")
THREADS = os.environ.get("LOADTEST_THREADS", "4")
STEPS = [int(n) for n in os.environ.get("LOADTEST_STEPS", "1,2,3,5,8,13,20,40").split(",") if n]
STEP_SECONDS = int(os.environ.get("LOADTEST_STEP_SECONDS", "30"))
LOCUST = BASE_DIR / ".venv-loadtest" / "bin" / "locust"
OUT = BASE_DIR / "var" / "loadtest"
RESULTS_JSON = BASE_DIR / "bench" / "loadtest.json"
RESULTS_MD = BASE_DIR / "bench" / "loadtest.md"
STAFF_P95_MS = 150.0
DASHBOARD_P95_MS = 300.0
SATURATED_P95_MS = 500.0


def log(text: str) -> None:
    sys.stderr.write(f"[loadtest] {text}\n")
    sys.stderr.flush()


def environment(port: int, redis_url: str, smtp: SmtpServer) -> dict[str, str]:
    from bench.http_bench import server_environment

    env = server_environment(port)
    env.update(
        CACHE_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        EMAIL_HOST=smtp.host,
        EMAIL_PORT=str(smtp.port),
        EMAIL_TIMEOUT="10",
        QUERY_COUNT_HEADERS="false",
        CELERY_BEAT_SCHEDULE_FILENAME=str(OUT / "beat-schedule"),
    )
    return env


class Celery:
    """The worker and beat, as processes of their own; the worker can be killed and started again."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.worker: subprocess.Popen[bytes] | None = None
        self.beat: subprocess.Popen[bytes] | None = None

    def _start(self, *args: str, log_name: str) -> subprocess.Popen[bytes]:
        celery = str(Path(sys.executable).with_name("celery"))
        out = (OUT / f"{log_name}.log").open("ab")
        return subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
            [celery, "-A", "config", *args, "--loglevel=WARNING"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_worker(self) -> None:
        self.worker = self._start("worker", "--concurrency=2", "--hostname=loadtest@%h", log_name="worker")

    def start_beat(self) -> None:
        self.beat = self._start("beat", log_name="beat")

    def kill_worker(self) -> None:
        """SIGKILL the worker and its children: whatever it held is lost, as in a crash."""
        if self.worker is not None:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=30)

    def stop(self) -> None:
        for process in (self.beat, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.beat, self.worker):
            if process is not None:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def locust_env(found: dict[str, Any], journal: Path, think: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO")},
        "LOADTEST_PASSWORD": seed_million.BENCH_PASSWORD,
        "LOADTEST_FRONT": ",".join(found["front"]),
        "LOADTEST_MANAGERS": ",".join(found["managers"]),
        "LOADTEST_CUSTOMERS": str(found["customers"]),
        "LOADTEST_CATEGORIES": ",".join(str(c) for c in found["categories"]),
        "LOADTEST_JOURNAL": str(journal),
        "LOADTEST_THINK": think,
    }


def run_locust(
    port: int, env: dict[str, str], *, users: int, seconds: int, prefix: str, spawn_rate: float = 2.0
) -> dict[str, Any]:
    """Run locust headless for `seconds` once every user is at work; return its per-request-kind stats
    (from its CSV) and the aggregate."""
    csv_prefix = OUT / prefix
    subprocess.run(  # noqa: S603 - our own locust, fixed arguments
        [
            str(LOCUST),
            *("-f", str(BASE_DIR / "bench" / "locustfile.py"), "--headless", "--only-summary"),
            # People arrive over a while (signing in hashes a password: 50 at once would only time that), and
            # the figures count from when everyone is at work (--reset-stats once all are spawned).
            *("--users", str(users), "--spawn-rate", str(spawn_rate), "--reset-stats"),
            *("--run-time", f"{seconds + int(users / spawn_rate) + 1}s"),
            *("--host", f"http://127.0.0.1:{port}", "--csv", str(csv_prefix), "--stop-timeout", "20"),
            "--exit-code-on-error",
            "0",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=(OUT / f"{prefix}.log").open("wb"),
        stderr=subprocess.STDOUT,
        check=True,
    )
    kinds: dict[str, dict[str, Any]] = {}
    with (OUT / f"{prefix}_stats.csv").open(encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            kinds[row["Name"]] = {
                "method": row["Type"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
            }
    failures = []
    failures_csv = OUT / f"{prefix}_failures.csv"
    if failures_csv.exists():
        with failures_csv.open(encoding="utf-8") as rows:
            failures = [
                {"name": r["Name"], "error": r["Error"], "occurrences": int(r["Occurrences"])}
                for r in csv.DictReader(rows)
            ]
    return {"kinds": kinds, "aggregate": kinds.pop("Aggregated", {}), "failures": failures}


# Which program a process is, by a word of its command line: the CPU each one spends per request.
PROGRAMS = ("gunicorn", "postgres", "celery", "locust", "redis-server")


def cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) used so far by the live processes of each program in PROGRAMS."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = dict.fromkeys(PROGRAMS, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        program = next((p for p in PROGRAMS if p in command), None)
        if program:
            # Its own time and its finished children's (a postgres backend that ended is in the postmaster's).
            used[program] += sum(int(fields[n]) for n in (11, 12, 13, 14)) / tick
    return used


def facts() -> dict[str, Any]:
    conn = seed_million.connect()
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT username FROM auth_user WHERE username LIKE 'front%%' ORDER BY username")
        front = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT username FROM auth_user WHERE username LIKE 'manager%%' ORDER BY username")
        managers = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT max(id) FROM customers_customer")
        customers = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM recovery_category WHERE is_active ORDER BY id")
        categories = [r[0] for r in cursor.fetchall()]
    conn.close()
    return {"front": front, "managers": managers, "customers": customers, "categories": categories}


def faults(redis: RedisServer, celery: Celery, started: float, done: threading.Event, record: list[str]) -> None:
    """A third of the way in, restart Redis; two thirds in, SIGKILL the worker and start it again."""

    def at(fraction: float) -> bool:
        return not done.wait(max(0.0, started + SECONDS * fraction - time.monotonic()))

    if at(1 / 3):
        redis.stop()
        time.sleep(2)
        redis.start()
        record.append(f"Redis restarted at {time.monotonic() - started:.0f} s (2 s down, its data gone)")
        log(record[-1])
    if at(2 / 3):
        celery.kill_worker()
        time.sleep(2)
        celery.start_worker()
        record.append(f"worker SIGKILLed and restarted at {time.monotonic() - started:.0f} s")
        log(record[-1])


def check(journal: Path, smtp: SmtpServer, run_started: datetime, run_ended: datetime) -> dict[str, Any]:
    """What the run did is in the database once, and every email that came due reached SMTP once or is owed."""
    from django.db.models import Count

    from recovery.models import ComplaintEvent, EventKind, RecoveryAction, Reminder, ReminderStatus

    entries = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines() if line.strip()]
    logged = {e["complaint"] for e in entries if e["kind"] == "logged"}
    steps = [e for e in entries if e["kind"] == "step"]
    notes = [e for e in entries if e["kind"] == "note"]
    result: dict[str, Any] = {"logged": len(logged), "steps": len(steps), "notes": len(notes), "problems": []}
    problems: list[str] = result["problems"]

    with_logged_event = set(
        ComplaintEvent.objects.filter(complaint_id__in=logged, kind=EventKind.LOGGED).values_list(
            "complaint_id", flat=True
        )
    )
    if missing := logged - with_logged_event:
        problems.append(f"{len(missing)} logged complaints without their 'logged' event: {sorted(missing)[:10]}")
    # Each step the run recorded: one step event during the run for each success, and never two actions
    # for one step of one round.
    touched = {e["complaint"] for e in steps}
    events = Counter(
        ComplaintEvent.objects.filter(
            complaint_id__in=touched,
            kind__in=(EventKind.STEP_DONE,),
            created_at__gte=run_started,
            actor__username__startswith="front",
        ).values_list("complaint_id", flat=True)
    )
    recorded = Counter(e["complaint"] for e in steps)
    for pk, n in recorded.items():
        if events[pk] != n:
            problems.append(f"complaint {pk}: the run recorded {n} steps, the timeline has {events[pk]}")
    doubled = (
        RecoveryAction.objects.filter(complaint_id__in=touched | logged)
        .values("complaint_id", "round", "step")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    if doubled:
        problems.append(f"steps recorded twice: {list(doubled[:5])}")
    note_texts = {e["text"] for e in notes}
    stored_notes = set(
        ComplaintEvent.objects.filter(kind=EventKind.NOTE, payload__text__in=list(note_texts)).values_list(
            "payload__text", flat=True
        )
    )
    if missing_notes := note_texts - stored_notes:
        problems.append(f"{len(missing_notes)} notes not stored")

    # Emails: every reminder that came due during the run went out exactly once, or is still owed.
    delivered = Counter(
        str(m.message["X-CareDesk-Reminder"]) for m in smtp.messages if m.message["X-CareDesk-Reminder"]
    )
    due = Reminder.objects.filter(due_at__gte=run_started, due_at__lte=run_ended)
    sent = owed = 0
    for reminder in due:
        copies = delivered.get(str(reminder.pk), 0)
        if reminder.status == ReminderStatus.SENT:
            sent += 1
            if copies != 1:
                problems.append(f"reminder {reminder.pk} marked sent, reached SMTP {copies} times")
        elif reminder.status in (ReminderStatus.PENDING, ReminderStatus.CLAIMED):
            owed += 1
            if copies:
                problems.append(f"reminder {reminder.pk} reached SMTP {copies} times but is still {reminder.status}")
        # cancelled (the step was done first) or failed for good: not owed, nothing to deliver
    doubles = {pk: n for pk, n in delivered.items() if n > 1}
    if doubles:
        problems.append(f"reminders delivered more than once: {list(doubles.items())[:10]}")
    result.update(
        reminders_due=due.count(), reminders_sent=sent, reminders_still_owed=owed, emails_received=len(smtp.messages)
    )
    return result


def wait_for_reminders(until: datetime, *, deadline: float) -> None:
    """Wait until no reminder due by `until` is still waiting to be sent, or the deadline passes."""
    from django.db import close_old_connections

    from recovery.models import Reminder, ReminderStatus

    while time.monotonic() < deadline:
        close_old_connections()
        waiting = Reminder.objects.filter(
            due_at__lte=until, status__in=(ReminderStatus.PENDING, ReminderStatus.CLAIMED)
        ).exists()
        if not waiting:
            return
        time.sleep(2)


def markdown(report: dict[str, Any]) -> str:
    run = report["run"]
    lines = [
        f"`make loadtest` on {report['when']} ({report['machine']}): {USERS} users ({report['front_line']} front line, "
        f"{report['managers']} managers) thinking 5–15 s, {SECONDS} s, gunicorn {WORKERS} × {THREADS} threads; "
        + "; ".join(report["faults"])
        + ".",
        "",
        "| request | requests | failures | req/s | p50 ms | p95 ms | p99 ms | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, k in sorted(run["kinds"].items()):
        target = report["targets"].get(name, {})
        met = "" if not target else (f"p95 ≤ {target['limit']:.0f} ms: " + ("yes" if target["met"] else "**no**"))
        lines.append(
            f"| {k['method']} {name} | {k['requests']} | {k['failures']} | {k['rps']:.2f} | {k['p50_ms']:.0f} | "
            f"{k['p95_ms']:.0f} | {k['p99_ms']:.0f} | {met} |"
        )
    agg = run["aggregate"]
    lines.append(
        f"| all | {agg.get('requests', 0)} | {agg.get('failures', 0)} | {agg.get('rps', 0):.2f} | "
        f"{agg.get('p50_ms', 0):.0f} | {agg.get('p95_ms', 0):.0f} | {agg.get('p99_ms', 0):.0f} | |"
    )
    c = report["checks"]
    lines += [
        "",
        f"Checks: {c['logged']} complaints logged, {c['steps']} steps and {c['notes']} notes recorded by the run; "
        f"{c['reminders_due']} reminders came due during it: {c['reminders_sent']} delivered once, "
        f"{c['reminders_still_owed']} still owed; problems: {len(c['problems'])}"
        + ("" if not c["problems"] else " — " + "; ".join(c["problems"][:5])),
        "",
        "Saturation (no think time):",
        "",
        "| users | req/s | p50 ms | p95 ms | p99 ms | failures | CPU ms per request: gunicorn / postgres / locust |",
        "|---|---|---|---|---|---|---|",
    ]
    for step in report["saturation"]:
        a = step["aggregate"]
        cpu = step.get("cpu_ms_per_request", {})
        lines.append(
            f"| {step['users']} | {a.get('rps', 0):.1f} | {a.get('p50_ms', 0):.0f} | {a.get('p95_ms', 0):.0f} | "
            f"{a.get('p99_ms', 0):.0f} | {a.get('failures', 0)} | "
            f"{cpu.get('gunicorn', 0)} / {cpu.get('postgres', 0)} / {cpu.get('locust', 0)} |"
        )
    return "\n".join(lines) + "\n"


def targets(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, k in run["kinds"].items():
        if name.startswith("sign in") or "refused" in name:
            continue
        limit = DASHBOARD_P95_MS if name.startswith("dashboard") else STAFF_P95_MS
        out[name] = {"limit": limit, "met": k["p95_ms"] <= limit}
    return out


def main() -> int:
    if not LOCUST.exists():
        raise SystemExit(f"{LOCUST} is missing: run `make loadtest` (it installs requirements-loadtest.txt there)")
    OUT.mkdir(parents=True, exist_ok=True)
    meta, _ = seed_million.ensure_seeded(reseed=os.environ.get("BENCH_RESEED", "") == "1")
    found = facts()
    smtp = SmtpServer()
    smtp.start()
    redis = RedisServer(Path(tempfile.mkdtemp(prefix="caredesk-loadtest-redis-")))
    redis.start()
    port = free_port()
    env = environment(port, redis.url, smtp)
    os.environ.update(env)
    os.environ["WEB_CONCURRENCY"] = WORKERS
    import django

    django.setup()
    from django.db import close_old_connections

    celery = Celery(env)
    fault_record: list[str] = []
    report: dict[str, Any] = {}
    failed = False
    import bench.http_bench as http_bench

    http_bench.WORKERS, http_bench.THREADS = int(WORKERS), int(THREADS)
    try:
        with gunicorn(port):
            celery.start_worker()
            celery.start_beat()
            journal = OUT / "journal.jsonl"
            journal.unlink(missing_ok=True)
            log(f"{USERS} users for {SECONDS} s against gunicorn {WORKERS} × {THREADS} on port {port}")
            run_started = datetime.now().astimezone()
            started = time.monotonic()
            done = threading.Event()
            chaos = threading.Thread(target=faults, args=(redis, celery, started, done, fault_record), daemon=True)
            chaos.start()
            run = run_locust(port, locust_env(found, journal, "5,15"), users=USERS, seconds=SECONDS, prefix="run")
            done.set()
            chaos.join(timeout=60)
            run_ended = datetime.now().astimezone()
            log("run over; waiting (up to 90 s) for beat's next scans to send what came due during it")
            wait_for_reminders(run_ended, deadline=time.monotonic() + 90)
            close_old_connections()
            checks = check(journal, smtp, run_started, run_ended)
            failed = bool(checks["problems"])
            saturation = []
            for users in STEPS:
                log(f"saturation: {users} users, no think time, {STEP_SECONDS} s")
                before = cpu_seconds()
                step = run_locust(
                    port, locust_env(found, OUT / "journal-saturation.jsonl", "0,0"),
                    users=users, seconds=STEP_SECONDS, prefix=f"step-{users}", spawn_rate=max(2.0, users / 10),
                )  # fmt: skip
                after = cpu_seconds()
                spent = {p: after[p] - before[p] for p in PROGRAMS}
                requests = max(1, step["aggregate"].get("requests", 1))
                step["cpu_ms_per_request"] = {p: round(spent[p] * 1000 / requests, 1) for p in PROGRAMS}
                step["cpu_share"] = {p: round(spent[p] / (STEP_SECONDS * (os.cpu_count() or 1)), 2) for p in PROGRAMS}
                saturation.append({"users": users, **step})
                if step["aggregate"].get("p95_ms", 0) > SATURATED_P95_MS:
                    break
            report = {
                "when": run_started.isoformat(timespec="seconds"),
                "machine": f"{os.cpu_count()} cores",
                "front_line": round(USERS * 45 / 50),
                "managers": USERS - round(USERS * 45 / 50),
                "gunicorn": {"workers": int(WORKERS), "threads": int(THREADS)},
                "seconds": SECONDS,
                "faults": fault_record,
                "run": run,
                "targets": targets(run),
                "checks": checks,
                "saturation": saturation,
                "seeded_rows": {k.removeprefix("rows."): v for k, v in meta.items() if k.startswith("rows.")},
            }
    finally:
        celery.stop()
        redis.stop()
        smtp.stop()
    RESULTS_JSON.write_text(json.dumps(report, indent=2, default=str) + "\n")
    table = markdown(report)
    RESULTS_MD.write_text(table)
    sys.stdout.write(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
