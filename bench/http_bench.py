"""Benchmark: the main screens over HTTP at a million complaints, under gunicorn with production settings.

Run with `make bench`. It seeds (or reuses) the PostgreSQL database caredesk_bench with bench/seed_million.py,
collects the static files, starts gunicorn on a free loopback port with DEBUG off and the opt-in
QueryCountMiddleware (X-Query-Count, Server-Timing), signs in through the login form as a manager and as
a front-line user, and requests each screen sequentially over one keep-alive connection: a warm-up pass,
then BENCH_REQUESTS timed requests. It reports p50/p95/max of the server time (Server-Timing) and of the
client time, and the queries per request; for the CSV export also the time to first byte, rows/s and the
gunicorn workers' peak RSS. Screens that answer 404 are reported as "not available". Results go to
bench/results.json and bench/results.md (a Markdown table, also printed). gunicorn is always stopped.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/caredesk_bench), BENCH_RESEED
(1 to reseed), BENCH_REQUESTS (40 per endpoint), BENCH_EXPORT_RUNS (1), BENCH_WORKERS (2), BENCH_THREADS (4).
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import seed_million  # noqa: E402 - needs the path above

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
EXPORT_RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "1"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
CACHE_URL = "redis://127.0.0.1:6379/5"
RESULTS_JSON = BASE_DIR / "bench" / "results.json"
RESULTS_MD = BASE_DIR / "bench" / "results.md"
LOCAL_TZ = ZoneInfo("Europe/London")
WARM_UP = 3

# (kind, p95 limit in ms, query limit) checked against the client time.
TARGETS = {
    "list": (50.0, None),
    "detail": (50.0, None),
    "queue": (50.0, None),
    "search": (150.0, None),
    # The dashboard computed on the spot (its cache emptied before each request): 90 days or one narrowing;
    # a year; three years; the monthly review.
    "dashboard": (150.0, 20),
    "dashboard_year": (300.0, 20),
    "dashboard_3y": (600.0, 20),
    "review": (300.0, 20),
}
EXPORT_TARGET_ROWS_PER_S = 20_000
# The export's worker may grow by less than this while streaming a million rows ("flat memory").
FLAT_MB = 50


def log(text: str) -> None:
    sys.stderr.write(f"[bench] {text}\n")
    sys.stderr.flush()


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": seed_million.DATABASE_URL,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_URL": CACHE_URL,
        "CELERY_BROKER_URL": CACHE_URL,
        # Plain HTTP on loopback: the trial settings of the README's production section.
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "QUERY_COUNT_HEADERS": "true",
        "STATIC_ROOT": str(BASE_DIR / "var" / "bench" / "static"),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        # Far above what the bench sends, so signing in twice never locks anyone out.
        "AXES_FAILURE_LIMIT": "1000",
        # The bench's managers sign in with a password only: a second step would only time the code page.
        "REQUIRE_2FA_FOR_MANAGERS": "false",
        # One address sends every public complaint here, as fast as it can: the spam checks would refuse it.
        "PUBLIC_FORM_RATE_LIMIT": "100000/h",
        "PUBLIC_FORM_MIN_SECONDS": "0",
        # The API's per-token limit would answer 429 to the bench's one token: it measures the server.
        "API_RATE_PER_MINUTE": "1000000",
    }


@contextmanager
def gunicorn(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Run gunicorn on 127.0.0.1:port for the block; stop it (and its workers) whatever happens."""
    env = server_environment(port)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True
    )
    logs = BASE_DIR / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    out = (logs / "gunicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            *("--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS)),
            *("--worker-class", "gthread", "--keep-alive", "30", "--timeout", "300", "--log-level", "warning"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited ({server.returncode}); see var/bench/gunicorn.log")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/login/")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer within 60 s; see var/bench/gunicorn.log")
            time.sleep(0.3)
        yield server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        out.close()
        log("gunicorn stopped")


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command may contain spaces and parentheses: the fields after the last ')' are fixed.
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry.name))
    return sorted(pids)


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


# --- the client ----------------------------------------------------------------------------------


