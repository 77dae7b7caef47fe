"""What the emails to the customer share: the address read when sent, the consent re-checked then."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core import signing

from common.people import display_name
from recovery.models import Complaint, Reminder
from recovery.notifications.base import Notice, reference
from recovery.reminders import customer_may_be_emailed

WHY_CUSTOMER = "You get this because you agreed that we may contact you about your complaint {reference}."
MESSAGE_ID_SALT = "recovery.notifications.customer.message-id"
_MESSAGE_ID = re.compile(r"<caredesk\.(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{20,64})@[^<>\s]+>")


def _signer() -> signing.Signer:
    # Signer tries SECRET_KEY_FALLBACKS too: rotating the key does not unthread replies to older emails.
    return signing.Signer(salt=MESSAGE_ID_SALT, algorithm="sha256")


def customer_message_id(complaint_id: int, reminder_id: int) -> str:
    """Return the Message-ID of an email to the customer: <caredesk.{complaint}.{reminder}.{signature}@{domain}>."""
    value = f"{complaint_id}.{reminder_id}"
    domain = settings.EMAIL_FROM_ADDRESS.rpartition("@")[2] or "localhost"
    return f"<caredesk.{value}.{_signer().signature(value)}@{domain}>"


def complaint_from_message_id(value: str) -> int | None:
    """Return the complaint a Message-ID from `customer_message_id` names, or None (not ours, or forged)."""
    found = _MESSAGE_ID.fullmatch(value.strip())
    if found is None:
        return None
    complaint_id, reminder_id, signature = found.groups()
    try:
        _signer().unsign(f"{complaint_id}.{reminder_id}:{signature}")
    except signing.BadSignature:
        return None
    return int(complaint_id)


# The address of a complaint's status page for its customer (a signed link). The page lives in `intake`,
# which recovery does not import: intake registers its function from `IntakeConfig.ready`.
_status_link: Callable[[Complaint], str] | None = None


def register_status_link(build: Callable[[Complaint], str]) -> None:
    """Say how to make a complaint's status link for customer emails (call it from an AppConfig.ready)."""
    global _status_link
    _status_link = build


def status_link(complaint: Complaint) -> str:
    """Return the full address of the complaint's status page for its customer, or "" when none is registered."""
    return _status_link(complaint) if _status_link is not None else ""


class CustomerEmail(Notice):
    def moot(self, reminder: Reminder, *, now: datetime) -> bool:
        # Consent withdrawn, address removed or emails switched off since it was scheduled.
        return not customer_may_be_emailed(reminder.complaint)

    def addresses(self, reminder: Reminder) -> list[str]:
        email = reminder.complaint.customer.email
        return [email] if email else []

    def why(self, reminder: Reminder) -> str:
        return WHY_CUSTOMER.format(reference=reference(reminder), owner=display_name(reminder.recipient))
