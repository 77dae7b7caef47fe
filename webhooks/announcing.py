"""Turning the timeline into webhook events: the outbox (`ComplaintEvent.to_announce`) read by beat.

Every workflow change writes one `ComplaintEvent` in its own transaction, marked `to_announce`; nothing
about webhooks is queried during the request. `announce_events` (beat, every few seconds) claims those
rows with `select_for_update(skip_locked=True)`, so two beats never announce one twice, and for each
one the active endpoints want makes one `WebhookEvent` (the frozen body and its stable id) and one
`WebhookDelivery` per endpoint, then clears the mark, all in one transaction: an event is announced
exactly once, or not yet.

Which endpoints: those subscribed to its type, and for an employee's complaint (confidential, see
`recovery.permissions.visible_q`) only those allowed to receive confidential complaints. Kinds with no
webhook type (notes, edits, emails, personal-data records) are cleared and nothing is sent: the
personal-data kinds in particular never leave.

The complaint in the body is as it stands when announced (seconds after the event); the event part
says what changed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from customers.models import CustomerGroup
from recovery.models import Complaint, ComplaintEvent, EventKind
from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint, WebhookEvent

# The timeline's kinds that are told, and as what; every other kind is not sent.
EVENT_TYPES: dict[str, str] = {
    EventKind.LOGGED: EventType.LOGGED,
    EventKind.STEP_DONE: EventType.STEP_DONE,
    EventKind.STEP_SKIPPED: EventType.STEP_SKIPPED,
    EventKind.ESCALATED: EventType.ESCALATED,
    EventKind.ASSIGNED: EventType.ASSIGNED,
    EventKind.TAKEN: EventType.ASSIGNED,
    EventKind.CLOSED: EventType.CLOSED,
    EventKind.REOPENED: EventType.REOPENED,
    EventKind.SURVEY_ANSWERED: EventType.SURVEY_ANSWERED,
    EventKind.AUTO_ESCALATED: EventType.OVERDUE,
}


def is_confidential(complaint: Complaint) -> bool:
    """Return True for an employee's complaint, which only managers and its owner see on the screens."""
    return bool(complaint.customer.group == CustomerGroup.EMPLOYEE)


def encode(body: dict[str, Any]) -> str:
    """Return the JSON text sent for `body`: compact, UTF-8, and never re-encoded afterwards."""
    return json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def envelope(*, event_id: uuid.UUID, event_type: str, created_at: datetime, data: dict[str, Any]) -> str:
    """Return the body of every webhook: its id, type, time and data."""
    return encode({"id": str(event_id), "type": event_type, "created_at": created_at, "data": data})


def _body(event_id: uuid.UUID, event_type: str, event: ComplaintEvent, complaint: Complaint) -> str:
    from api.representations import complaint_representation  # the API's description of a complaint

    data = {
        "complaint": complaint_representation(complaint),
        "event": {
            "kind": event.kind,
            "stage_before": event.stage_before,
            "stage_after": event.stage_after,
            "actor": event.actor.username if event.actor is not None else None,
            "details": event.payload,
        },
    }
    return envelope(event_id=event_id, event_type=event_type, created_at=event.created_at, data=data)


def announce_events(*, now: datetime | None = None) -> int:
    """Announce the events waiting in the outbox, a batch per transaction; return how many were handled."""
    limit = settings.REMINDER_BATCH_SIZE
    total = 0
    for _ in range(settings.REMINDER_MAX_BATCHES_PER_RUN):
        handled = _announce_batch(limit=limit, now=now or timezone.now())
        total += handled
        if handled < limit:
            break
    return total


@transaction.atomic
def _announce_batch(*, limit: int, now: datetime) -> int:
    ids = list(
        ComplaintEvent.objects.select_for_update(skip_locked=True)
        .filter(to_announce=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True).order_by("pk"))
    if endpoints:
        events = ComplaintEvent.objects.filter(pk__in=ids, kind__in=list(EVENT_TYPES)).select_related("actor")
        _make_deliveries(events.order_by("pk"), endpoints, now=now)
    ComplaintEvent.objects.filter(pk__in=ids).update(to_announce=False)
    return len(ids)


def _make_deliveries(events: Iterable[ComplaintEvent], endpoints: list[WebhookEndpoint], *, now: datetime) -> None:
    events = [e for e in events if any(endpoint.wants(EVENT_TYPES[e.kind]) for endpoint in endpoints)]
    complaints = Complaint.objects.select_related("customer", "category", "owner").in_bulk(
        {e.complaint_id for e in events}
    )
    made: list[WebhookEvent] = []
    deliveries: list[WebhookDelivery] = []
    for event in events:
        complaint = complaints[event.complaint_id]
        event_type = EVENT_TYPES[event.kind]
        confidential = is_confidential(complaint)
        targets = [e for e in endpoints if e.wants(event_type) and (e.include_confidential or not confidential)]
        if not targets:
            continue
        event_id = uuid.uuid4()
        webhook_event = WebhookEvent(
            id=event_id,
            type=event_type,
            complaint=complaint,
            source=event,
            occurred_at=event.created_at,
            body=_body(event_id, event_type, event, complaint),
            customer_was_erased=complaint.customer.is_erased,
        )
        made.append(webhook_event)
        deliveries += [WebhookDelivery(endpoint=e, event=webhook_event, due_at=now) for e in targets]
    WebhookEvent.objects.bulk_create(made)
    WebhookDelivery.objects.bulk_create(deliveries)
