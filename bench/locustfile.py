"""The people of `make loadtest`: 45 front-line staff and 5 managers at work (locust, its own virtualenv).

Run by bench/loadtest.py, never by pytest (locust's gevent patches the standard library). The front line
opens the queue, searches, opens complaints, logs new ones (some received a while ago, as when a letter is
typed in late), records the step a complaint waits for and adds notes; managers move between dashboard
filters (a different period almost every time, so the figures are computed, not cached) and the list.
Every form is read from the page it is on, as a browser would: the CSRF token, the complaint's version.

What the run changed is written to LOADTEST_JOURNAL (JSON lines: complaints logged, steps recorded, notes),
so the orchestrator can check the database afterwards. Refusals the application gives on purpose when two
people act on one complaint at once ("someone else changed this") are reported as their own request kind.

Environment: LOADTEST_PASSWORD, LOADTEST_FRONT (comma-separated usernames), LOADTEST_MANAGERS, LOADTEST_CUSTOMERS
(the highest customer id), LOADTEST_CATEGORIES (ids), LOADTEST_JOURNAL (a file), LOADTEST_THINK ("5,15"
seconds between actions; "0,0" for the saturation steps).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any

from locust import HttpUser, between, constant, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "")
FRONT = os.environ.get("LOADTEST_FRONT", "").split(",")
MANAGERS = os.environ.get("LOADTEST_MANAGERS", "").split(",")
CUSTOMERS = int(os.environ.get("LOADTEST_CUSTOMERS", "1000"))
CATEGORIES = [c for c in os.environ.get("LOADTEST_CATEGORIES", "").split(",") if c]
JOURNAL = os.environ.get("LOADTEST_JOURNAL", "loadtest-journal.jsonl")
THINK = [float(x) for x in os.environ.get("LOADTEST_THINK", "5,15").split(",")]
SEARCH_WORDS = ("Okafor", "cracked", "refund", "late", "Patel", "invoice", "broken", "Smith")
# The application's refusals when someone else acted on the complaint first (the form was built from an
# older version, or there is no step to record any more): deliberate, counted apart.
REFUSALS = ("changed by someone else", "There is no step to record")

_journal_lock = threading.Lock()
_front_accounts = itertools.cycle(FRONT)
_manager_accounts = itertools.cycle(MANAGERS)


def journal(**entry: Any) -> None:
    with _journal_lock, open(JOURNAL, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")


def think() -> Any:
    return constant(0) if THINK[1] <= 0 else between(THINK[0], THINK[1])


class Forms(HTMLParser):
    """The forms of a page: action → {field: value} (the first option of a select, the checked radio)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._action: str | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._action = a.get("action", "")
            self.forms.setdefault(self._action, {})
        elif self._action is None:
            return
        fields = self.forms[self._action]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a or name not in fields:
                    fields[name] = a.get("value", "on") if ("checked" in a or kind == "radio") else fields.get(name, "")
            else:
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if value and (self._select not in self.forms[self._action] or "selected" in a):
                fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._action = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._action is not None:
            self.forms[self._action][self._textarea] += data


def local_now() -> datetime:
    return datetime.now()  # the loadtest's server runs in the machine's zone (TIME_ZONE set to match)


