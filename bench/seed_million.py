# ruff: noqa: E501, S608 - long SQL built only from constant fragments in this file (no outside input)
"""Seed a PostgreSQL database with a million complaints for `make bench`, in bulk SQL (minutes, not hours).

Run by bench/http_bench.py (or on its own: `python bench/seed_million.py`). It creates the database when
needed, runs `manage.py migrate` on it, and then fills it with `INSERT … SELECT … FROM generate_series`
whose values come from a deterministic hash of the row number (`hashint8extended`), so every run builds
the same data relative to the moment it was seeded:

- 45 staff (40 front line, 5 managers) in their groups, password BENCH_PASSWORD;
- ~200,000 customers in all five groups, some with one of 4,000 organisations;
- 1,000,000 complaints received over 3 years, with text from the demo stories; old ones mostly closed,
  recent ones open at every stage, a few stalled, ~2% escalated, ~2% reopened into round 2;
- one recovery action per done step (minutes, skips with reasons, atonement kind/value, follow-up
  satisfaction/retained; `due_at` when the model has that column), timeline events (logged, one per step,
  escalated, closed, reopened) and surveys for some followed-up complaints;
- the staff's training history (bench/seed_training.py; topped up on a database seeded before it): half
  the front line passed the five-step recovery at dates over the three years, most of them are fully
  trained today, the rest never passed it.

Stage, actions, close time/outcome, `step_due_at` (per RecoveryPolicy), round and version agree as the
workflow would leave them; the model's check constraints hold (they stay on during the load), and a few
invariant checks run at the end. While loading, secondary indexes are dropped and rebuilt afterwards
(from their own definitions) and foreign-key triggers are off (`session_replication_role = replica`);
the keys are generated in range. ANALYZE runs last, then the marker row in `bench_meta` is written: a
database holding it is reused unless BENCH_RESEED=1.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/caredesk_bench),
BENCH_RESEED (1 to drop and reseed), BENCH_COMPLAINTS (1000000), BENCH_CUSTOMERS (200000).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/caredesk_bench")
COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", "1000000"))
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "200000"))
ORGANIZATIONS = 4000
FRONT_LINE_STAFF = 40
MANAGER_STAFF = 5
BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 - a throwaway local benchmark database
YEARS = 3
VARIANTS_PER_STORY = 12
MARKER = "seeded"
# What manage.py and django.setup() run with while seeding (no server is started here).
DJANGO_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "false",
    "SECRET_KEY": "bench-seed-only-secret-key-long-enough-for-the-checks",
    "ALLOWED_HOSTS": "127.0.0.1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/5",
    "LOG_LEVEL": "WARNING",
}
# Tables loaded in bulk: their secondary indexes are dropped first and rebuilt after.
BULK_TABLES = (
    "customers_organization",
    "customers_customer",
    "recovery_complaint",
    "recovery_recoveryaction",
    "recovery_complaintevent",
    "recovery_survey",
)


def log(text: str) -> None:
    sys.stderr.write(f"[bench] {text}\n")
    sys.stderr.flush()


def database_name() -> str:
    return urlsplit(DATABASE_URL).path.lstrip("/")


def connect(url: str = DATABASE_URL) -> Any:
    import psycopg2  # type: ignore[import-untyped]

    return psycopg2.connect(url)


def seeded_info() -> dict[str, str] | None:
    """Return the bench_meta rows when the database exists and was fully seeded, else None."""
    import psycopg2

    try:
        conn = connect()
    except psycopg2.OperationalError:
        return None
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_meta') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT key, value FROM bench_meta")
            meta = {str(k): str(v) for k, v in cursor.fetchall()}
    finally:
        conn.close()
    return meta if meta.get(MARKER) == "yes" else None


def recreate_database() -> None:
    url = urlsplit(DATABASE_URL)
    admin = connect(urlunsplit(url._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database_name()}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{database_name()}"')
    admin.close()


def migrate() -> None:
    env = {**os.environ, **DJANGO_ENV}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)


# --- text and staff from Python ------------------------------------------------------------------


def _story_rows(categories: dict[str, int]) -> list[tuple[Any, ...]]:
    """Return the demo stories with their placeholders filled, VARIANTS_PER_STORY times each.

    `{first_name}` and `{org}` stay for SQL to fill from the complaint's customer.
    """
    from recovery import demo_text

    rng = random.Random(20260501)  # noqa: S311 - deterministic text, not security
    rows: list[tuple[Any, ...]] = []
    for story in demo_text.STORIES:
        for _ in range(VARIANTS_PER_STORY):
            atonement = rng.choice(story.atonements)
            values = {
                "first_name": "{first_name}",
                "org": "{org}",
                "colleague": "the team",
                "product": rng.choice(demo_text.PRODUCTS),
                "order": f"BW-{rng.randint(100_000, 999_999)}",
                "invoice": f"INV-{rng.randint(20_000, 99_999)}",
                "town": rng.choice(demo_text.TOWNS),
                "weekday": rng.choice(demo_text.WEEKDAYS),
                "courier": rng.choice(demo_text.COURIERS),
                "days": rng.randint(3, 21),
                "qty": rng.choice((12, 24, 36, 48, 60, 120)),
                "amount": f"{rng.randint(25, 900)}.{rng.choice(('00', '49', '95', '99'))}",
                "percent": rng.choice((10, 15, 20)),
                "value": "{value}",
            }

            def fill(template: str, values: dict[str, Any] = values) -> str:
                return template.format(**values)

            rows.append(
                (
                    len(rows),
                    categories[story.category],
                    fill(story.summary)[:200],
                    fill(story.description),
                    fill(story.remedy),
                    fill(story.fix),
                    fill(story.root_cause),
                    fill(story.corrective_action),
                    atonement.kind.value,
                    atonement.low,
                    atonement.high,
                    fill(atonement.note),
                )
            )
    return rows


def _texts() -> dict[str, list[str]]:
    from recovery import demo_text
    from recovery.models import Stage

    def plain(text: str) -> str:
        return text.replace("{first_name}", "the customer").replace("{colleague}", "the team")

    return {
        "first_names": list(demo_text.FIRST_NAMES),
        "last_names": list(demo_text.LAST_NAMES),
        "org_names": [*demo_text.DISTRIBUTORS, *demo_text.SUPPLIERS],
        "towns": list(demo_text.TOWNS),
        "domains": list(demo_text.PERSONAL_EMAIL_DOMAINS),
        "apologies": [plain(t) for texts in demo_text.APOLOGIES.values() for t in texts],
        "empathy": [plain(t) for t in demo_text.EMPATHY],
        "follow_ups": [plain(t) for t in demo_text.FOLLOW_UP_NOTES],
        "skip_reinstate": [plain(t) for t in demo_text.SKIP_REASONS[Stage.REINSTATE]],
        "skip_empathize": [plain(t) for t in demo_text.SKIP_REASONS[Stage.EMPATHIZE]],
        "skip_atone": [plain(t) for t in demo_text.SKIP_REASONS[Stage.ATONE]],
        "comments": [plain(t) for n in (1, 2, 3, 4, 5) for t in demo_text.CUSTOMER_COMMENTS[n]],
        "escalations": list(demo_text.ESCALATION_REASONS),
        "reopen_reasons": [plain(t) for texts in demo_text.REOPEN_REASONS.values() for t in texts],
    }


def create_staff() -> tuple[list[int], list[int]]:
    """Create the 40 front-line and 5 manager accounts (one password hash for all); return their keys."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.roles import FRONT_LINE, MANAGERS
    from recovery import demo_text

    user_model = get_user_model()
    password = make_password(BENCH_PASSWORD)
    front: list[int] = []
    managers: list[int] = []
    for role, count, prefix, keys in (
        (FRONT_LINE, FRONT_LINE_STAFF, "front", front),
        (MANAGERS, MANAGER_STAFF, "manager", managers),
    ):
        group = Group.objects.get(name=role)
        for n in range(1, count + 1):
            first = demo_text.FIRST_NAMES[(n * 7 + len(prefix)) % len(demo_text.FIRST_NAMES)]
            last = demo_text.LAST_NAMES[(n * 11 + len(prefix)) % len(demo_text.LAST_NAMES)]
            user = user_model.objects.create(
                username=f"{prefix}{n:02d}",
                first_name=first,
                last_name=last,
                email=f"{prefix}{n:02d}@brightwell.example",
                password=password,
                is_staff=role == MANAGERS,
            )
            user.groups.add(group)
            keys.append(user.pk)
    return front, managers