class Client:
    """One keep-alive connection with a cookie jar; every request is timed."""

    def __init__(self, port: int, *, token: str = "") -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.cookies: dict[str, str] = {}
        self.token = token  # an API token: requests carry it, and bodies go as JSON

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        stream_to: Callable[[bytes], None] | None = None,
    ) -> dict[str, Any]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Connection": "keep-alive"}
        data = None
        if self.token:
            headers = {"Authorization": f"Bearer {self.token}", "Connection": "keep-alive"}
        if body is not None and self.token:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif body is not None:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # the server closed the idle connection: open a new one, once
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            started = time.perf_counter()
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
        first_byte = time.perf_counter()
        size = 0
        content = b""
        if stream_to is None:
            content = response.read()
            size = len(content)
        else:
            while chunk := response.read(1 << 16):
                size += len(chunk)
                stream_to(chunk)
        done = time.perf_counter()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        timing = re.search(r"dur=([\d.]+)", response.getheader("Server-Timing") or "")
        return {
            "status": response.status,
            "location": response.getheader("Location") or "",
            "client_ms": (done - started) * 1000,
            "ttfb_ms": (first_byte - started) * 1000,
            "server_ms": float(timing.group(1)) if timing else None,
            "queries": int(response.getheader("X-Query-Count") or -1),
            "bytes": size,
            "text": content.decode("utf-8", "replace"),
        }

    def csrf(self) -> str:
        return self.cookies["csrftoken"]

    def make_api_token(self) -> str:
        """Make an API token on the token page, as a person would, and read it off the page."""
        page = self.request("GET", "/account/api-tokens/")
        form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page["text"])
        if form is None:
            raise SystemExit("no CSRF token on the API token page")
        made = self.request(
            "POST", "/account/api-tokens/", {"csrfmiddlewaretoken": form.group(1), "name": "make bench"}
        )
        token = re.search(r'id="new-token" type="text" value="([^"]+)"', made["text"])
        if token is None:
            raise SystemExit(f"the API token page showed no new token ({made['status']})")
        return token.group(1)

    def login(self, username: str, password: str) -> None:
        page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page["text"])
        if token is None:
            raise SystemExit("no CSRF token on the login page")
        result = self.request(
            "POST", "/login/", {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        )
        if result["status"] != 302:
            raise SystemExit(f"signing in as {username} failed ({result['status']})")


# --- measuring -----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summarize(samples: list[dict[str, Any]]) -> dict[str, Any]:
    client = [s["client_ms"] for s in samples]
    server = [s["server_ms"] for s in samples if s["server_ms"] is not None]
    queries = [s["queries"] for s in samples]
    return {
        "requests": len(samples),
        "statuses": sorted({s["status"] for s in samples}),
        "client_ms": {"p50": statistics.median(client), "p95": percentile(client, 95), "max": max(client)},
        "server_ms": (
            {"p50": statistics.median(server), "p95": percentile(server, 95), "max": max(server)} if server else None
        ),
        "queries": {"min": min(queries), "max": max(queries)},
        "bytes_p50": statistics.median(s["bytes"] for s in samples),
    }


class Bench:
    def __init__(self, port: int, master: int) -> None:
        self.port = port
        self.master = master
        self.results: list[dict[str, Any]] = []

    def run(
        self,
        name: str,
        kind: str,
        client: Client,
        paths: Callable[[int], str],
        *,
        count: int = REQUESTS,
        before_each: Callable[[], object] | None = None,
        post: Callable[[int], dict[str, Any]] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> dict[str, Any]:
        """Warm up, then time `count` requests of paths(n) (a POST of post(n) when given)."""
        probe = client.request("GET", paths(0)) if post is None else None
        if probe is not None and probe["status"] == 404:
            missing: dict[str, Any] = {"name": name, "kind": kind, "path": paths(0), "available": False}
            log(f"{name}: not available (404)")
            self.results.append(missing)
            return missing
        samples = []
        for n in range(-WARM_UP, count):
            if before_each is not None:
                before_each()
            sample = client.request("GET", paths(n)) if post is None else client.request("POST", paths(n), post(n))
            if sample["status"] not in expect:
                raise SystemExit(f"{name}: {paths(n)} answered {sample['status']}, expected {expect}")
            if n >= 0:
                samples.append(sample)
        stats = summarize(samples)
        entry: dict[str, Any] = {"name": name, "kind": kind, "path": paths(0), "available": True, **stats}
        entry["target"] = self.target(kind, entry)
        log(
            f"{name}: client p50 {stats['client_ms']['p50']:.1f} p95 {stats['client_ms']['p95']:.1f} ms, "
            f"server p95 {(stats['server_ms'] or {}).get('p95', 0):.1f} ms, queries {stats['queries']['max']}"
        )
        self.results.append(entry)
        return entry

    @staticmethod
    def target(kind: str, entry: dict[str, Any]) -> dict[str, Any] | None:
        if kind not in TARGETS:
            return None
        limit, queries = TARGETS[kind]
        met = entry["client_ms"]["p95"] <= limit and (queries is None or entry["queries"]["max"] <= queries)
        text = f"p95 ≤ {limit:.0f} ms" + (f", ≤ {queries} queries" if queries is not None else "")
        return {"text": text, "met": met}

    def export(self, name: str, client: Client, path: str, *, target: bool = True) -> dict[str, Any]:
        """Stream the CSV export, counting rows and sampling the workers' RSS."""
        probe = client.request("GET", "/complaints/export.csv?q=C-000001")  # one row: is it there at all?
        if probe["status"] == 404:
            entry = {"name": name, "kind": "export", "path": path, "available": False}
            log(f"{name}: not available (404)")
            self.results.append(entry)
            return entry
        runs = []
        for _ in range(EXPORT_RUNS):
            pids = worker_pids(self.master)
            baseline = {pid: memory_kb(pid, "VmRSS") for pid in pids}
            peak = dict(baseline)
            stop = threading.Event()

            def sample(pids: list[int] = pids, peak: dict[int, int] = peak, stop: threading.Event = stop) -> None:
                while not stop.is_set():
                    for pid in pids:
                        with suppress(OSError):  # the worker may be gone
                            peak[pid] = max(peak[pid], memory_kb(pid, "VmRSS"))
                    stop.wait(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            newlines = 0

            def count(chunk: bytes) -> None:
                nonlocal newlines
                newlines += chunk.count(b"\n")

            try:
                result = client.request("GET", path, stream_to=count)
            finally:
                stop.set()
                sampler.join()
            if result["status"] != 200:
                raise SystemExit(f"{name}: {path} answered {result['status']}")
            rows = max(0, newlines - 1)  # the header line
            busiest = max(pids, key=lambda pid: peak[pid] - baseline[pid])
            runs.append(
                {
                    "rows": rows,
                    "ttfb_ms": result["ttfb_ms"],
                    "total_s": result["client_ms"] / 1000,
                    "rows_per_s": rows / (result["client_ms"] / 1000),
                    "mb": result["bytes"] / 1e6,
                    "rss_before_mb": baseline[busiest] / 1024,
                    "rss_peak_mb": peak[busiest] / 1024,
                    "vmhwm_mb": memory_kb(busiest, "VmHWM") / 1024,
                    "queries_before_first_byte": result["queries"],
                }
            )
            log(f"{name}: {runs[-1]}")
        best = max(runs, key=lambda r: r["rows_per_s"])
        growth = best["rss_peak_mb"] - best["rss_before_mb"]
        entry = {"name": name, "kind": "export", "path": path, "available": True, "runs": runs, **best}
        entry["rss_growth_mb"] = growth
        entry["target"] = (
            {
                "text": f"≥ {EXPORT_TARGET_ROWS_PER_S:,} rows/s, flat memory (RSS growth < {FLAT_MB} MB)",
                "met": best["rows_per_s"] >= EXPORT_TARGET_ROWS_PER_S and growth < FLAT_MB,
            }
            if target
            else None
        )
        self.results.append(entry)
        return entry


# --- the scenario --------------------------------------------------------------------------------


def facts(cursor: Any) -> dict[str, Any]:
    """Pick the users, complaints and search words the requests use, from the seeded data."""

    def one(sql: str, params: tuple[Any, ...] = ()) -> Any:
        cursor.execute(sql, params)
        return cursor.fetchone()

    found: dict[str, Any] = {}
    found["manager"] = one("SELECT username, id FROM auth_user WHERE username = 'manager01'")
    # The front-line user with the median number of open complaints.
    found["front"] = one(
        """SELECT u.username, u.id, count(c.id) FROM auth_user u
           JOIN recovery_complaint c ON c.owner_id = u.id AND c.stage <> 'closed'
           WHERE u.username LIKE 'front%%' GROUP BY u.id ORDER BY count(c.id), u.id
           OFFSET (SELECT count(*) / 2 FROM auth_user WHERE username LIKE 'front%%') LIMIT 1"""
    )
    found["complaints"] = one("SELECT max(id) FROM recovery_complaint")[0]
    found["category"] = one("SELECT id, name FROM recovery_category WHERE name = 'Delivery'")
    found["customer"] = one("SELECT id FROM customers_customer WHERE \"group\" = 'end_user' ORDER BY id LIMIT 1")[0]
    found["phone"] = one("SELECT phone FROM customers_customer WHERE phone LIKE '+44 7700%%' ORDER BY id LIMIT 1")[0]
    found["organization"] = one("SELECT name FROM customers_organization ORDER BY id LIMIT 1")[0]
    found["surname"] = "Okafor"
    found["word"] = "cracked"
    found["surname_customers"] = one("SELECT count(*) FROM customers_customer WHERE name ILIKE %s", ("%Okafor%",))[0]
    found["word_complaints"] = one(
        """SELECT count(*) FROM recovery_complaint WHERE to_tsvector('caredesk_english'::regconfig,
           COALESCE(summary, '') || ' ' || COALESCE(description, ''))
           @@ websearch_to_tsquery('caredesk_english', %s)""",
        ("cracked",),
    )[0]
    return found


def scenario(bench: Bench, port: int, found: dict[str, Any], password: str) -> None:
    import redis

    manager = Client(port)
    manager.login(found["manager"][0], password)
    front = Client(port)
    front.login(found["front"][0], password)
    cache = redis.Redis.from_url(CACHE_URL)
    rng = random.Random(5)  # noqa: S311 - which complaints to open, not security
    top = int(found["complaints"])
    detail_ids = [rng.randint(1, top) for _ in range(REQUESTS + WARM_UP + 1)]

    def fixed(path: str) -> Callable[[int], str]:
        return lambda n: path

    # The dashboard: computed every time (its cache flushed before each request), and cached.
    dashboard_filters = [
        ("dashboard (90 days)", ""),
        ("dashboard ?group=distributor", "?group=distributor"),
        ("dashboard ?severity=high", "?severity=high"),
        (f"dashboard ?category={found['category'][1]}", f"?category={found['category'][0]}"),
        ("dashboard ?handler=<front line>", f"?handler={found['front'][1]}"),
    ]
    for name, query in dashboard_filters:
        bench.run(f"{name}, uncached", "dashboard", manager, fixed(f"/dashboard/{query}"), before_each=cache.flushdb)
    bench.run(
        "dashboard ?period=365, uncached",
        "dashboard_year",
        manager,
        fixed("/dashboard/?period=365"),
        before_each=cache.flushdb,
    )
    today = datetime.now(LOCAL_TZ).date()
    three_years = urlencode(
        {"period": "custom", "date_from": (today - timedelta(days=3 * 365)).isoformat(), "date_to": today.isoformat()}
    )
    bench.run(
        "dashboard, custom three years, uncached",
        "dashboard_3y",
        manager,
        fixed(f"/dashboard/?{three_years}"),
        before_each=cache.flushdb,
    )
    bench.run("dashboard (90 days), cached", "dashboard_cached", manager, fixed("/dashboard/"))
    bench.run("monthly review, uncached", "review", manager, fixed("/dashboard/review/"), before_each=cache.flushdb)

    bench.run("list, manager", "list", manager, fixed("/complaints/"))
    bench.run("list, front line", "list", front, fixed("/complaints/"))
    bench.run("list ?stage=open&severity=high", "list", manager, fixed("/complaints/?stage=open&severity=high"))
    bench.run("list ?page=500", "list", manager, fixed("/complaints/?page=500"))
    bench.run(f"search surname ?q={found['surname']}", "search", manager, fixed(f"/complaints/?q={found['surname']}"))
    bench.run(
        f"search surname ?q={found['surname']}, front line",
        "search",
        front,
        fixed(f"/complaints/?q={found['surname']}"),
    )
    bench.run(f"search word ?q={found['word']}", "search", manager, fixed(f"/complaints/?q={found['word']}"))
    digits = re.sub(r"\D", "", found["phone"])  # as typed with the separators left out: +44 7700 900123
    bench.run(f"search phone ?q={digits}", "search", manager, fixed(f"/complaints/?q={digits}"))
    national = "0" + found["phone"].removeprefix("+44 ")  # 07700 9…: the national format of the same number
    bench.run(f"search phone ?q={national}", "search", manager, fixed(f"/complaints/?{urlencode({'q': national})}"))
    organization = found["organization"]
    bench.run(
        f"search organisation ?q={organization}",
        "search",
        manager,
        fixed(f"/complaints/?{urlencode({'q': organization})}"),
    )
    bench.run(
        f"log form customer picker ?q={digits} (phone digits)",
        "search",
        front,
        fixed(f"/complaints/new/?{urlencode({'q': digits})}"),
    )
    bench.run("complaint page, manager", "detail", manager, lambda n: f"/complaints/{detail_ids[n + WARM_UP]}/")
    bench.run(
        "complaint page, front line",
        "detail",
        front,
        lambda n: f"/complaints/{detail_ids[-(n + WARM_UP) - 1]}/",
        expect=(200, 404),  # an employee's complaint someone else owns is a 404 for the front line
    )
    bench.run(f"my queue ({found['front'][2]} open)", "queue", front, fixed("/queue/"))

    def log_form(n: int) -> dict[str, str]:
        received = datetime.now(UTC).astimezone(LOCAL_TZ) - timedelta(minutes=5)
        return {
            "csrfmiddlewaretoken": front.csrf(),
            "customer": str(found["customer"]),
            "channel": "phone",
            "category": str(found["category"][0]),
            "severity": "medium",
            "summary": f"Benchmark complaint {n}: delivery arrived late",
            "description": "Logged by make bench over HTTP.",
            "desired_remedy": "",
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "owner": str(found["front"][1]),
        }

    bench.run("log a complaint (POST)", "log", front, fixed("/complaints/new/"), post=log_form, expect=(302,))

    # A customer sends the public form (the suggestion's full-text query over a million complaints runs
    # once per complaint); the complaints land in the inbox, which the front line then opens.
    customer = Client(port)
    form = customer.request("GET", "/complain/")
    stamp = re.search(r'name="shown_at" value="([^"]+)"', form["text"])
    if stamp is None:
        raise SystemExit("no fill-time stamp on the public form")

    def public_form(n: int) -> dict[str, str]:
        return {
            "csrfmiddlewaretoken": customer.csrf(),
            "shown_at": stamp.group(1),
            "website": "",
            "name": f"Bench Customer {n}",
            "email": f"bench-customer-{n + WARM_UP}@example.org",
            "phone": "",
            "group": "end_user",
            "what_happened": f"My parcel {n} arrived late and the box was crushed; the driver did not knock.",
            "desired_remedy": "A refund of the delivery charge.",
            "consents_to_contact": "on",
        }

    bench.run(
        "public complaint form (POST)", "public_form", customer, fixed("/complain/"), post=public_form, expect=(302,)
    )
    bench.run("inbox, front line", "queue", front, fixed("/inbox/"))

    # The API (/api/v1/) with a token made on the token page: the same selectors as the screens.
    api_front = Client(port, token=front.make_api_token())
    api_manager = Client(port, token=manager.make_api_token())
    bench.run("API complaints, front line", "list", api_front, fixed("/api/v1/complaints/"))
    bench.run("API complaints, manager", "list", api_manager, fixed("/api/v1/complaints/"))
    bench.run(
        "API complaints ?stage=open&severity=high",
        "list",
        api_manager,
        fixed("/api/v1/complaints/?stage=open&severity=high"),
    )
    bench.run("API complaints ?page_size=100", "list", api_manager, fixed("/api/v1/complaints/?page_size=100"))
    bench.run(
        f"API complaints ?q={found['surname']}, front line",
        "search",
        api_front,
        fixed(f"/api/v1/complaints/?q={found['surname']}"),
    )
    bench.run(
        "API complaint, manager", "detail", api_manager, lambda n: f"/api/v1/complaints/{detail_ids[n + WARM_UP]}/"
    )
    bench.run(
        "API complaint, front line",
        "detail",
        api_front,
        lambda n: f"/api/v1/complaints/{detail_ids[-(n + WARM_UP) - 1]}/",
        expect=(200, 404),
    )
    bench.run("API customers ?q=<surname>", "search", api_front, fixed(f"/api/v1/customers/?q={found['surname']}"))

    def api_log(n: int) -> dict[str, Any]:
        return {
            "customer": found["customer"],
            "channel": "phone",
            "category": found["category"][0],
            "severity": "medium",
            "summary": f"Benchmark complaint {n} over the API: delivery arrived late",
        }

    bench.run("API log a complaint (POST)", "log", api_front, fixed("/api/v1/complaints/"), post=api_log, expect=(201,))

    bench.export("CSV export, all (manager)", manager, "/complaints/export.csv")
    bench.export(
        "CSV export ?stage=open&severity=high", manager, "/complaints/export.csv?stage=open&severity=high", target=False
    )


# --- the report ----------------------------------------------------------------------------------


def machine(cursor: Any, load_before: tuple[float, float, float]) -> dict[str, Any]:
    cursor.execute("SHOW server_version")
    version = cursor.fetchone()[0]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": version,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "gunicorn": f"{WORKERS} workers × {THREADS} threads (gthread)",
        "requests_per_endpoint": REQUESTS,
    }


def _ms(stats: dict[str, float] | None) -> str:
    return "–" if not stats else f"{stats['p50']:.0f} / {stats['p95']:.0f} / {stats['max']:.0f}"


def markdown(report: dict[str, Any]) -> str:
    info = report["machine"]
    rows = report["rows"]
    lines = [
        f"`make bench` on {info['date']} ({info['cores']} cores, PostgreSQL {info['postgresql']}, "
        f"{info['gunicorn']}; load average {info['load_average_before'][0]:.2f} before, "
        f"{info['load_average_after'][0]:.2f} after). Data: {rows['recovery_complaint']:,} complaints, "
        f"{rows['customers_customer']:,} customers, {rows['recovery_recoveryaction']:,} actions, "
        f"{rows['recovery_complaintevent']:,} events; seeding took {report['seeding_seconds']} s. "
        f"{info['requests_per_endpoint']} sequential requests per row after a warm-up; times in ms as "
        "p50 / p95 / max; targets are checked on the client p95.",
        "",
        "| endpoint | server ms | client ms | queries | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for entry in report["endpoints"]:
        if not entry["available"]:
            lines.append(f"| {entry['name']} | not available (404) | | | | |")
            continue
        target = entry.get("target") or {}
        met = "" if not target else ("yes" if target["met"] else "**no**")
        if entry["kind"] == "export":
            rss = f"{entry['rss_before_mb']:.0f} → {entry['rss_peak_mb']:.0f} MB"
            lines.append(
                f"| {entry['name']} | first byte {entry['ttfb_ms']:.0f} ms | total {entry['total_s']:.1f} s, "
                f"{entry['rows']:,} rows, {entry['rows_per_s']:,.0f} rows/s | "
                f"{entry['queries_before_first_byte']} before first byte | "
                + "; ".join(filter(None, [target.get("text", ""), f"worker RSS {rss}"]))
                + f" | {met} |"
            )
            continue
        queries = entry["queries"]
        q = str(queries["max"]) if queries["min"] == queries["max"] else f"{queries['min']}–{queries['max']}"
        lines.append(
            f"| {entry['name']} | {_ms(entry['server_ms'])} | {_ms(entry['client_ms'])} | {q} | "
            f"{target.get('text', '')} | {met} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    load_before = os.getloadavg()
    started = time.monotonic()
    meta, seeded_now = seed_million.ensure_seeded(reseed=os.environ.get("BENCH_RESEED", "") == "1")
    log(f"seeding took {meta['seconds']} s" + ("" if seeded_now else " (when it was seeded; reused now)"))
    db = seed_million.connect()
    db.autocommit = True
    cursor = db.cursor()
    found = facts(cursor)
    log(f"users: manager {found['manager'][0]}, front line {found['front'][0]} ({found['front'][2]} open)")
    port = free_port()
    with gunicorn(port) as server:
        bench = Bench(port, server.pid)
        try:
            scenario(bench, port, found, meta["password"])
        finally:
            report = {
                "machine": machine(cursor, load_before),
                "seeding_seconds": float(meta["seconds"]),
                "seeded_at": meta["seeded_at"],
                "rows": {k.removeprefix("rows."): int(v) for k, v in meta.items() if k.startswith("rows.")},
                "scenario": {
                    "manager": found["manager"][0],
                    "front_line": found["front"][0],
                    "front_line_open_complaints": found["front"][2],
                    "surname": found["surname"],
                    "surname_customers": found["surname_customers"],
                    "word": found["word"],
                    "word_complaints": found["word_complaints"],
                },
                "targets_met": all(e["target"]["met"] for e in bench.results if e.get("available") and e.get("target")),
                "endpoints": bench.results,
                "bench_seconds": round(time.monotonic() - started, 1),
            }
            RESULTS_JSON.write_text(json.dumps(report, indent=2, default=str) + "\n")
            table = markdown(report)
            RESULTS_MD.write_text(table)
            sys.stdout.write(table)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
