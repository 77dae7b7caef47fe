"""A front-line person makes an API token on their account page, a program uses it, and they revoke it.

Also the API's docs page: Swagger UI from the installed files, under the strict CSP, reading the schema.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import AxeAudit, OnlyThisServer
from tests.browser.helpers import alice, customer, sign_in
from tests.factories import log_complaint

pytestmark = pytest.mark.django_db(transaction=True)


def _get(base_url: str, path: str, token: str) -> tuple[int, Any]:
    request = urllib.request.Request(base_url + path, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own live server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.fixture
def watched_page(new_context: Any, new_page: Any, live_server: Any) -> Any:
    network = OnlyThisServer(live_server.url)
    page = network.watch(new_page(new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})))
    yield page
    assert network.elsewhere == [], f"pages asked for something elsewhere: {network.elsewhere}"


def test_make_use_and_revoke_a_token(live_server: Any, starter_data: None, watched_page: Page) -> None:
    page, audit = watched_page, AxeAudit()
    owner = alice()
    log_complaint(user=owner, customer=customer(), summary="Parcel arrived crushed")
    sign_in(page, "alice")
    page.goto("/account/")
    page.get_by_role("link", name="Your API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    audit.check(page, "API tokens, none yet")

    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_text("Give the token a name")).to_be_visible()
    audit.check(page, "API tokens, form with errors")

    page.get_by_label("Name").fill("Shop integration")
    page.get_by_role("button", name="Make token").click()
    token = page.get_by_role("textbox", name="New token").input_value()
    assert token.startswith("cd_")
    audit.check(page, "API tokens, a new token shown")

    status, body = _get(live_server.url, "/api/v1/complaints/", token)
    assert status == 200
    assert [row["summary"] for row in body["results"]] == ["Parcel arrived crushed"]

    page.get_by_role("button", name="Revoke Shop integration").click()
    expect(page.get_by_text("“Shop integration” is revoked")).to_be_visible()
    expect(page.get_by_role("textbox", name="New token")).to_have_count(0)
    audit.check(page, "API tokens, one revoked")
    status, body = _get(live_server.url, "/api/v1/complaints/", token)
    assert status == 401
    assert body["type"] == "/api/v1/problems/unauthenticated"
    audit.assert_clean(at_least=4)


def test_the_docs_page_shows_every_endpoint_from_local_files(
    live_server: Any, starter_data: None, new_context: Any, new_page: Any
) -> None:
    # No bypass_csp here: the page must work under the real policy.
    network = OnlyThisServer(live_server.url)
    page = network.watch(new_page(new_context(viewport={"width": 1280, "height": 900})))
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    alice()
    sign_in(page, "alice")
    page.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", name="CareDesk API")).to_be_visible(timeout=15_000)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/complaints/").first).to_be_visible()
    assert network.elsewhere == []
    assert violations == []


def test_the_docs_page_has_no_serious_violations(live_server: Any, starter_data: None, watched_page: Page) -> None:
    """Swagger UI as drawn, an operation open, its "Try it out" form, a request body, the Authorize dialog.

    Its colours are made AA in static/css/api_docs.css, its markup fixed by static/js/api_docs_a11y.js.
    """
    page, audit = watched_page, AxeAudit()
    alice()
    sign_in(page, "alice")
    page.goto("/api/v1/docs/")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/complaints/").first).to_be_visible(timeout=15_000)
    expect(page).to_have_title("API documentation · CareDesk")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_contain_text("CareDesk API")
    audit.check(page, "API docs")

    listing = page.locator("#operations-Complaints-complaints_list")
    listing.locator(".opblock-summary").click()
    expect(listing.get_by_role("button", name="Try it out")).to_be_visible()
    audit.check(page, "API docs, GET /api/v1/complaints/ open")

    listing.get_by_role("button", name="Try it out").click()
    expect(listing.get_by_role("combobox", name="escalated")).to_be_enabled()
    expect(listing.get_by_role("button", name="Execute")).to_be_visible()
    audit.check(page, "API docs, GET /api/v1/complaints/ after Try it out")

    logging = page.locator("#operations-Complaints-complaints_create")
    logging.locator(".opblock-summary").click()
    expect(logging.get_by_role("region", name="Example request body, POST /api/v1/complaints/")).to_be_visible()
    audit.check(page, "API docs, POST /api/v1/complaints/ open")

    page.locator(".scheme-container").get_by_role("button", name="Authorize").click()
    dialog = page.get_by_role("dialog", name="Available authorizations")
    expect(dialog.get_by_role("textbox", name="Value").first).to_be_visible()
    audit.check(page, "API docs, the Authorize dialog")
    audit.assert_clean(at_least=5)
