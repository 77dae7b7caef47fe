"""`make run`, the embedded setup a new user meets first: SQLite, the filesystem broker, email as files.

These tests run it as a user does, each in a temporary var/ folder: `manage.py migrate` and
`seed_demo` in subprocesses, then scripts/run_local.py (web server, Celery worker and beat), driven
over HTTP and stopped with Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import csv
import html
import importlib.util
import io
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

import pytest

from tests.celery_services import wait_until

ROOT = Path(__file__).resolve().parent.parent
RUN_LOCAL = ROOT / "scripts" / "run_local.py"
PASSWORD = "caredesk-demo"
# Ctrl-C or SIGTERM to `make run` must hand the terminal back at once, every process gone.
STOP_SECONDS = 5


def load_run_local() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_local", RUN_LOCAL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"HOST": "127.0.0.1", "PORT": "8100"}, "http://127.0.0.1:8100"),
        ({"HOST": "localhost", "PORT": "8100"}, "http://localhost:8100"),
        # Listening on every interface: this machine reaches it on loopback.
        ({"HOST": "0.0.0.0", "PORT": "8100"}, "http://127.0.0.1:8100"),  # noqa: S104
        ({"HOST": "127.0.0.1", "PORT": "8100", "SITE_URL": "https://care.example.org"}, "https://care.example.org"),
    ],
)
def test_links_in_emails_follow_the_address_make_run_serves(environ, expected):
    assert load_run_local().site_url(environ) == expected


# --- running it -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def embedded_environ(var_dir: Path, port: int) -> dict[str, str]:
    """Return what `make run` gives its commands: DEBUG on, no DATABASE_URL or broker, our var/ folder."""
    return {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "true",
        "CAREDESK_VAR_DIR": str(var_dir),
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }


def python(environ: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run `python *args` from the project root as `make run` does; return its output, failing on an error."""
    result = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _stat(pid: int) -> list[str] | None:
    """Return the fields of /proc/<pid>/stat after the command name (state first), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()
    except OSError:
        return None


def descendants(pid: int) -> list[tuple[int, str]]:
    """Return every process below `pid`, each as (pid, start time) so a reused pid is not mistaken for it."""
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in os.listdir("/proc"):
        fields = _stat(int(entry)) if entry.isdigit() else None
        if fields:
            children.setdefault(int(fields[1]), []).append((int(entry), fields[19]))
    found: list[tuple[int, str]] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child[0])
    return found


def running(process: tuple[int, str]) -> bool:
    fields = _stat(process[0])
    return fields is not None and fields[19] == process[1] and fields[0] not in {"Z", "X"}


@dataclass
class LocalRun:
    """scripts/run_local.py in a process group of its own, as in a terminal: Ctrl-C signals the group."""

    environ: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    seen: list[tuple[int, str]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{self.environ['HOST']}:{self.environ['PORT']}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed interpreter and arguments
                [sys.executable, str(RUN_LOCAL)],
                cwd=ROOT,
                env=self.environ,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                process_group=0,
            )

    def wait_until_ready(self) -> None:
        """Wait until the web server answers, the worker is ready and beat has started."""
        process = self.process
        assert process is not None
        wait_until(lambda: process.poll() is not None or self._ready(), timeout=90)
        assert process.poll() is None, self.output()
        self.seen = descendants(process.pid)

    def _ready(self) -> bool:
        output = self.output()
        if " ready." not in output or "beat: Starting..." not in output:
            return False
        try:
            urllib.request.urlopen(f"{self.base}/login/", timeout=5).close()  # noqa: S310 - our own server
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    def stop(self, signum: int) -> int:
        """Stop it as a user would (SIGINT to the group is Ctrl-C); return its exit status."""
        assert self.process is not None
        if signum == signal.SIGINT:
            os.killpg(self.process.pid, signal.SIGINT)
        else:
            self.process.send_signal(signum)
        return self.process.wait(timeout=STOP_SECONDS)

    def left_running(self) -> list[tuple[int, str]]:
        return [process for process in self.seen if running(process)]

    def kill(self) -> None:
        """Make sure nothing of it outlives the test, whatever happened."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid, _ in self.left_running():
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def local_run(tmp_path: Path) -> Iterator[LocalRun]:
    run = LocalRun(embedded_environ(tmp_path / "var", free_port()), tmp_path / "run_local.log")
    yield run
    run.kill()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_make_run_stops_at_once_and_leaves_nothing_running(local_run, signum):
    local_run.start()
    local_run.wait_until_ready()
    # The web server and its reloader, the worker, its two pool processes and beat.
    assert len(local_run.seen) >= 6, local_run.output()
    assert local_run.stop(signum) == 0, local_run.output()
    assert local_run.left_running() == []


# --- the embedded setup, end to end -------------------------------------------------------------------