# --- SQL -----------------------------------------------------------------------------------------

# r(i, salt): a deterministic pseudo-random number in [0, 1) for row i (inlined by PostgreSQL).
FUNCTIONS = """
CREATE OR REPLACE FUNCTION pg_temp.r(i bigint, salt bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (hashint8extended(i, salt) & 2147483647)::float8 / 2147483648.0 $$;
CREATE OR REPLACE FUNCTION pg_temp.pick(items text[], x float8) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT items[1 + floor(x * cardinality(items))::int] $$;
"""

ORGANIZATIONS_SQL = """
INSERT INTO customers_organization (id, name, created_at)
SELECT i, pg_temp.pick(%(org_names)s, pg_temp.r(i, 1)) || ' ' || pg_temp.pick(%(towns)s, pg_temp.r(i, 2)) || ' '
          || lpad(i::text, 4, '0'),
       %(start)s::timestamptz - interval '400 days' + i * interval '1 hour'
FROM generate_series(1, %(organizations)s) AS i
"""

# phone_normalized is what Customer.save() stores (common.phones.phone_key, PHONE_REGION=GB): E.164.
CUSTOMERS_SQL = """
INSERT INTO customers_customer
    (id, name, email, phone, phone_normalized, organization_id, "group", consents_to_contact, staff_user_id,
     created_at, created_by_id)
SELECT i, p.first || ' ' || p.last,
       CASE WHEN pg_temp.r(i, 13) < 0.85
            THEN lower(replace(p.first || '.' || p.last, '''', '')) || i || '@' || pg_temp.pick(%(domains)s, pg_temp.r(i, 14))
            ELSE '' END,
       ph.phone,
       CASE WHEN ph.phone LIKE '+%%' THEN '+' || regexp_replace(ph.phone, '[^0-9]', '', 'g')
            WHEN ph.phone <> '' THEN '+44' || substr(regexp_replace(ph.phone, '[^0-9]', '', 'g'), 2)
            ELSE '' END,
       CASE WHEN p.grp IN ('distributor', 'supplier') AND pg_temp.r(i, 17) < 0.9
              OR p.grp IN ('end_user', 'prospect') AND pg_temp.r(i, 17) < 0.03
            THEN 1 + floor(pg_temp.r(i, 18) * %(organizations)s)::bigint END,
       p.grp, pg_temp.r(i, 19) < 0.65, NULL,
       %(start)s::timestamptz - interval '30 days' + (i::float8 / %(customers)s) * (%(end)s::timestamptz - %(start)s::timestamptz),
       NULL
FROM generate_series(1, %(customers)s) AS i
CROSS JOIN LATERAL (
    SELECT pg_temp.pick(%(first_names)s, pg_temp.r(i, 11)) AS first,
           pg_temp.pick(%(last_names)s, pg_temp.r(i, 12)) AS last,
           CASE WHEN pg_temp.r(i, 10) < 0.70 THEN 'end_user'
                WHEN pg_temp.r(i, 10) < 0.77 THEN 'prospect'
                WHEN pg_temp.r(i, 10) < 0.86 THEN 'distributor'
                WHEN pg_temp.r(i, 10) < 0.92 THEN 'supplier'
                ELSE 'employee' END AS grp
) AS p
CROSS JOIN LATERAL (
    SELECT CASE WHEN pg_temp.r(i, 15) < 0.6 THEN '+44 7700 9' || lpad((floor(pg_temp.r(i, 16) * 100000))::int::text, 5, '0')
                WHEN pg_temp.r(i, 15) < 0.8 THEN '020 7946 ' || lpad((floor(pg_temp.r(i, 16) * 10000))::int::text, 4, '0')
                ELSE '' END AS phone
) AS ph
"""

# Gaps between steps, in hours: apologize, reinstate, empathize, atone, follow up (after atone), close.
GAPS = ((0.25, 5.0), (2.0, 46.0), (0.5, 24.0), (12.0, 84.0), (72.0, 96.0), (0.5, 47.0))


def _gap(n: int, salt: int) -> str:
    low, spread = GAPS[n]
    return f"({low} + {spread} * pg_temp.r(i, {salt}))"


def _gap_columns() -> str:
    """The gaps of both rounds as columns of `base` (g1_0..g1_5, g2_0..g2_5), computed once per row."""
    return ",\n".join(f"{_gap(n, 100 * rnd + n)} AS g{rnd}_{n}" for rnd in (1, 2) for n in range(6))


