"""Webhooks end to end against the real services: a Celery worker on Redis, PostgreSQL, a real HTTP receiver on
loopback (tests/helpers/webhook_receiver.py) and the SMTP server for the managers' email.

The worker runs in a thread (`worker` fixture), so these tests are transactional. Beat does not run: each
test calls what beat would (`announce_events`, then `dispatch_webhooks` through the broker).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from common.leases import LeaseStatus
from tests.celery_services import wait_for_idle, wait_until
from tests.factories import log_complaint
from tests.helpers.webhook_receiver import Receiver, closed_url, make_endpoint
from tests.smtp import SmtpServer
from webhooks import signing, tasks
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookNotice


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def fast(settings: Any) -> None:
    """Loopback receivers allowed; seconds between retries (the smtp fixture sets the backoff), short timeouts."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    settings.REMINDER_MAX_RETRIES = 10


def _receiver_script_verify() -> Any:
    """The README's verification snippet: `verify` from scripts/webhook_receiver.py, which imports nothing of ours."""
    path = Path(__file__).resolve().parent.parent / "scripts" / "webhook_receiver.py"
    spec = importlib.util.spec_from_file_location("webhook_receiver_script", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verify


@pytest.mark.django_db(transaction=True)
def test_an_event_arrives_signed_with_its_id_type_and_the_complaint(
    alice: Any, worker: None, receiver: Receiver, fast: None
) -> None:
    endpoint = make_endpoint(receiver.url)
    complaint = log_complaint(user=alice)

    assert tasks.announce_events() >= 1
    tasks.dispatch_webhooks.delay()

    [request] = receiver.wait_for(1)
    event = WebhookEvent.objects.get()
    timestamp, signature = request.header("CareDesk-Timestamp"), request.header("CareDesk-Signature")
    assert signing.verify(endpoint.secret, timestamp, request.body, signature)
    assert _receiver_script_verify()(endpoint.secret, timestamp, request.body, signature)
    assert not signing.verify("another secret", timestamp, request.body, signature)
    assert not signing.verify(endpoint.secret, timestamp, request.body + b" ", signature)
    assert request.header("CareDesk-Event-Id") == str(event.id)
    assert request.header("CareDesk-Event-Type") == "complaint.logged"
    assert request.header("Content-Type") == "application/json"
    assert request.header("User-Agent") == "CareDesk-Webhooks/1"
    assert request.path == "/caredesk"
    assert request.body == event.body.encode()
    body = json.loads(request.body)
    assert (body["id"], body["type"]) == (str(event.id), "complaint.logged")
    assert body["data"]["complaint"]["reference"] == complaint.reference
    assert body["data"]["event"]["kind"] == "logged"
    assert body["data"]["event"]["actor"] == "alice"
    wait_until(lambda: WebhookDelivery.objects.get().status == LeaseStatus.SENT)
    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.error) == (204, "")
    wait_for_idle()
    assert len(receiver.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_a_receiver_that_fails_twice_gets_the_same_event_again_until_it_takes_it(
    alice: Any, worker: None, receiver: Receiver, fast: None
) -> None:
    endpoint = make_endpoint(receiver.url)
    receiver.fail(2)
    log_complaint(user=alice)

    tasks.announce_events()
    tasks.dispatch_webhooks.delay()

    requests = receiver.wait_for(3)
    wait_until(lambda: WebhookDelivery.objects.get().status == LeaseStatus.SENT)
    event = WebhookEvent.objects.get()
    assert {r.header("CareDesk-Event-Id") for r in requests} == {str(event.id)}
    assert {r.body for r in requests} == {event.body.encode()}  # the same bytes every time
    assert [a.status_code for a in WebhookAttempt.objects.order_by("at", "pk")] == [500, 500, 204]
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_error == ""
    assert delivery.attempts >= 3  # the claim and two retries, each a new claim token
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.is_active) == (0, True)
    wait_for_idle()
    assert len(receiver.requests) == 3


@pytest.mark.django_db(transaction=True)
def test_a_receiver_down_all_along_gets_its_endpoint_switched_off_and_the_managers_emailed(
    alice: Any, maria: Any, mark: Any, worker: None, smtp: SmtpServer, fast: None, settings: Any
) -> None:
    settings.WEBHOOK_DISABLE_AFTER = 3
    endpoint = make_endpoint(closed_url(), description="Ticketing")
    log_complaint(user=alice)

    tasks.announce_events()
    tasks.dispatch_webhooks.delay()

    wait_until(lambda: WebhookDelivery.objects.get().status == LeaseStatus.FAILED)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_at is not None
    assert "3 attempts in a row failed" in endpoint.disabled_reason
    assert WebhookAttempt.objects.count() == 3
    assert all(a.status_code is None and "connect" in a.error.lower() for a in WebhookAttempt.objects.all())
    assert "switched off" in WebhookDelivery.objects.get().last_error

    assert {n.recipient.username for n in WebhookNotice.objects.all()} == {"maria", "mark"}
    tasks.dispatch_webhook_notices.delay()
    received = smtp.wait_for(2)
    assert sorted(r.rcpt_tos for r in received) == [("maria@example.com",), ("mark@example.com",)]
    text = received[0].part("text/plain")
    assert "Webhooks: an endpoint was switched off" in received[0].subject
    assert endpoint.url in text
    assert "3 attempts in a row failed" in text
    assert f"/webhooks/{endpoint.pk}/" in text
    wait_until(lambda: set(WebhookNotice.objects.values_list("status", flat=True)) == {LeaseStatus.SENT})

    # Switched off, it gets nothing more: a new complaint makes no delivery for it.
    log_complaint(user=alice)
    tasks.announce_events()
    assert WebhookDelivery.objects.count() == 1
    wait_for_idle(smtp=smtp)
    assert len(smtp.messages) == 2
    assert WebhookEndpoint.objects.get().consecutive_failures == 3