class FormReader(HTMLParser):
    """Collect what a browser would submit (the defaults) for one form, found by its id or its action."""

    def __init__(self, form: str) -> None:
        super().__init__()
        self.form = form
        self.form_id = ""
        self.action = ""
        self.inside = False
        self.values: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.inside = self.form in {attributes.get("id"), attributes.get("action")}
            if self.inside:
                self.form_id = attributes.get("id") or ""
                self.action = attributes.get("action") or ""
            return
        owner = attributes.get("form")
        if not (owner == self.form_id if owner else self.inside):
            return
        name = attributes.get("name") or ""
        kind = attributes.get("type") or "text"
        if tag == "input" and name and kind not in {"submit", "button"}:
            if kind not in {"checkbox", "radio"} or "checked" in attributes:
                self.values[name] = attributes.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.options[name] = []
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            self.options[self._select].append(value)
            if "selected" in attributes or self._select not in self.values:
                self.values[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def read_form(page: str, form: str) -> FormReader:
    reader = FormReader(form)
    reader.feed(page)
    assert reader.action, f"no form {form} on the page:\n{page[:2000]}"
    return reader


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    text: str


class Browser:
    """Just enough of a browser for the embedded setup: cookies, redirects, forms with their CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def open(self, path: str, data: dict[str, str] | None = None) -> Page:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            response = self.opener.open(f"{self.base}{path}", data=body, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return Page(
                url=urllib.parse.urlsplit(response.url).path,
                status=response.status,
                content_type=response.headers.get("Content-Type", ""),
                text=response.read().decode("utf-8-sig"),
            )

    def get(self, path: str) -> Page:
        page = self.open(path)
        assert page.status == 200, f"GET {path}: {page.status}\n{page.text[:2000]}"
        return page

    def submit(self, page: Page, form: str, **values: str) -> Page:
        """Send the form `form` (an id or an action) of `page` with `values` over its defaults."""
        reader = read_form(page.text, form)
        return self.open(html.unescape(reader.action), {**reader.values, **values})


def title(page: Page) -> str:
    match = re.search(r"<title>(.*?)</title>", page.text, re.DOTALL)
    assert match, page.text[:2000]
    return html.unescape(" ".join(match[1].split()))


def csv_rows(page: Page) -> list[list[str]]:
    assert page.content_type.startswith("text/csv"), page.content_type
    return list(csv.reader(io.StringIO(page.text)))


def mail_texts(folder: Path) -> list[str]:
    """Return the text of every email the file backend wrote (each file may hold several messages)."""
    texts = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        for raw in path.read_bytes().split(b"-" * 79):
            if not raw.strip():
                continue
            message = message_from_bytes(raw.strip())
            for part in message.walk():
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    texts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return texts


# What the complaint logged below must be found by, whatever the case of the letters beyond ASCII.
SEARCHES = ("café", "CAFÉ", "zoë", "ZOË")


def test_the_embedded_setup_works_from_a_fresh_start(local_run):
    environ = local_run.environ
    python(environ, "manage.py", "migrate", "--noinput")
    python(environ, "manage.py", "seed_demo", "--if-empty", timeout=300)
    local_run.start()
    local_run.wait_until_ready()
    # seed_demo leaves reminders due; ask the worker to scan for them now instead of waiting for beat's minute.
    dispatch = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "call", "recovery.tasks.dispatch_due_reminders"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    browser = Browser(local_run.base)
    queue = browser.submit(browser.get("/login/"), "/login/", username="maria", password=PASSWORD)
    assert (queue.status, queue.url, title(queue)) == (200, "/queue/", "My queue · CareDesk")

    # A new customer and a complaint with letters beyond ASCII, logged through the screens.
    added = browser.submit(
        browser.get("/customers/new/"),
        "customer-new-form",
        **{"new-name": "Zoë Núñez", "new-group": "end_user", "new-email": "zoe@example.org"},
        **{"new-consents_to_contact": "on", "next": "log"},
    )
    assert (added.status, added.url) == (200, "/complaints/new/"), added.text[:2000]
    log_form = read_form(added.text, "complaint-log-form")
    customer = log_form.values["customer"]
    logged = browser.submit(
        added,
        "complaint-log-form",
        channel="phone",
        category=next(value for value in log_form.options["category"] if value),
        summary="Café crème spilt over the counter",
        description="Zoë's coat was ruined.",
    )
    match = re.fullmatch(r"/complaints/(\d+)/", logged.url)
    assert match, logged.text[:3000]
    reference = f"C-{int(match[1]):06d}"
    assert title(logged) == f"{reference} · Café crème spilt over the counter · CareDesk"

    # The main pages, the dashboard's SQLite arithmetic included, and both exports.
    pages = {
        "/queue/": "My queue",
        "/complaints/": "Complaints",
        "/complaints/new/": "Log a complaint",
        "/customers/": "Customers",
        f"/customers/{customer}/": "Zoë Núñez",
        "/dashboard/": "Dashboard",
        "/dashboard/review/": "",  # its title names the month
    }
    for path, expected in pages.items():
        page_title = title(browser.get(path))
        assert page_title.startswith(expected), path
        assert page_title.endswith(" · CareDesk"), path
    listed = browser.get("/complaints/").text
    assert reference in listed
    # A complaint of the demo's, with its history, as well as ours.
    demo = next(pk for pk in re.findall(r'href="/complaints/(\d+)/"', listed) if f"/complaints/{pk}/" != logged.url)
    assert title(browser.get(f"/complaints/{demo}/")).startswith("C-")
    complaints = csv_rows(browser.get("/complaints/export.csv"))
    assert len(complaints) >= 1 + 200 + 1  # header, the demo's complaints, ours
    assert any(reference in row for row in complaints)
    handlers = csv_rows(browser.get("/dashboard/handlers.csv"))
    assert len(handlers) >= 2

    found = {query: reference in browser.get(f"/complaints/?q={quote(query)}").text for query in SEARCHES}

    # The embedded worker sends the due reminders as files under var/mail, linking to where it runs.
    assert dispatch.wait(timeout=60) == 0
    mail = Path(environ["CAREDESK_VAR_DIR"]) / "mail"
    wait_until(lambda: any(f"{local_run.base}/complaints/" in text for text in mail_texts(mail)), timeout=60)
    assert not [text for text in mail_texts(mail) if "127.0.0.1:8000" in text]

    assert local_run.stop(signal.SIGINT) == 0
    assert local_run.left_running() == []
    assert "Traceback" not in local_run.output(), local_run.output()

    assert found["café"]
    assert found["zoë"]
    # Case beyond ASCII: SQLite's own LIKE folds only A-Z.
    assert found == dict.fromkeys(SEARCHES, True)