def _plan_sql() -> str:
    """The per-complaint plan: times of every step in both rounds, stage, owner, flags (UNLOGGED, dropped after)."""
    hour = "interval '1 hour'"
    # Round 1: cumulative times t1[1..5] of the five steps and t1[6] of the close.
    g1 = [f"g1_{n}" for n in range(6)]
    t1 = ", ".join(f"received_at + ({' + '.join(g1[: j + 1])}) * {hour}" for j in range(6))
    # Round 2 starts at reopen_at with step f2: step j (>= f2) is done at reopen_at + the gaps f2..j.
    g2 = [f"g2_{n}" for n in range(6)]

    def round2(j: int) -> str:  # j is 1..6 (6 = close)
        terms = " + ".join(f"(CASE WHEN f2 <= {m + 1} THEN {g2[m]} ELSE 0 END)" for m in range(j))
        return f"CASE WHEN {j} >= f2 THEN reopen_at + ({terms}) * {hour} END"

    t2 = ", ".join(round2(j) for j in range(1, 7))
    done1 = " + ".join(f"(t1[{j}] < %(now)s)::int" for j in range(1, 6))
    done2 = " + ".join(f"(t2[{j}] IS NOT NULL AND t2[{j}] < %(now)s)::int" for j in range(1, 6))
    sat = """CASE WHEN pg_temp.r(i, {s}) < 0.05 THEN 1 WHEN pg_temp.r(i, {s}) < 0.12 THEN 2
                  WHEN pg_temp.r(i, {s}) < 0.28 THEN 3 WHEN pg_temp.r(i, {s}) < 0.58 THEN 4 ELSE 5 END"""
    return f"""
CREATE UNLOGGED TABLE bench_plan AS
WITH base AS MATERIALIZED (
    SELECT i,
           %(start)s::timestamptz + ((i - 1 + pg_temp.r(i, 1)) / %(complaints)s) * (%(now)s::timestamptz - %(start)s::timestamptz)
               - interval '10 minutes' AS received_at,
           CASE WHEN pg_temp.r(i, 2) < 0.35 THEN 'low' WHEN pg_temp.r(i, 2) < 0.75 THEN 'medium'
                WHEN pg_temp.r(i, 2) < 0.95 THEN 'high' ELSE 'critical' END AS severity,
           pg_temp.pick(ARRAY['phone', 'phone', 'phone', 'email', 'email', 'web', 'web', 'in_person', 'in_person',
                              'letter', 'social'], pg_temp.r(i, 3)) AS channel,
           1 + floor(pg_temp.r(i, 4) * %(customers)s)::bigint AS customer_id,
           floor(pg_temp.r(i, 5) * %(stories)s)::int AS story,
           (%(front)s::bigint[])[1 + floor(pg_temp.r(i, 6) * cardinality(%(front)s::bigint[]))::int] AS logged_by,
           CASE WHEN pg_temp.r(i, 7) < 0.85 THEN NULL
                ELSE (%(front)s::bigint[])[1 + floor(pg_temp.r(i, 8) * cardinality(%(front)s::bigint[]))::int] END
               AS handed_to,
           (%(managers)s::bigint[])[1 + floor(pg_temp.r(i, 9) * cardinality(%(managers)s::bigint[]))::int] AS manager,
           pg_temp.r(i, 10) < 0.004 AS stalled,
           floor(pg_temp.r(i, 11) * 6)::int AS stall_at,
           pg_temp.r(i, 12) < 0.02 AS wants_escalation,
           pg_temp.r(i, 13) < 0.02 AS wants_reopen,
           CASE WHEN pg_temp.r(i, 14) < 0.10 THEN 1 WHEN pg_temp.r(i, 14) < 0.30 THEN 2
                WHEN pg_temp.r(i, 14) < 0.40 THEN 3 WHEN pg_temp.r(i, 14) < 0.70 THEN 4 ELSE 5 END AS f2,
           {sat.format(s=15)} AS sat1,
           {sat.format(s=17)} AS sat2,
           pg_temp.r(i, 16) AS ret1_r,
           pg_temp.r(i, 18) AS ret2_r,
           (24 + 216 * pg_temp.r(i, 19)) * {hour} AS reopen_gap,
           pg_temp.r(i, 20) AS log_delay_r,
           {_gap_columns()}
    FROM generate_series(1, %(complaints)s) AS i
), round1 AS MATERIALIZED (
    SELECT b.*, ARRAY[{t1}] AS t1, coalesce(b.handed_to, b.logged_by) AS first_owner FROM base AS b
), k1 AS MATERIALIZED (
    SELECT r.*,
           CASE WHEN stalled THEN least({done1}, stall_at) ELSE {done1} END AS k1,
           t1[1] + (t1[2] - t1[1]) / 2 AS escalation_time
    FROM round1 AS r
), flags AS MATERIALIZED (
    SELECT k.*,
           (NOT stalled AND k1 = 5 AND t1[6] < %(now)s) AS closed1,
           (wants_escalation AND k1 >= 1 AND t1[1] + (t1[2] - t1[1]) / 2 < %(now)s) AS escalated
    FROM k1 AS k
), reopen AS MATERIALIZED (
    SELECT f.*,
           CASE WHEN closed1 AND wants_reopen AND t1[6] + reopen_gap < %(now)s THEN t1[6] + reopen_gap END AS reopen_at
    FROM flags AS f
), round2 AS MATERIALIZED (
    SELECT r.*, CASE WHEN reopen_at IS NOT NULL THEN ARRAY[{t2}] END AS t2 FROM reopen AS r
), k2 AS MATERIALIZED (
    SELECT r.*, CASE WHEN reopen_at IS NOT NULL THEN {done2} ELSE 0 END AS k2 FROM round2 AS r
), state AS MATERIALIZED (
    SELECT k.*,
           CASE WHEN reopen_at IS NULL THEN 1 ELSE 2 END AS round,
           CASE WHEN reopen_at IS NULL THEN closed1 ELSE (k2 = 6 - f2 AND t2[6] < %(now)s) END AS closed,
           -- 1..5 the step to do, 6 close, 7 closed
           CASE WHEN reopen_at IS NULL THEN (CASE WHEN closed1 THEN 7 ELSE k1 + 1 END)
                WHEN k2 = 6 - f2 AND t2[6] < %(now)s THEN 7
                ELSE f2 + k2 END AS stage_no,
           CASE WHEN escalated THEN manager ELSE first_owner END AS owner
    FROM k2 AS k
)
SELECT s.*,
       CASE WHEN round = 1 THEN received_at ELSE reopen_at END AS round_started_at,
       CASE WHEN round = 1 THEN 1 ELSE f2 END AS first_step,
       CASE WHEN round = 1 THEN sat1 ELSE sat2 END AS cur_sat,
       CASE WHEN round = 1 THEN ret1_r ELSE ret2_r END AS cur_ret_r,
       CASE WHEN round = 1 THEN t1[6] ELSE t2[6] END AS close_time,
       least(received_at + (1 + 9 * log_delay_r) * interval '1 minute', %(now)s) AS logged_at
FROM state AS s
"""


