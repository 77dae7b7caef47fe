"""Browser tests: real Chromium (Debian's package) against a live server.

Every test fails on a console error (CSP violations included) or a failed
request, so a broken asset or script cannot hide behind a passing click.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connections

from recovery.bootstrap import ensure_starter_data

# Playwright's sync API runs an event loop in this thread; the ORM calls in
# fixtures are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def _close_connections_before_playwright_stops(playwright: Any) -> Iterator[None]:
    """Close this process's database connections while Playwright still runs.

    Playwright's sync API leaves its event loop marked as running in this thread
    between calls, for as long as it runs, and meanwhile Django keeps the thread's
    connections apart from those it keeps when no loop runs (asgiref's thread-critical
    Local). Every test after the first browser test in a process, browser or not, so
    connects "inside the loop". At the end of the session Playwright stops first; the
    test database's teardown would then neither see nor close that connection, and
    could not drop the database ("being accessed by other users"). Depending on
    `playwright` makes this teardown run before Playwright's.
    """
    yield
    connections.close_all()


@pytest.fixture
def starter_data(transactional_db: None) -> None:
    """live_server flushes the database after each test, migrations' data included."""
    ensure_starter_data(apps)


class BrowserProblems:
    """Collects console errors and failed requests from every page of a context."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.allowed: list[str] = []

    def allow(self, fragment: str) -> None:
        """Expect errors containing `fragment` (a page answered 404 on purpose, say) and don't fail on them."""
        self.allowed.append(fragment)

    def unexpected(self) -> list[str]:
        return [error for error in self.errors if not any(fragment in error for fragment in self.allowed)]

    def watch(self, page: Any) -> Any:
        def on_console(message: Any) -> None:
            if message.type == "error":
                self.errors.append(f"console: {message.text}")

        def on_response(response: Any) -> None:
            if response.status >= 500:
                self.errors.append(f"server error: {response.status} {response.url}")

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

        def on_request_failed(request: Any) -> None:
            # Chromium asks for the favicon after the page has loaded, on its own schedule; a test that moves on
            # (or ends) first aborts that request. Any other failed request, or a favicon that fails otherwise
            # (a 404 is a response, caught above), is a problem.
            if request.url.endswith("/favicon.svg") and request.failure == "net::ERR_ABORTED":
                return
            self.errors.append(f"request failed: {request.method} {request.url} ({request.failure})")

        page.on("requestfailed", on_request_failed)
        return page


@pytest.fixture
def problems() -> Iterator[BrowserProblems]:
    found = BrowserProblems()
    yield found
    assert found.unexpected() == [], "\n".join(found.unexpected())


@pytest.fixture
def new_page(context: Any, problems: BrowserProblems) -> Any:
    """Return a factory of watched pages in the default context."""

    def make(ctx: Any = None) -> Any:
        return problems.watch((ctx or context).new_page())

    return make


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """Pages open relative to this worker's live server (page.goto("/login/")).

    It also replaces pytest-playwright's own `base_url`, a session fixture
    written as an instance method that pytest 9 warns about.
    """
    return str(live_server.url)
