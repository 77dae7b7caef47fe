"""The demo's webhook endpoint (`make run`): one, pointed at the small receiver in scripts/webhook_receiver.py.

`make run` does not need the receiver. Start it to watch events arrive:

    .venv/bin/python scripts/webhook_receiver.py --secret caredesk-demo-webhook-secret --port 8765

The address is on loopback, which is refused unless WEBHOOK_ALLOW_PRIVATE is set: `scripts/run_local.py`
sets it for the local run only. Without the receiver, the deliveries fail and are retried, and after
WEBHOOK_DISABLE_AFTER failures the endpoint is switched off and the managers are emailed, as in production.
"""

from __future__ import annotations

from recovery.models import ComplaintEvent
from webhooks.models import COMPLAINT_EVENTS, WebhookEndpoint

DEMO_URL = "http://127.0.0.1:8765/caredesk"
# A published demo secret, like the demo password: the receiver's command line above uses it.
DEMO_SECRET = "caredesk-demo-webhook-secret"  # noqa: S105


def seed_demo_webhooks() -> WebhookEndpoint:
    """Add the demo endpoint (every event, no confidential complaints); the demo's history is not announced.

    Made directly, not through `services.endpoint_create`: its loopback address is one the form refuses
    unless WEBHOOK_ALLOW_PRIVATE is set, which `seed_demo` does not need to be. The timeline the demo just
    wrote is marked announced, so the receiver gets what happens from now on, not thousands of old events.
    """
    ComplaintEvent.objects.filter(to_announce=True).update(to_announce=False)
    endpoint, _ = WebhookEndpoint.objects.get_or_create(
        url=DEMO_URL,
        defaults={
            "description": "Demo receiver",
            "secret": DEMO_SECRET,
            "events": list(COMPLAINT_EVENTS),
            "include_confidential": False,
        },
    )
    return endpoint