RETAINED = "CASE {sat} WHEN 5 THEN {r} < 0.97 WHEN 4 THEN {r} < 0.9 WHEN 3 THEN {r} < 0.7 WHEN 2 THEN {r} < 0.35 ELSE {r} < 0.1 END"
STEP_NAMES = "ARRAY['apologize', 'reinstate', 'empathize', 'atone', 'follow_up', 'close', 'closed']"


def _due_sql(step: str, started: str, previous: str) -> str:
    """SQL for when step number `step` is due per policy `pol` (follow-up: after the previous action)."""
    return f"""CASE {step}
        WHEN 1 THEN {started} + pol.hours_to_apologize * interval '1 hour'
        WHEN 2 THEN {started} + pol.hours_to_reinstate * interval '1 hour'
        WHEN 3 THEN {started} + pol.hours_to_empathize * interval '1 hour'
        WHEN 4 THEN {started} + pol.days_to_atone * interval '1 day'
        WHEN 5 THEN {previous} + pol.days_to_follow_up * interval '1 day' END"""


def _complaints_sql() -> str:
    step_time = "(CASE WHEN p.round = 1 THEN p.t1 ELSE p.t2 END)"
    previous = f"(CASE WHEN p.stage_no > p.first_step THEN {step_time}[p.stage_no - 1] ELSE p.round_started_at END)"
    retained = RETAINED.format(sat="p.cur_sat", r="p.cur_ret_r")
    last_time = f"""greatest(p.logged_at, CASE WHEN p.stage_no = 7 THEN p.close_time
        ELSE coalesce({step_time}[p.stage_no - 1], p.round_started_at) END)"""
    return f"""
INSERT INTO recovery_complaint (
    id, customer_id, channel, category_id, severity, summary, description, desired_remedy, received_at,
    logged_by_id, owner_id, stage, step_due_at, step_escalates_at, round, round_started_at, round_first_step, escalated_to_id,
    escalation_reason, escalated_at, outcome, satisfaction, root_cause, corrective_action, closed_at,
    customer_emails_enabled, version, created_at, updated_at)
SELECT p.i, p.customer_id, p.channel, s.category_id, p.severity, s.summary,
       CASE WHEN pg_temp.r(p.i, 30) < 0.9 THEN replace(replace(s.description, '{{first_name}}', split_part(c.name, ' ', 1)),
            '{{org}}', coalesce(o.name, 'the customer')) ELSE '' END,
       CASE WHEN pg_temp.r(p.i, 31) < 0.7 THEN s.remedy ELSE '' END,
       p.received_at, p.logged_by, p.owner,
       ({STEP_NAMES})[p.stage_no],
       CASE WHEN p.stage_no <= 5 THEN {_due_sql("p.stage_no", "p.round_started_at", previous)} END,
       CASE WHEN p.stage_no <= 5 THEN {_due_sql("p.stage_no", "p.round_started_at", previous)}
            + pol.escalation_grace_hours * interval '1 hour' END,
       p.round, p.round_started_at, ({STEP_NAMES})[p.first_step],
       CASE WHEN p.escalated THEN p.manager END,
       CASE WHEN p.escalated THEN pg_temp.pick(%(escalations)s, pg_temp.r(p.i, 32)) ELSE '' END,
       CASE WHEN p.escalated THEN p.escalation_time END,
       CASE WHEN p.stage_no = 7 THEN (CASE WHEN {retained} THEN 'retained' ELSE 'lost' END) ELSE '' END,
       CASE WHEN p.stage_no >= 6 THEN p.cur_sat END,
       CASE WHEN p.stage_no = 7 AND pg_temp.r(p.i, 33) < 0.6 THEN s.root_cause ELSE '' END,
       CASE WHEN p.stage_no = 7 AND pg_temp.r(p.i, 33) < 0.5 THEN s.corrective_action ELSE '' END,
       CASE WHEN p.stage_no = 7 THEN p.close_time END,
       pg_temp.r(p.i, 34) < 0.97,
       1 + p.k1 + p.k2 + p.escalated::int + p.closed1::int + (p.round = 2)::int + (p.round = 2 AND p.stage_no = 7)::int,
       p.logged_at,
       {last_time}
FROM bench_plan AS p
JOIN bench_story AS s ON s.idx = p.story
JOIN customers_customer AS c ON c.id = p.customer_id
LEFT JOIN customers_organization AS o ON o.id = c.organization_id
JOIN recovery_recoverypolicy AS pol ON pol.severity = p.severity
"""


MINUTES = "CASE a.step_no WHEN 1 THEN 2 + floor(13 * a.x) WHEN 2 THEN 10 + floor(110 * a.x) WHEN 3 THEN 3 + floor(17 * a.x) WHEN 4 THEN 5 + floor(25 * a.x) ELSE 5 + floor(15 * a.x) END"


