"""Every change a manager makes to webhooks: endpoints, their secret, a test event, sending one again.

Managers only; a refusal is a `DomainError` with a message a person can read (and the form field it
belongs to). The endpoint's URL is checked where it is saved as well as where it is sent
(`webhooks.outbound.check_url`): a manager hears at once that an address is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts import roles
from common.errors import DomainError
from common.leases import ACTIVE, LeaseStatus
from common.people import display_name
from webhooks import announcing, outbound
from webhooks.models import (
    COMPLAINT_EVENTS,
    DESCRIPTION_MAX,
    URL_MAX,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    new_secret,
)
from webhooks.sending import erased_since_frozen

SWITCH_ON_FIRST = "The endpoint is switched off: switch it on first, then send again."


def _require_manager(user: Any) -> None:
    if not roles.is_manager(user):
        raise DomainError("Only managers set up webhooks.")


def _clean(url: str, description: str, events: Iterable[str], *, check_address: bool) -> tuple[str, str, list[str]]:
    url, description = url.strip(), description.strip()
    if not url:
        raise DomainError("Enter the URL events are sent to.", field="url")
    if len(url) > URL_MAX:
        raise DomainError(f"Keep the URL to {URL_MAX:,} characters.", field="url")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(f"Keep the description to {DESCRIPTION_MAX} characters.", field="description")
    if check_address:
        try:
            outbound.check_url(url)
        except outbound.AddressRefused as exc:
            raise DomainError(str(exc), field="url") from None
    chosen = set(events)
    unknown = chosen - set(COMPLAINT_EVENTS)
    if unknown:
        raise DomainError(f"Unknown event type: {', '.join(sorted(unknown))}.", field="events")
    if not chosen:
        raise DomainError("Choose at least one event to send.", field="events")
    return url, description, [t for t in COMPLAINT_EVENTS if t in chosen]


def endpoint_create(
    *, user: Any, url: str, description: str, events: Iterable[str], include_confidential: bool
) -> WebhookEndpoint:
    """Add an endpoint, switched on, with a new secret; it gets the events that happen from now on."""
    _require_manager(user)
    url, description, chosen = _clean(url, description, events, check_address=True)
    return WebhookEndpoint.objects.create(
        url=url,
        description=description,
        events=chosen,
        include_confidential=include_confidential,
        created_by=user,
    )


@transaction.atomic
def endpoint_update(
    *,
    user: Any,
    endpoint: WebhookEndpoint,
    url: str,
    description: str,
    events: Iterable[str],
    include_confidential: bool,
    is_active: bool,
) -> WebhookEndpoint:
    """Change an endpoint. Switching it back on clears its run of failures; only later events are sent.

    A changed URL is checked; an unchanged one is not, so an endpoint whose address became refused can
    still be edited and switched off (its sending refuses the address anyway).
    """
    _require_manager(user)
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    url, description, chosen = _clean(url, description, events, check_address=url.strip() != locked.url)
    locked.url, locked.description, locked.events = url, description, chosen
    locked.include_confidential = include_confidential
    if is_active and not locked.is_active:
        locked.is_active, locked.disabled_at, locked.disabled_reason = True, None, ""
        locked.consecutive_failures = 0
    elif not is_active and locked.is_active:
        locked.is_active, locked.disabled_at = False, timezone.now()
        locked.disabled_reason = f"Switched off by {display_name(user)}."
    locked.save()
    return locked


def endpoint_new_secret(*, user: Any, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Give the endpoint a new signing secret; the old one stops working at once (the receiver needs the new)."""
    _require_manager(user)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=new_secret(), updated_at=timezone.now())
    endpoint.refresh_from_db()
    return endpoint


@transaction.atomic
def endpoint_send_test(*, user: Any, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a test event (`ping`) to the endpoint, signed like every other, within seconds."""
    _require_manager(user)
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).exists():
        raise DomainError("The endpoint is switched off: switch it on first, then send a test event.")
    now = timezone.now()
    event_id = uuid.uuid4()
    data = {
        "message": f"A test event from CareDesk, sent by {display_name(user)}.",
        "endpoint": {"id": endpoint.pk, "url": endpoint.url},
    }
    event = WebhookEvent.objects.create(
        id=event_id,
        type=EventType.PING,
        occurred_at=now,
        body=announcing.envelope(event_id=event_id, event_type=EventType.PING, created_at=now, data=data),
    )
    return WebhookDelivery.objects.create(endpoint=endpoint, event=event, due_at=now)


@transaction.atomic
def delivery_send_again(*, user: Any, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again, within seconds: the same event, the same id, the same body.

    Any delivery that is not already on its way (sent, failed or cancelled); never a second event, so a
    receiver that already has it drops the copy by its id.
    """
    _require_manager(user)
    locked = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint", "event__complaint__customer")
        .get(pk=delivery.pk)
    )
    if not locked.endpoint.is_active:
        raise DomainError(SWITCH_ON_FIRST)
    if locked.status in ACTIVE:
        raise DomainError("This event is already waiting to be sent.")
    if erased_since_frozen(locked.event):
        raise DomainError("The customer's personal data was erased after this event was made: it is not sent again.")
    WebhookDelivery.objects.filter(pk=locked.pk).update(
        status=LeaseStatus.PENDING, due_at=timezone.now(), lease_expires_at=None, sent_at=None, last_error=""
    )
    locked.refresh_from_db()
    return locked
