"""The outbox: which timeline events become webhook events, for which endpoints, with what body, and only once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from api.representations import complaint_representation
from common.errors import DomainError
from common.leases import LeaseStatus
from customers.personal_data.erasure import customer_erase
from recovery.models import Complaint, ComplaintEvent, EventKind, Stage
from recovery.workflow import complaint_apologize
from tests.helpers.webhook_receiver import make_endpoint
from webhooks import services
from webhooks.announcing import announce_events
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.sending import deliveries_claim_due, delivery_deliver

URL = "https://hooks.example.org/caredesk"

EXPECTED_TYPES = {
    EventKind.LOGGED: "complaint.logged",
    EventKind.STEP_DONE: "complaint.step_done",
    EventKind.STEP_SKIPPED: "complaint.step_skipped",
    EventKind.ESCALATED: "complaint.escalated",
    EventKind.ASSIGNED: "complaint.assigned",
    EventKind.TAKEN: "complaint.assigned",
    EventKind.CLOSED: "complaint.closed",
    EventKind.REOPENED: "complaint.reopened",
    EventKind.SURVEY_ANSWERED: "complaint.survey_answered",
    EventKind.AUTO_ESCALATED: "complaint.overdue",
}


def _nothing_pending() -> None:
    ComplaintEvent.objects.update(to_announce=False)


@pytest.mark.django_db
def test_each_kind_of_the_timeline_becomes_its_webhook_type_and_the_rest_are_not_sent(complaint: Complaint) -> None:
    make_endpoint(URL)
    _nothing_pending()
    now = timezone.now()
    events = {kind: ComplaintEvent.objects.create(complaint=complaint, kind=kind, created_at=now) for kind in EventKind}

    assert announce_events() == len(EventKind)

    sent = {e.source.kind: e.type for e in WebhookEvent.objects.select_related("source") if e.source}
    assert sent == EXPECTED_TYPES
    not_sent = set(EventKind) - set(EXPECTED_TYPES)
    assert {EventKind.NOTE, EventKind.EDITED, EventKind.DATA_ERASED, EventKind.DATA_EXPORTED} <= not_sent
    assert not ComplaintEvent.objects.filter(pk__in=[e.pk for e in events.values()], to_announce=True).exists()
    assert announce_events() == 0  # announced once


@pytest.mark.django_db
def test_the_body_has_the_id_type_time_the_complaint_as_the_api_shows_it_and_the_event(
    complaint: Complaint, alice: Any
) -> None:
    make_endpoint(URL)
    _nothing_pending()
    done = complaint_apologize(complaint=complaint, user=alice, note="Said sorry on the phone")

    announce_events()

    event = WebhookEvent.objects.get()
    source = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.STEP_DONE)
    body = json.loads(event.body)
    assert body == {
        "id": str(event.pk),
        "type": "complaint.step_done",
        "created_at": body["created_at"],
        "data": {
            "complaint": json.loads(json.dumps(complaint_representation(Complaint.objects.get(pk=done.pk)))),
            "event": {
                "kind": "step_done",
                "stage_before": Stage.APOLOGIZE,
                "stage_after": Stage.REINSTATE,
                "actor": "alice",
                "details": source.payload,
            },
        },
    }
    assert body["created_at"].startswith(source.created_at.isoformat()[:19])
    assert event.occurred_at == source.created_at
    assert event.complaint_id == complaint.pk


@pytest.mark.django_db
def test_one_event_is_shared_by_the_endpoints_that_want_it_and_each_gets_one_delivery(complaint: Complaint) -> None:
    both = [make_endpoint(URL), make_endpoint(URL + "/2")]
    closed_only = make_endpoint(URL + "/3", events=["complaint.closed"])
    make_endpoint(URL + "/4", is_active=False, disabled_at=timezone.now())

    announce_events()

    event = WebhookEvent.objects.get()
    assert event.type == "complaint.logged"
    assert {d.endpoint_id for d in WebhookDelivery.objects.all()} == {e.pk for e in both}
    assert not WebhookDelivery.objects.filter(endpoint=closed_only).exists()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {LeaseStatus.PENDING}


@pytest.mark.django_db
def test_an_employees_complaint_goes_only_to_endpoints_allowed_confidential_ones(marks_complaint: Complaint) -> None:
    allowed = make_endpoint(URL, include_confidential=True)
    make_endpoint(URL + "/public")

    announce_events()

    [delivery] = WebhookDelivery.objects.all()
    assert delivery.endpoint_id == allowed.pk
    assert delivery.event.complaint_id == marks_complaint.pk


@pytest.mark.django_db
def test_without_endpoints_the_outbox_is_emptied_and_nothing_is_made(complaint: Complaint) -> None:
    assert ComplaintEvent.objects.filter(complaint=complaint, to_announce=True).exists()

    announce_events()

    assert not ComplaintEvent.objects.filter(to_announce=True).exists()
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_events_written_by_raw_sql_and_older_rows_are_not_announced(complaint: Complaint) -> None:
    _nothing_pending()
    with connection.cursor() as cursor:  # as bench/seed_million.py writes them: no to_announce column given
        cursor.execute(
            "INSERT INTO recovery_complaintevent (complaint_id, kind, created_at, stage_before, stage_after, payload) "
            "VALUES (%s, 'note', now(), '', '', '{}')",
            [complaint.pk],
        )
    assert not ComplaintEvent.objects.filter(to_announce=True).exists()


@pytest.mark.django_db
def test_after_an_erasure_nothing_of_the_customer_goes_out(
    complaint: Complaint, maria: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = make_endpoint(URL)
    announce_events()
    delivery = WebhookDelivery.objects.get()
    assert "Carla Customer" in delivery.event.body  # frozen before the erasure

    customer_erase(customer=complaint.customer, user=maria, reason="Asked by phone", confirmation="ERASE")
    announce_events()  # the erasure's timeline line is not a webhook event

    assert WebhookEvent.objects.count() == 1
    claimed: list[tuple[int, int]] = []
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)))
    [(pk, attempt)] = claimed
    assert delivery_deliver(delivery_id=pk, attempt=attempt) == "cancelled"
    delivery.refresh_from_db()
    assert delivery.status == LeaseStatus.CANCELLED
    assert "erased" in delivery.last_error
    with pytest.raises(DomainError, match="erased"):
        services.delivery_send_again(user=maria, delivery=delivery)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).consecutive_failures == 0