def _actions_sql(has_due_at: bool) -> str:
    """Insert both rounds' actions: round 1 steps 1..k1, round 2 steps f2..f2+k2-1; key (complaint-1)*10+(round-1)*5+step."""
    due_column = ", due_at" if has_due_at else ""
    previous = "CASE WHEN a.step_no > a.first_of_round THEN a.times[a.step_no - 1] ELSE a.started END"
    due_value = f", {_due_sql('a.step_no', 'a.started', previous)}" if has_due_at else ""
    skip = """(a.step_no = 2 AND pg_temp.r(a.id, 1) < 0.08 OR a.step_no = 3 AND pg_temp.r(a.id, 1) < 0.10
               OR a.step_no = 4 AND pg_temp.r(a.id, 1) < 0.06)"""
    retained = RETAINED.format(sat="a.sat", r="a.ret_r")
    return f"""
INSERT INTO recovery_recoveryaction (
    id, complaint_id, round, step, done_by_id, done_at, note, minutes_spent, skipped, skip_reason,
    atonement_kind, atonement_value, satisfaction, retained, customer_comment{due_column})
SELECT a.id, a.complaint_id, a.round, ({STEP_NAMES})[a.step_no], a.done_by, a.times[a.step_no],
       CASE WHEN {skip} THEN ''
            WHEN a.step_no = 1 THEN pg_temp.pick(%(apologies)s, a.x)
            WHEN a.step_no = 2 THEN s.fix
            WHEN a.step_no = 3 THEN pg_temp.pick(%(empathy)s, a.x)
            WHEN a.step_no = 4 THEN CASE WHEN a.nothing THEN 'Deliberately nothing: the fix was what they wanted.'
                                          ELSE replace(s.atone_note, '{{value}}', a.value::text) END
            ELSE pg_temp.pick(%(follow_ups)s, a.x) END,
       CASE WHEN {skip} THEN 0 ELSE {MINUTES} END,
       {skip},
       CASE WHEN NOT {skip} THEN ''
            WHEN a.step_no = 2 THEN pg_temp.pick(%(skip_reinstate)s, a.x)
            WHEN a.step_no = 3 THEN pg_temp.pick(%(skip_empathize)s, a.x)
            ELSE pg_temp.pick(%(skip_atone)s, a.x) END,
       CASE WHEN a.step_no = 4 AND NOT {skip} THEN (CASE WHEN a.nothing THEN 'nothing' ELSE s.atone_kind END) ELSE '' END,
       CASE WHEN a.step_no = 4 AND NOT {skip} AND NOT a.nothing THEN a.value END,
       CASE WHEN a.step_no = 5 THEN a.sat END,
       CASE WHEN a.step_no = 5 THEN {retained} END,
       CASE WHEN a.step_no = 5 AND pg_temp.r(a.id, 3) < 0.4 THEN pg_temp.pick(%(comments)s, (a.sat - 1 + a.x) / 5) ELSE '' END
       {due_value}
FROM (
    SELECT (p.i - 1) * 10 + j AS id, p.i AS complaint_id, 1 AS round, j AS step_no, p.t1 AS times,
           p.received_at AS started, 1 AS first_of_round, p.sat1 AS sat, p.ret1_r AS ret_r, p.story, p.severity,
           CASE WHEN p.escalated AND p.t1[j] > p.escalation_time THEN p.manager ELSE p.first_owner END AS done_by,
           pg_temp.r((p.i - 1) * 10 + j, 2) AS x, pg_temp.r(p.i, 40) < 0.04 AS nothing,
           round((s.atone_low + (s.atone_high - s.atone_low) * pg_temp.r(p.i, 41))::numeric, 2) AS value
    FROM bench_plan AS p JOIN bench_story AS s ON s.idx = p.story CROSS JOIN generate_series(1, 5) AS j
    WHERE j <= p.k1
    UNION ALL
    SELECT (p.i - 1) * 10 + 5 + j, p.i, 2, j, p.t2, p.reopen_at, p.f2, p.sat2, p.ret2_r, p.story, p.severity,
           p.owner, pg_temp.r((p.i - 1) * 10 + 5 + j, 2), pg_temp.r(p.i, 42) < 0.04,
           round((s.atone_low + (s.atone_high - s.atone_low) * pg_temp.r(p.i, 43))::numeric, 2)
    FROM bench_plan AS p JOIN bench_story AS s ON s.idx = p.story CROSS JOIN generate_series(1, 5) AS j
    WHERE p.round = 2 AND j >= p.f2 AND j < p.f2 + p.k2
) AS a
JOIN bench_story AS s ON s.idx = a.story
JOIN recovery_recoverypolicy AS pol ON pol.severity = a.severity
"""


ISO = """to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')"""

EVENTS_SQL = [
    # logged
    f"""
INSERT INTO recovery_complaintevent (complaint_id, actor_id, kind, created_at, stage_before, stage_after, payload)
SELECT p.i, p.logged_by, 'logged', p.logged_at, '', 'apologize',
       jsonb_build_object('owner_id', p.first_owner, 'owner', st.display, 'received_at', {ISO.format(col="p.received_at")})
FROM bench_plan AS p JOIN bench_staff AS st ON st.id = p.first_owner
""",
    # one per step, from the actions
    f"""
INSERT INTO recovery_complaintevent (complaint_id, actor_id, kind, created_at, stage_before, stage_after, payload)
SELECT a.complaint_id, a.done_by_id, CASE WHEN a.skipped THEN 'step_skipped' ELSE 'step_done' END,
       a.done_at + interval '20 seconds', a.step,
       CASE a.step WHEN 'apologize' THEN 'reinstate' WHEN 'reinstate' THEN 'empathize' WHEN 'empathize' THEN 'atone'
                   WHEN 'atone' THEN 'follow_up' ELSE 'close' END,
       jsonb_build_object('step', a.step, 'action_id', a.id, 'done_at', {ISO.format(col="a.done_at")})
       || CASE WHEN a.minutes_spent > 0 THEN jsonb_build_object('minutes', a.minutes_spent) ELSE '{{}}'::jsonb END
       || CASE WHEN a.skipped THEN jsonb_build_object('reason', a.skip_reason) ELSE '{{}}'::jsonb END
FROM recovery_recoveryaction AS a
""",
    # escalated (between the apology and the next step)
    """
INSERT INTO recovery_complaintevent (complaint_id, actor_id, kind, created_at, stage_before, stage_after, payload)
SELECT p.i, p.first_owner, 'escalated', p.escalation_time, 'reinstate', 'reinstate',
       jsonb_build_object('from_id', p.first_owner, 'from', f.display, 'to_id', p.manager, 'to', m.display,
                          'reason', c.escalation_reason)
FROM bench_plan AS p
JOIN recovery_complaint AS c ON c.id = p.i
JOIN bench_staff AS f ON f.id = p.first_owner JOIN bench_staff AS m ON m.id = p.manager
WHERE p.escalated
""",
    # closed in round 1 (also for complaints reopened later)
    f"""
INSERT INTO recovery_complaintevent (complaint_id, actor_id, kind, created_at, stage_before, stage_after, payload)
SELECT p.i, CASE WHEN p.escalated THEN p.manager ELSE p.first_owner END, 'closed', p.t1[6], 'close', 'closed',
       jsonb_build_object('outcome', CASE WHEN {RETAINED.format(sat="p.sat1", r="p.ret1_r")} THEN 'retained' ELSE 'lost' END)
FROM bench_plan AS p WHERE p.closed1
""",
    # reopened
    f"""
INSERT INTO recovery_complaintevent (complaint_id, actor_id, kind, created_at, stage_before, stage_after, payload)
SELECT p.i, p.owner, 'reopened', p.reopen_at, 'closed', ({STEP_NAMES})[p.f2],
       jsonb_build_object('to_step', ({STEP_NAMES})[p.f2], 'reason', pg_temp.pick(%(reopen_reasons)s, pg_temp.r(p.i, 50)),
                          'round', 2, 'previous_outcome',
                          CASE WHEN {RETAINED.format(sat="p.sat1", r="p.ret1_r")} THEN 'retained' ELSE 'lost' END)
FROM bench_plan AS p WHERE p.round = 2
""",
    # closed in round 2
    """
INSERT INTO recovery_complaintevent (complaint_id, actor_id, kind, created_at, stage_before, stage_after, payload)
SELECT c.id, c.owner_id, 'closed', c.closed_at, 'close', 'closed', jsonb_build_object('outcome', c.outcome)
FROM recovery_complaint AS c WHERE c.round = 2 AND c.stage = 'closed'
""",
]

