"""Sending one delivery, called in this process (no worker) against a real receiver on loopback: private
addresses refused, timeouts, redirects, sending again with the same id and body, the test event, and a
switched-off endpoint."""

from __future__ import annotations

import ipaddress
import json
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from common import leases
from common.errors import DomainError
from common.leases import LeaseStatus
from tests.factories import log_complaint
from tests.helpers.webhook_receiver import HANG, TRICKLE, Receiver, make_endpoint
from webhooks import outbound, services, signing, tasks
from webhooks.announcing import announce_events
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.sending import deliveries_claim_due, delivery_deliver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def loopback(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 1


def claim_all() -> list[tuple[int, int]]:
    claimed: list[tuple[int, int]] = []
    deliveries_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)))
    return claimed


def deliver_all() -> list[str]:
    """Claim every due delivery and send each once; a failure worth retrying reads 'retry'."""
    outcomes = []
    for pk, attempt in claim_all():
        try:
            outcomes.append(delivery_deliver(delivery_id=pk, attempt=attempt))
        except leases.DeliveryError:
            outcomes.append("retry")
    return outcomes


def a_logged_complaint(user: Any) -> Any:
    complaint = log_complaint(user=user)
    announce_events()
    return complaint


# --- server-side request forgery ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/caredesk",
        "http://localhost:{port}/caredesk",
        "http://[::1]:{port}/caredesk",
        "http://[::ffff:127.0.0.1]:{port}/caredesk",
        "http://10.1.2.3/caredesk",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0:{port}/",
    ],
)
@pytest.mark.django_db(transaction=True)
def test_a_private_address_is_refused_nothing_is_sent_and_the_attempt_says_why(
    url: str, alice: Any, receiver: Receiver, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False
    endpoint = make_endpoint(url.format(port=receiver.port))
    a_logged_complaint(alice)

    assert deliver_all() == ["failed"]  # a refusal is not retried: it would be refused again

    assert receiver.requests == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert "internal address" in attempt.error
    assert "WEBHOOK_ALLOW_PRIVATE" in attempt.error
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == (LeaseStatus.FAILED, attempt.error)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).consecutive_failures == 1


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", True),
        ("10.0.0.8", True),
        ("172.16.5.4", True),
        ("192.168.1.1", True),
        ("100.64.0.1", True),  # shared address space (carrier-grade NAT)
        ("169.254.169.254", True),  # the cloud's metadata service
        ("224.0.0.1", True),
        ("0.0.0.0", True),  # noqa: S104 - an address checked, not bound
        ("::1", True),
        ("::", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("::ffff:10.0.0.1", True),
        ("2002:7f00:1::", True),  # 6to4 around 127.0.0.1
        ("93.184.216.34", False),
        ("2606:2800:220:1:248:1893:25c8:1946", False),
    ],
)
def test_which_addresses_are_refused(address: str, refused: bool) -> None:
    assert outbound.forbidden(ipaddress.ip_address(address)) is refused


