"""A manager sets up a webhook endpoint from their account page: every page passes axe, errors stay by their field."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import AxeAudit, OnlyThisServer
from tests.browser.helpers import maria, sign_in
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def axe_page(new_context: Any, new_page: Any, live_server: Any) -> Any:
    network = OnlyThisServer(live_server.url)
    page = network.watch(new_page(new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})))
    yield page
    assert network.elsewhere == [], f"pages asked for something elsewhere: {network.elsewhere}"


def test_a_manager_adds_an_endpoint(live_server: Any, starter_data: None, axe_page: Page, settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False
    page, audit = axe_page, AxeAudit()
    maria()
    sign_in(page, "maria")
    page.goto("/account/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
    audit.check(page, "webhooks, none yet")

    page.get_by_role("link", name="Add an endpoint").click()
    audit.check(page, "add an endpoint")
    # An internal address is refused by the URL field, and what was typed stays.
    page.get_by_label("URL").fill("http://127.0.0.1:9/hooks")
    page.get_by_label("Description").fill("Ticketing")
    page.get_by_role("button", name="Add the endpoint").click()
    expect(page.get_by_text("private", exact=False).first).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Ticketing")
    assert not WebhookEndpoint.objects.exists()
    audit.check(page, "add an endpoint, refused address")

    page.get_by_label("URL").fill("https://93.184.216.34/caredesk")
    page.get_by_role("button", name="Add the endpoint").click()
    expect(page.get_by_role("heading", name="Ticketing")).to_be_visible()
    assert WebhookEndpoint.objects.get().description == "Ticketing"
    audit.check(page, "an endpoint's page")
    page.get_by_role("link", name="Edit").click()
    audit.check(page, "edit an endpoint")
    audit.assert_clean(at_least=5)