SURVEYS_SQL = """
INSERT INTO recovery_survey (complaint_id, round, created_at, sent_at, answered_at, satisfaction, would_return, comment)
SELECT a.complaint_id, a.round, a.done_at - interval '30 hours', a.done_at - interval '30 hours',
       CASE WHEN ans THEN a.done_at - interval '6 hours' END,
       CASE WHEN ans THEN a.satisfaction END,
       CASE WHEN ans THEN a.retained END,
       CASE WHEN ans AND pg_temp.r(a.id, 61) < 0.3 THEN pg_temp.pick(%(comments)s, (a.satisfaction - 1 + pg_temp.r(a.id, 62)) / 5)
            ELSE '' END
FROM recovery_recoveryaction AS a
JOIN recovery_complaint AS c ON c.id = a.complaint_id
JOIN customers_customer AS cu ON cu.id = c.customer_id
CROSS JOIN LATERAL (SELECT pg_temp.r(a.id, 60) < 0.7 AS ans) AS answered
WHERE a.step = 'follow_up' AND cu.consents_to_contact AND cu.email <> '' AND pg_temp.r(a.id, 59) < 0.5
"""

# Each query must return 0: the invariants the app relies on beyond the check constraints.
INVARIANTS = {
    "open complaint at a step without step_due_at": (
        "SELECT count(*) FROM recovery_complaint WHERE stage IN ('apologize','reinstate','empathize','atone',"
        "'follow_up') AND step_due_at IS NULL"
    ),
    "escalation time without a due time, or a due time without one": (
        "SELECT count(*) FROM recovery_complaint WHERE (step_due_at IS NULL) <> (step_escalates_at IS NULL)"
    ),
    "close/closed with step_due_at": (
        "SELECT count(*) FROM recovery_complaint WHERE stage IN ('close','closed') AND step_due_at IS NOT NULL"
    ),
    "current round actions != steps before the stage": """
        SELECT count(*) FROM recovery_complaint c
        LEFT JOIN LATERAL (SELECT count(*) AS n FROM recovery_recoveryaction a
                           WHERE a.complaint_id = c.id AND a.round = c.round) a ON true
        WHERE a.n <> (CASE c.stage WHEN 'closed' THEN 6 WHEN 'close' THEN 6 ELSE
                      array_position(ARRAY['apologize','reinstate','empathize','atone','follow_up'], c.stage::text) END)
                     - array_position(ARRAY['apologize','reinstate','empathize','atone','follow_up'],
                                      c.round_first_step::text)""",
    "action before the round started or after now": """
        SELECT count(*) FROM recovery_recoveryaction a JOIN recovery_complaint c ON c.id = a.complaint_id
        WHERE a.done_at > now() + interval '1 minute'
           OR (a.round = c.round AND a.done_at < CASE WHEN c.round = 1 THEN c.received_at ELSE c.round_started_at END)""",
    "closed before its follow-up": """
        SELECT count(*) FROM recovery_complaint c JOIN recovery_recoveryaction a
          ON a.complaint_id = c.id AND a.round = c.round AND a.step = 'follow_up'
        WHERE c.stage = 'closed' AND c.closed_at < a.done_at""",
    "satisfaction differs from the current follow-up": """
        SELECT count(*) FROM recovery_complaint c LEFT JOIN recovery_recoveryaction a
          ON a.complaint_id = c.id AND a.round = c.round AND a.step = 'follow_up'
        WHERE c.satisfaction IS DISTINCT FROM a.satisfaction""",
    "dangling keys": """
        SELECT (SELECT count(*) FROM recovery_complaint c LEFT JOIN customers_customer cu ON cu.id = c.customer_id
                WHERE cu.id IS NULL)
             + (SELECT count(*) FROM recovery_complaint c LEFT JOIN auth_user u ON u.id = c.owner_id WHERE u.id IS NULL)
             + (SELECT count(*) FROM customers_customer c LEFT JOIN customers_organization o
                ON o.id = c.organization_id WHERE c.organization_id IS NOT NULL AND o.id IS NULL)""",
}