def test_only_http_and_https_urls_without_credentials(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = True
    for url, message in [
        ("ftp://93.184.216.34/x", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("http:///nohost", "no host"),
        ("https://user:secret@93.184.216.34/", "no user name or password"),
        ("http://93.184.216.34:99999/", "not valid"),
    ]:
        with pytest.raises(outbound.AddressRefused, match=re.escape(message)):
            outbound.check_url(url)


def test_a_host_is_refused_when_any_of_its_addresses_is_private(monkeypatch: Any, settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(outbound.AddressRefused, match=re.escape("resolves to 127.0.0.1")):
        outbound.check_url("https://mixed.example/hook")


def test_the_connection_goes_to_the_address_checked_with_the_host_by_name(
    monkeypatch: Any, receiver: Receiver, settings: Any
) -> None:
    """Resolved once: a name that would resolve elsewhere the second time (DNS rebinding) is never asked again."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    answers = iter(["127.0.0.1", "203.0.113.9"])  # the second answer would be the attacker's
    real = socket.getaddrinfo

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    answer = outbound.post(
        f"http://rebind.example:{receiver.port}/hook?x=1", b"{}", {"Content-Type": "application/json"}
    )

    assert answer.status == 204
    [request] = receiver.requests
    assert request.header("Host") == f"rebind.example:{receiver.port}"
    assert request.path == "/hook?x=1"


# --- failures that are retried ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "answer",
    # HANG: no answer at all within the timeout. TRICKLE: each byte well within the 1 s a read may wait,
    # the whole answer about 20 s; the deadline on the whole exchange cuts it off.
    [HANG, TRICKLE],
)
def test_a_receiver_too_slow_to_answer_is_a_failure_to_retry(
    alice: Any, receiver: Receiver, loopback: None, answer: str
) -> None:
    make_endpoint(receiver.url)
    receiver.answer([answer])
    a_logged_complaint(alice)

    assert deliver_all() == ["retry"]

    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert attempt.error == "No answer within 1 s."
    assert 900 <= attempt.duration_ms < 3000
    assert WebhookDelivery.objects.get().status == LeaseStatus.CLAIMED  # kept for the retry
    assert WebhookEndpoint.objects.get().consecutive_failures == 1


@pytest.mark.django_db(transaction=True)
def test_a_redirect_is_not_followed(alice: Any, receiver: Receiver, loopback: None) -> None:
    make_endpoint(receiver.url)
    receiver.answer([302])
    a_logged_complaint(alice)

    assert deliver_all() == ["retry"]

    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 302
    assert attempt.error == "The receiver answered 302. Redirects are not followed (to https://elsewhere.example/)."
    assert attempt.response_snippet == "receiver says no"
    assert len(receiver.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_retries_used_up_fail_the_delivery_with_every_try_logged(
    alice: Any, receiver: Receiver, loopback: None, settings: Any
) -> None:
    settings.REMINDER_MAX_RETRIES = 2
    settings.REMINDER_RETRY_BASE_SECONDS = 1
    make_endpoint(receiver.url, description="Always 500")
    receiver.default = 500
    a_logged_complaint(alice)
    [(pk, attempt)] = claim_all()

    # apply() runs the task here; its retries run here too, one after the other.
    assert tasks.send_webhook.apply(args=(pk, attempt)).get() == "failed"

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (LeaseStatus.FAILED, 3)
    assert delivery.last_error == "The receiver answered 500."
    assert list(WebhookAttempt.objects.values_list("status_code", flat=True)) == [500, 500, 500]
    assert len({r.header("CareDesk-Event-Id") for r in receiver.requests}) == 1
    assert claim_all() == []  # a failed delivery is final until a manager sends it again


# --- sending again, the test event, a switched-off endpoint ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_sending_again_sends_the_same_event_with_the_same_id_and_body(
    alice: Any, maria: Any, receiver: Receiver, loopback: None
) -> None:
    make_endpoint(receiver.url)
    a_logged_complaint(alice)
    assert deliver_all() == ["sent"]
    delivery = WebhookDelivery.objects.get()

    services.delivery_send_again(user=maria, delivery=delivery)
    with pytest.raises(DomainError, match="already waiting"):
        services.delivery_send_again(user=maria, delivery=delivery)
    assert deliver_all() == ["sent"]

    first, second = receiver.requests
    assert first.header("CareDesk-Event-Id") == second.header("CareDesk-Event-Id")
    assert first.body == second.body
    assert WebhookEvent.objects.count() == 1
    assert WebhookDelivery.objects.get().status == LeaseStatus.SENT
    assert WebhookAttempt.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_test_event_is_signed_and_sent_to_the_endpoint(maria: Any, receiver: Receiver, loopback: None) -> None:
    endpoint = make_endpoint(receiver.url)

    services.endpoint_send_test(user=maria, endpoint=endpoint)
    assert deliver_all() == ["sent"]

    [request] = receiver.requests
    body = json.loads(request.body)
    assert body["type"] == "ping" == request.header("CareDesk-Event-Type")
    assert body["data"]["endpoint"] == {"id": endpoint.pk, "url": endpoint.url}
    assert signing.verify(
        endpoint.secret, request.header("CareDesk-Timestamp"), request.body, request.header("CareDesk-Signature")
    )


@pytest.mark.django_db(transaction=True)
def test_a_switched_off_endpoint_gets_nothing_and_resumes_with_new_events_only(
    alice: Any, maria: Any, receiver: Receiver, loopback: None
) -> None:
    endpoint = make_endpoint(receiver.url, events=["complaint.logged"])
    a_logged_complaint(alice)  # a delivery waiting
    fields = {"url": endpoint.url, "description": "", "events": endpoint.events, "include_confidential": False}
    services.endpoint_update(user=maria, endpoint=endpoint, is_active=False, **fields)

    assert deliver_all() == ["cancelled"]
    assert receiver.requests == []
    waiting = WebhookDelivery.objects.get()
    assert waiting.last_error == "The endpoint is switched off; this event was not sent."
    with pytest.raises(DomainError, match="switch it on first"):
        services.delivery_send_again(user=maria, delivery=waiting)
    with pytest.raises(DomainError, match="switch it on first"):
        services.endpoint_send_test(user=maria, endpoint=endpoint)
    a_logged_complaint(alice)  # while off: nothing made for it
    assert WebhookDelivery.objects.count() == 1

    services.endpoint_update(user=maria, endpoint=endpoint, is_active=True, **fields)
    a_logged_complaint(alice)
    assert deliver_all() == ["sent"]
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get(pk=waiting.pk).status == LeaseStatus.CANCELLED  # not sent by itself


@pytest.mark.django_db(transaction=True)
def test_a_stale_claim_stands_down(alice: Any, receiver: Receiver, loopback: None) -> None:
    make_endpoint(receiver.url)
    a_logged_complaint(alice)
    [(pk, attempt)] = claim_all()

    assert delivery_deliver(delivery_id=pk, attempt=attempt + 1) == "stale"
    assert delivery_deliver(delivery_id=pk, attempt=attempt) == "sent"
    assert delivery_deliver(delivery_id=pk, attempt=attempt) == "stale"
    assert len(receiver.requests) == 1
