"""The managers' webhook pages: only managers, forms that keep what was typed, the buttons, fixed query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.leases import LeaseStatus
from recovery.models import Complaint, ComplaintEvent, EventKind
from tests.factories import log_complaint
from tests.helpers.webhook_receiver import make_endpoint
from webhooks.models import COMPLAINT_EVENTS, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

PUBLIC = "https://93.184.216.34/caredesk"  # an address literal: checked without asking DNS


def _form(**changes: Any) -> dict[str, Any]:
    return {"url": PUBLIC, "description": "Ticketing", "events": ["complaint.logged", "complaint.closed"], **changes}


@pytest.fixture
def endpoint(db: None) -> WebhookEndpoint:
    return make_endpoint(PUBLIC, description="Ticketing")


def test_the_pages_are_for_managers_only(client: Any, alice: Any, endpoint: WebhookEndpoint) -> None:
    client.force_login(alice)
    for url in [
        reverse("webhooks:endpoint_list"),
        reverse("webhooks:endpoint_create"),
        reverse("webhooks:endpoint_detail", args=[endpoint.pk]),
        reverse("webhooks:endpoint_edit", args=[endpoint.pk]),
    ]:
        assert client.get(url).status_code == 403
    for url in [
        reverse("webhooks:endpoint_new_secret", args=[endpoint.pk]),
        reverse("webhooks:endpoint_send_test", args=[endpoint.pk]),
    ]:
        assert client.post(url).status_code == 403
    assert WebhookEndpoint.objects.get().secret == endpoint.secret
    assert not WebhookEvent.objects.exists()


def test_a_manager_adds_an_endpoint_and_sees_its_secret(client: Any, maria: Any) -> None:
    client.force_login(maria)
    # Found from the account page (not the daily menu: set up once, then left alone).
    assert reverse("webhooks:endpoint_list") in client.get(reverse("accounts:account")).content.decode()

    response = client.post(reverse("webhooks:endpoint_create"), _form(include_confidential="on"))

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:endpoint_detail", args=[endpoint.pk])
    assert (endpoint.url, endpoint.description) == (PUBLIC, "Ticketing")
    assert endpoint.events == ["complaint.logged", "complaint.closed"]
    assert endpoint.include_confidential
    assert endpoint.is_active
    assert len(endpoint.secret) >= 40
    assert endpoint.created_by == maria
    page = client.get(response["Location"]).content.decode()
    assert endpoint.secret in page
    assert "Send a test event" in page


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"url": "http://127.0.0.1:8765/caredesk"}, "internal address"),
        ({"url": "http://10.0.0.5/hook"}, "internal address"),
        ({"url": "ftp://93.184.216.34/hook"}, "Only http:// and https://"),
        ({"events": []}, "Choose at least one event"),
        ({"url": ""}, "Enter the URL"),
    ],
)
def test_a_refused_endpoint_shows_the_error_by_its_field_and_keeps_what_was_typed(
    client: Any, maria: Any, settings: Any, changes: dict[str, Any], field_error: str
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False
    client.force_login(maria)
    data = _form(description="Kept as typed", **changes)

    response = client.post(reverse("webhooks:endpoint_create"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert field_error in html
    assert 'value="Kept as typed"' in html
    if data["url"]:
        assert f'value="{data["url"]}"' in html
    assert "autofocus" in html
    assert not WebhookEndpoint.objects.exists()


def test_a_private_address_is_accepted_when_allowed(client: Any, maria: Any, settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = True
    client.force_login(maria)

    client.post(reverse("webhooks:endpoint_create"), _form(url="http://127.0.0.1:8765/caredesk"))

    assert WebhookEndpoint.objects.get().url == "http://127.0.0.1:8765/caredesk"


def test_switching_an_endpoint_back_on_clears_its_failures(client: Any, maria: Any, endpoint: WebhookEndpoint) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False,
        disabled_at=timezone.now(),
        disabled_reason="15 attempts in a row failed.",
        consecutive_failures=15,
    )
    client.force_login(maria)
    edit = reverse("webhooks:endpoint_edit", args=[endpoint.pk])
    assert (
        "15 attempts in a row failed."
        in client.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk])).content.decode()
    )
    assert 'name="is_active"' in client.get(edit).content.decode()

    client.post(edit, _form(is_active="on", events=list(COMPLAINT_EVENTS)))

    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.disabled_at is None
    assert (endpoint.consecutive_failures, endpoint.disabled_reason) == (0, "")
    assert endpoint.events == list(COMPLAINT_EVENTS)

    client.post(edit, _form())  # the switch left off
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "Switched off by Maria Moreno."


def test_a_new_secret_replaces_the_old(client: Any, maria: Any, endpoint: WebhookEndpoint) -> None:
    client.force_login(maria)
    old = endpoint.secret

    response = client.post(reverse("webhooks:endpoint_new_secret", args=[endpoint.pk]))

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert client.get(reverse("webhooks:endpoint_new_secret", args=[endpoint.pk])).status_code == 405


def test_the_buttons_send_a_test_event_and_send_one_again(client: Any, maria: Any, endpoint: WebhookEndpoint) -> None:
    client.force_login(maria)

    client.post(reverse("webhooks:endpoint_send_test", args=[endpoint.pk]))

    delivery = WebhookDelivery.objects.get()
    assert delivery.event.type == "ping"
    assert delivery.status == LeaseStatus.PENDING
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=LeaseStatus.FAILED, last_error="The receiver answered 500."
    )
    page = client.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk])).content.decode()
    assert "The receiver answered 500." in page

    response = client.post(reverse("webhooks:delivery_send_again", args=[delivery.pk]), follow=True)

    assert "will be sent again within seconds, with the same id" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (LeaseStatus.PENDING, "")
    assert WebhookEvent.objects.count() == 1
    # Already on its way: refused, said so.
    again = client.post(reverse("webhooks:delivery_send_again", args=[delivery.pk]), follow=True)
    assert "already waiting to be sent" in again.content.decode()


def _log_of(endpoint: WebhookEndpoint, complaint: Complaint, count: int) -> None:
    """`count` deliveries to the endpoint, each tried twice (a 500, then a 204), and one failed delivery."""
    now = timezone.now()
    for _ in range(count):
        source = ComplaintEvent.objects.create(complaint=complaint, kind=EventKind.NOTE, created_at=now)
        event = WebhookEvent.objects.create(
            type="complaint.step_done", complaint=complaint, source=source, occurred_at=now, body="{}"
        )
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, due_at=now, status=LeaseStatus.SENT, sent_at=now
        )
        for status in (500, 204):
            WebhookAttempt.objects.create(delivery=delivery, endpoint=endpoint, at=now, status_code=status)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=LeaseStatus.FAILED, sent_at=None)


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_endpoint_page_and_the_list_make_the_same_queries_for_1_and_50_deliveries(
    client: Any, maria: Any, alice: Any
) -> None:
    complaint = log_complaint(user=alice)
    one, fifty = make_endpoint(PUBLIC), make_endpoint(PUBLIC + "/50")
    _log_of(one, complaint, 1)
    _log_of(fifty, complaint, 50)
    client.force_login(maria)
    page = reverse("webhooks:endpoint_detail", args=[one.pk])
    _queries(client, page)  # the session and the menu warm up once

    counts = {n: _queries(client, reverse("webhooks:endpoint_detail", args=[e.pk])) for n, e in ((1, one), (50, fifty))}

    assert counts[1] == counts[50], counts
    html = client.get(reverse("webhooks:endpoint_detail", args=[fifty.pk])).content.decode()
    assert html.count("<time") >= 50
    # The 50 latest tries are 25 deliveries' two each: "Send again" on each one's newest try, and the failed
    # delivery once more under "Not sent".
    assert html.count(">Send again</button>") == 25 + 1
    assert _queries(client, reverse("webhooks:endpoint_list")) == _queries(client, reverse("webhooks:endpoint_list"))


def test_an_endpoint_whose_address_is_refused_can_still_be_switched_off_but_not_moved_to_another(
    client: Any, maria: Any, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False
    endpoint = make_endpoint("http://127.0.0.1:8765/caredesk")  # e.g. the demo's, in production settings
    client.force_login(maria)
    edit = reverse("webhooks:endpoint_edit", args=[endpoint.pk])

    moved = client.post(edit, _form(url="http://192.168.1.20/caredesk", is_active="on"))
    assert "internal address" in moved.content.decode()
    assert client.post(edit, _form(url=endpoint.url)).status_code == 302  # unchanged: not checked again

    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.is_active) == ("http://127.0.0.1:8765/caredesk", False)