@contextmanager
def _step(name: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    log(f"  {name}: {time.monotonic() - started:.1f} s")


def _secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """Return (name, definition) of the table's indexes that back no constraint (safe to drop and rebuild)."""
    cursor.execute(
        """SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = %s::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)""",
        [table],
    )
    return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


def _unfilled_columns(cursor: Any, table: str, filled: set[str]) -> list[str]:
    """Return NOT NULL columns without a default that the load does not fill (a model change the seed missed)."""
    cursor.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL""",
        [table],
    )
    return [str(name) for (name,) in cursor.fetchall() if name not in filled]


def _columns(cursor: Any, table: str) -> set[str]:
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    return {str(name) for (name,) in cursor.fetchall()}


def _insert_columns(sql: str) -> set[str]:
    head = sql.split("(", 1)[1].split(")", 1)[0]
    return {part.strip().strip('"') for part in head.split(",")}


def seed() -> dict[str, Any]:
    """Create, migrate and fill the database; return what was seeded and how long it took."""
    started = time.monotonic()
    log(f"creating and migrating {database_name()}")
    recreate_database()
    migrate()
    os.environ.update(DJANGO_ENV)
    import django

    django.setup()
    from django.db import connection

    from recovery.models import Category

    front, managers = create_staff()
    categories = {c.name: c.pk for c in Category.objects.all()}
    stories = _story_rows(categories)
    connection.close()

    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=365 * YEARS)
    params: dict[str, Any] = {
        **_texts(),
        "now": now,
        "start": start,
        "end": now,
        "complaints": COMPLAINTS,
        "customers": CUSTOMERS,
        "organizations": ORGANIZATIONS,
        "stories": len(stories),
        "front": front,
        "managers": managers,
    }
    conn = connect()
    cursor = conn.cursor()
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute("SET work_mem = '64MB'")
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SET jit = off")  # JIT-compiling these large expressions takes longer than running them
    try:
        cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading (keys in range)
    except Exception:  # not a superuser: load with the triggers on (slower, same result)
        conn.rollback()
        log("  (cannot switch off FK triggers: loading with them on)")
    cursor.execute(FUNCTIONS)
    has_due_at = "due_at" in _columns(cursor, "recovery_recoveryaction")
    log(f"  RecoveryAction.due_at column: {'yes' if has_due_at else 'no (migration 0008 not applied)'}")
    for table, sql in (
        ("recovery_complaint", _complaints_sql()),
        ("recovery_recoveryaction", _actions_sql(has_due_at)),
        ("customers_customer", CUSTOMERS_SQL),
    ):
        missing = _unfilled_columns(cursor, table, _insert_columns(sql))
        if missing:
            raise SystemExit(f"bench/seed_million.py does not fill {table}.{', '.join(missing)}: update the seed.")

    dropped: list[tuple[str, str]] = []
    for table in BULK_TABLES:
        for name, definition in _secondary_indexes(cursor, table):
            cursor.execute(f'DROP INDEX "{name}"')
            dropped.append((name, definition))
    cursor.execute(
        "CREATE UNLOGGED TABLE bench_staff AS SELECT id, coalesce(nullif(trim(first_name || ' ' || last_name), ''), "
        "username) AS display FROM auth_user"
    )
    cursor.execute(
        "CREATE UNLOGGED TABLE bench_story (idx int PRIMARY KEY, category_id bigint, summary text, description text, "
        "remedy text, fix text, root_cause text, corrective_action text, atone_kind text, atone_low int, "
        "atone_high int, atone_note text)"
    )
    cursor.executemany("INSERT INTO bench_story VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", stories)

    with _step("organisations and customers"):
        cursor.execute(ORGANIZATIONS_SQL, params)
        cursor.execute(CUSTOMERS_SQL, params)
    with _step("plan"):
        cursor.execute(_plan_sql(), params)
    with _step("complaints"):
        cursor.execute(_complaints_sql(), params)
    with _step("actions"):
        cursor.execute(_actions_sql(has_due_at), params)
    with _step("events"):
        for sql in EVENTS_SQL:
            cursor.execute(sql, params)
    with _step("surveys"):
        cursor.execute(SURVEYS_SQL, params)
    if "apologized_at" in _columns(cursor, "recovery_complaint"):
        from recovery.facts import refresh_all_sql

        with _step("complaint step facts"):  # what the workflow keeps on each complaint (recovery/facts.py)
            cursor.execute(refresh_all_sql())
        # That UPDATE left a dead copy of every complaint row; a table grown by normal use (autovacuum) has
        # little such bloat, so compact it rather than measure scans over twice the pages.
        conn.commit()
        conn.autocommit = True  # VACUUM runs outside a transaction
        with _step("compacting complaints"):
            cursor.execute("VACUUM FULL recovery_complaint")
        conn.autocommit = False
    cursor.execute("SET session_replication_role = DEFAULT")
    for table in BULK_TABLES:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest((SELECT max(id) FROM {table}), 1))"
        )
    cursor.execute("DROP TABLE bench_plan, bench_staff, bench_story")
    conn.commit()
    with _step(f"rebuilding {len(dropped)} indexes"):
        for _, definition in dropped:
            cursor.execute(definition)
        conn.commit()
    # A complaints table grown by use holds its rows in the order they arrived; the generated rows are in
    # random order, which would make every date-range scan (the dashboard's) touch most of the table.
    with _step("ordering complaints by arrival (CLUSTER)"):
        cursor.execute("CLUSTER recovery_complaint USING complaint_received_idx")
        conn.commit()
    # Loaded with triggers off: the dashboard's roll-up holds none of it until ensure_rollup counts it.
    cursor.execute(
        "INSERT INTO recovery_rollupstate (id, built_at) VALUES (1, NULL) ON CONFLICT (id) DO UPDATE SET built_at = NULL"
    )
    with _step("checking invariants"):
        for name, sql in INVARIANTS.items():
            cursor.execute(sql)
            bad = cursor.fetchone()[0]
            if bad:
                raise SystemExit(f"seeded data breaks an invariant: {name} ({bad} rows)")
    conn.commit()
    conn.autocommit = True
    with _step("VACUUM ANALYZE"):
        cursor.execute("VACUUM (ANALYZE)")
    counts = {}
    for table in (*BULK_TABLES, "auth_user"):
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = int(cursor.fetchone()[0])
    seconds = round(time.monotonic() - started, 1)
    meta = {
        MARKER: "yes",
        "seeded_at": now.isoformat(),
        "seconds": str(seconds),
        "password": BENCH_PASSWORD,
        **{f"rows.{table}": str(n) for table, n in counts.items()},
    }
    cursor.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
    cursor.executemany("INSERT INTO bench_meta VALUES (%s, %s)", list(meta.items()))
    conn.close()
    log(f"seeded in {seconds:.1f} s: {counts}")
    return meta


def ensure_training(meta: dict[str, str]) -> None:
    """Store the staff's training history (bench/seed_training.py) unless the database has it already.

    A database seeded before that step existed gets it here, in seconds, without reseeding the complaints.
    """
    from bench import seed_training

    conn = connect()
    try:
        with conn.cursor() as cursor:
            if seed_training.is_seeded(cursor):
                return
    finally:
        conn.close()
    os.environ.update(DJANGO_ENV)
    import django

    django.setup()
    end = datetime.fromisoformat(meta["seeded_at"])
    with _step("training history"):
        counts = seed_training.seed_training(start=end - timedelta(days=365 * YEARS), end=end)
    conn = connect()
    with conn, conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(seed_training.MARKER, "yes"), *((f"training.{name}", str(n)) for name, n in counts.items())],
        )
    conn.close()
    log(f"training history: {counts}")


# The dashboard's roll-up (recovery.rollup) against the complaints: each query must return 0. The days
# are local days in the installation's TIME_ZONE (Europe/London here, the default).
_LOCAL_DAY = "(({column}) AT TIME ZONE 'Europe/London')::date"
ROLLUP_INVARIANTS = {
    "roll-up: received per day differs from the complaints": f"""
        SELECT count(*) FROM (
          SELECT {_LOCAL_DAY.format(column="received_at")} AS day, count(*) AS n FROM recovery_complaint GROUP BY 1
        ) c FULL JOIN (SELECT day, complaints AS n FROM recovery_dailyfigures
                       WHERE cohort = 1 AND slice = 0 AND NOT month) f USING (day)
        WHERE c.n IS DISTINCT FROM f.n""",
    "roll-up: closed and retained per day differ from the complaints": f"""
        SELECT count(*) FROM (
          SELECT {_LOCAL_DAY.format(column="closed_at")} AS day, count(*) AS n,
                 count(*) FILTER (WHERE outcome = 'retained') AS kept
          FROM recovery_complaint WHERE closed_at IS NOT NULL GROUP BY 1
        ) c FULL JOIN (SELECT day, complaints AS n, retained AS kept FROM recovery_dailyfigures
                       WHERE cohort = 2 AND slice = 0 AND NOT month) f USING (day)
        WHERE (c.n, c.kept) IS DISTINCT FROM (f.n, f.kept)""",
    "roll-up: surveys sent per day differ from the surveys": f"""
        SELECT count(*) FROM (
          SELECT {_LOCAL_DAY.format(column="sent_at")} AS day, count(*) AS n FROM recovery_survey
          WHERE sent_at IS NOT NULL GROUP BY 1
        ) c FULL JOIN (SELECT day, complaints AS n FROM recovery_dailyfigures
                       WHERE cohort = 3 AND slice = 0 AND NOT month) f USING (day)
        WHERE c.n IS DISTINCT FROM f.n""",
    "roll-up: a slice does not add up to the day's total": """
        SELECT count(*) FROM (
          SELECT cohort, day, slice, sum(complaints) AS n, sum(minutes) AS minutes FROM recovery_dailyfigures
          WHERE NOT month GROUP BY cohort, day, slice
        ) s JOIN recovery_dailyfigures t ON t.cohort = s.cohort AND t.day = s.day AND t.slice = 0 AND NOT t.month
        WHERE (s.n, s.minutes) IS DISTINCT FROM (t.complaints, t.minutes)""",
    "roll-up: a month row is not the sum of its days": """
        SELECT count(*) FROM (
          SELECT cohort, date_trunc('month', day)::date AS day, slice, customer_group, severity, category_pk,
                 handler_pk, split, sum(complaints) AS n, sum(retained) AS kept
          FROM recovery_dailyfigures WHERE NOT month GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        ) d FULL JOIN (SELECT * FROM recovery_dailyfigures WHERE month) m
          USING (cohort, day, slice, customer_group, severity, category_pk, handler_pk, split)
        WHERE (d.n, d.kept) IS DISTINCT FROM (m.complaints, m.retained)""",
    "roll-up: apology times counted differ from the complaints apologized": f"""
        SELECT count(*) FROM (
          SELECT {_LOCAL_DAY.format(column="received_at")} AS day, count(*) AS n FROM recovery_complaint
          WHERE apologized_at IS NOT NULL GROUP BY 1
        ) c FULL JOIN (SELECT t.day, sum(e.value::int) AS n FROM recovery_dailytimes t,
                       jsonb_each_text(t.apology) e WHERE t.cohort = 1 AND t.slice = 0 AND NOT t.month GROUP BY 1) f
          USING (day)
        WHERE c.n IS DISTINCT FROM f.n""",
    "roll-up: root causes counted differ from the complaints closed with one": f"""
        SELECT count(*) FROM (
          SELECT {_LOCAL_DAY.format(column="closed_at")} AS day, count(*) AS n FROM recovery_complaint
          WHERE closed_at IS NOT NULL AND root_cause <> '' GROUP BY 1
        ) c FULL JOIN (SELECT day, sum(complaints) AS n FROM recovery_dailycauses WHERE slice = 0 GROUP BY 1) f
          USING (day)
        WHERE c.n IS DISTINCT FROM f.n""",
    "roll-up: changes left unfolded after the rebuild": "SELECT count(*) FROM recovery_figureschange",
}


def ensure_rollup() -> None:
    """Build the dashboard's roll-up when it was never counted (the seed loads with triggers off; then the
    training history's back-dated passes are in it too), fold in changes a run left, then check it against
    the complaints."""
    conn = connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM recovery_figureschange")
            pending = cursor.fetchone()[0]
            cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM recovery_rollupstate WHERE built_at IS NULL)")
            built = cursor.fetchone()[0]
            if built and pending:  # changes a run left (a loadtest's): fold them in, as beat would
                with _step(f"folding {pending} changes into the dashboard's roll-up"):
                    os.environ.update(DJANGO_ENV)
                    import django

                    django.setup()
                    from recovery.rollup import build

                    build.apply_changes()
            elif not built:
                env = {**os.environ, **DJANGO_ENV}
                with _step("dashboard roll-up (manage.py rebuild_dashboard_facts)"):
                    subprocess.run(
                        [sys.executable, "manage.py", "rebuild_dashboard_facts"], cwd=BASE_DIR, env=env, check=True
                    )
                    cursor.execute("VACUUM (ANALYZE) recovery_dailyfigures, recovery_dailytimes, recovery_dailycauses")
            with _step("checking the roll-up's invariants"):
                for name, sql in ROLLUP_INVARIANTS.items():
                    cursor.execute(sql)
                    bad = cursor.fetchone()[0]
                    if bad:
                        raise SystemExit(f"the dashboard's roll-up breaks an invariant: {name} ({bad} rows)")
    finally:
        conn.close()


def ensure_seeded(*, reseed: bool = False) -> tuple[dict[str, str], bool]:
    """Return the bench_meta of a seeded database, seeding it first when needed; and whether it was seeded now.

    Either way the staff's training history is topped up when missing (`ensure_training`), and the
    dashboard's roll-up is built when needed and checked against the complaints (`ensure_rollup`).
    """
    meta = None if reseed else seeded_info()
    seeded_now = meta is None
    if meta is not None:
        log(f"reusing {database_name()} seeded at {meta.get('seeded_at')} (BENCH_RESEED=1 to reseed); migrating")
        migrate()  # migrations added since (an index, say) apply to the seeded data too
    else:
        seed()
        meta = seeded_info()
        if meta is None:
            raise SystemExit("seeding finished without its marker")
    ensure_training(meta)
    ensure_rollup()
    meta = seeded_info()
    if meta is None:
        raise SystemExit("the bench database lost its marker")
    return meta, seeded_now


if __name__ == "__main__":
    info, _ = ensure_seeded(reseed=os.environ.get("BENCH_RESEED", "") == "1")
    sys.stdout.write(f"seeding took {info['seconds']} s\n")
