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

from recovery.bootstrap import ensure_starter_data

# Playwright's sync API runs an event loop in this thread; the ORM calls in
# fixtures are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "browser-pass-1"


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


@pytest.fixture
def starter_data(transactional_db: None) -> None:
    """live_server flushes the database after each test, migrations' data included."""
    ensure_starter_data(apps)


class BrowserProblems:
    """Collects console errors and failed requests from every page of a context."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Any) -> Any:
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on(
            "requestfailed", lambda req: self.errors.append(f"request failed: {req.method} {req.url} {req.failure}")
        )
        page.on(
            "response",
            lambda resp: resp.status >= 500 and self.errors.append(f"server error: {resp.status} {resp.url}"),
        )
        return page


@pytest.fixture
def problems() -> Iterator[BrowserProblems]:
    found = BrowserProblems()
    yield found
    assert found.errors == [], "\n".join(found.errors)


@pytest.fixture
def new_page(context: Any, problems: BrowserProblems) -> Any:
    """Return a factory of watched pages in the default context."""

    def make(ctx: Any = None) -> Any:
        return problems.watch((ctx or context).new_page())

    return make