class Staff(HttpUser):
    """Shared by both kinds: signing in through the login form."""

    abstract = True

    def sign_in(self, username: str) -> None:
        self.client.get("/login/", name="sign in (form)")
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/login/"},
            name="sign in",
        )

    def post_form(self, page: str, action: str, values: dict[str, str], *, name: str) -> Any:
        """Send the form `action` of `page` (its own values, then `values`), as a browser would."""
        forms = Forms(page).forms
        fields = dict(forms.get(action, {}))
        fields.update(values)
        fields["csrfmiddlewaretoken"] = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            action,
            fields,
            headers={"Referer": f"{self.host}{action}"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            elif any(refusal in response.text for refusal in REFUSALS):
                response.success()
                self.environment.events.request.fire(
                    request_type="POST",
                    name=f"{name}: refused, someone else acted first",
                    response_time=response.elapsed.total_seconds() * 1000,
                    response_length=0,
                    exception=None,
                    context={},
                )
                response.refused = True
            else:
                errors = re.findall(r'class="invalid-feedback[^"]*"[^>]*>\s*(?:<strong>)?([^<]+)', response.text)
                response.failure(f"HTTP {response.status_code}: {'; '.join(errors)[:200] or 'no redirect'}")
            return response


class FrontLine(Staff):
    weight = 45
    wait_time = think()

    def on_start(self) -> None:
        self.sign_in(next(_front_accounts))
        self.open_ids: list[int] = []

    @task(4)
    def queue(self) -> None:
        response = self.client.get("/queue/", name="my queue")
        ids = [int(pk) for pk in re.findall(r'href="/complaints/(\d+)/"', response.text)]
        if ids:
            self.open_ids = ids

    @task(2)
    def search(self) -> None:
        self.client.get(f"/complaints/?q={random.choice(SEARCH_WORDS)}", name="search")  # noqa: S311

    @task(4)
    def open_complaint(self) -> None:
        if self.open_ids:
            pk = random.choice(self.open_ids)  # noqa: S311
            self.client.get(f"/complaints/{pk}/", name="complaint page")

    @task(3)
    def record_step(self) -> None:
        if not self.open_ids:
            return
        pk = random.choice(self.open_ids)  # noqa: S311
        page = self.client.get(f"/complaints/{pk}/", name="complaint page").text
        action = f"/complaints/{pk}/step/"
        if action not in Forms(page).forms:
            return  # waiting for a manager, or closed meanwhile
        values = {
            "note": "Spoke to the customer.",
            "minutes": str(random.randint(2, 15)),  # noqa: S311
            "satisfaction": str(random.randint(3, 5)),  # noqa: S311
            "retained": "yes",
            "value": "5",
        }
        response = self.post_form(page, action, values, name="record a step")
        if response.status_code == 302:
            journal(kind="step", complaint=pk, version=Forms(page).forms[action].get("expected_version"))

    @task(1)
    def add_note(self) -> None:
        if not self.open_ids:
            return
        pk = random.choice(self.open_ids)  # noqa: S311
        page = self.client.get(f"/complaints/{pk}/", name="complaint page").text
        action = f"/complaints/{pk}/note/"
        text = f"Load test note {random.getrandbits(48):x}"
        response = self.post_form(page, action, {"text": text}, name="add a note")
        if response.status_code == 302:
            journal(kind="note", complaint=pk, text=text)

    @task(2)
    def log_complaint(self) -> None:
        page = self.client.get("/complaints/new/", name="log form").text
        received = local_now() - timedelta(minutes=random.choice([1, 5, 30, 170, 235]))  # noqa: S311
        marker = f"LT-{random.getrandbits(48):x}"
        values = {
            "customer": str(random.randint(1, CUSTOMERS)),  # noqa: S311
            "channel": "phone",
            "severity": random.choice(["low", "medium", "high"]),  # noqa: S311
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "summary": f"Parcel arrived damaged ({marker})",
            "description": "The customer called about a damaged parcel.",
        }
        if CATEGORIES:
            values["category"] = random.choice(CATEGORIES)  # noqa: S311
        with self.client.post(
            "/complaints/new/",
            {
                **Forms(page).forms.get("/complaints/new/", Forms(page).forms.get("", {})),
                **values,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.host}/complaints/new/"},
            name="log a complaint",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            created = re.search(r"/complaints/(\d+)/", response.headers.get("Location", ""))
            if response.status_code == 302 and created:
                response.success()
                journal(kind="logged", complaint=int(created.group(1)), marker=marker)
                self.open_ids.append(int(created.group(1)))
            else:
                response.failure(f"not logged: HTTP {response.status_code}")


class Manager(Staff):
    weight = 5
    wait_time = think()

    def on_start(self) -> None:
        self.sign_in(next(_manager_accounts))

    @task(3)
    def dashboard(self) -> None:
        # A period ending on a random recent day: computed on the spot (nobody asked for it in the cache's life).
        end = datetime.now().date() - timedelta(days=random.randint(0, 60))  # noqa: S311
        start = end - timedelta(days=89)
        narrowing = random.choice(["", "&group=distributor", "&severity=high", "&group=end_user", "&severity=low"])  # noqa: S311
        self.client.get(
            f"/dashboard/?period=custom&date_from={start}&date_to={end}{narrowing}",
            name="dashboard, uncached",
        )

    @task(1)
    def dashboard_default(self) -> None:
        self.client.get("/dashboard/", name="dashboard (default view)")

    @task(2)
    def complaint_list(self) -> None:
        stage = random.choice(["", "?stage=open", "?stage=open&severity=high", "?overdue=on"])  # noqa: S311
        self.client.get(f"/complaints/{stage}", name="complaint list")
