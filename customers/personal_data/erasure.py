"""Erasing a customer's personal data: for good, in one transaction, leaving every figure as it was.

What is replaced (`ERASED`, "[erased]"; empty text stays empty, so "was there any" is not invented):
- the customer: name → "Erased customer <number>", email, phone (and its normalised form), organisation
  and staff account cleared, consent to contact withdrawn; `erased_at` set;
- their complaints' free text: summary, description, remedy wanted, escalation reason;
- every step's note, skip reason and the customer's comment; every survey comment;
- the timeline's copies of those: notes, reasons, survey comments, the old and new text of edits to the
  summary, description and remedy, and the addresses (and errors) of emails to the customer;
- the emails to the customer: the unsent ones cancelled, every one's address and error replaced.

What stays, because the reports count it and it says nothing about who the person is: the customer
group, categories, severities, channels, every time, stage, outcome, satisfaction score, atonement kind
and value, minutes, who handled what, and the root cause and corrective action (the organisation's own
findings about its failure, which the dashboard groups and the monthly review lists). So the dashboard's
figures are the same before and after, and its cache needs no clearing.

Search finds nothing by the old name, email, phone or text afterwards: the customer search reads the
columns themselves, the complaint search an expression index over summary and description, both
updated here. Each complaint's `version` goes up, so a form opened before the erasure (holding the old
text) is refused as out of date instead of writing it back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from common.errors import DomainError
from common.leases import ACTIVE
from common.validators import no_control_characters
from customers import permissions
from customers.models import ERASURE_REASON_MAX, Customer, DataRequestKind
from customers.personal_data.records import record_data_request
from customers.services import lock_customer
from recovery.models import Complaint, ComplaintEvent, RecoveryAction, Reminder, ReminderStatus, Survey
from recovery.reminders import CUSTOMER_KINDS

ERASED = "[erased]"
# Where an email to an erased customer was addressed: a reserved domain (RFC 2606), never delivered to.
ERASED_ADDRESS = "erased@erased.invalid"
# What the person types to confirm, so an erasure is never one click.
CONFIRMATION_WORD = "ERASE"

COMPLAINT_TEXT = ("summary", "description", "desired_remedy", "escalation_reason")
ACTION_TEXT = ("note", "skip_reason", "customer_comment")
# Free text people typed, wherever the timeline keeps a copy of it (an email's subject and message id too).
PAYLOAD_TEXT = ("text", "reason", "comment", "subject", "message_id")
EDITED_TEXT = ("summary", "description", "desired_remedy")


def erased_name(customer: Customer) -> str:
    """Return the name an erased customer goes by: their number only."""
    return f"Erased customer {customer.pk}"


def _erased_unless_empty(field: str) -> Case:
    return Case(When(**{field: ""}, then=Value("")), default=Value(ERASED), output_field=models.TextField())


def _clean_reason(reason: Any) -> str:
    text = str(reason or "").strip()
    if not text:
        raise DomainError(
            "Say why the data is erased (for example, the customer's request and its date).", field="reason"
        )
    if len(text) > ERASURE_REASON_MAX:
        raise DomainError(
            f"Keep the reason to {ERASURE_REASON_MAX:,} characters (this is {len(text):,}).", field="reason"
        )
    try:
        no_control_characters(text)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="reason") from None
    return text


def _scrubbed(payload: Any) -> dict[str, Any] | None:
    """Return the payload with the erased data replaced, or None when it holds none."""
    if not isinstance(payload, dict):
        return None
    new = dict(payload)
    for key in PAYLOAD_TEXT:
        if isinstance(new.get(key), str) and new[key]:
            new[key] = ERASED
    changes = new.get("changes")
    if isinstance(changes, dict):
        new["changes"] = {
            field: [ERASED if value else "" for value in values]
            if field in EDITED_TEXT and isinstance(values, list)
            else values
            for field, values in changes.items()
        }
    attachments = new.get("attachments")
    if isinstance(attachments, list) and attachments:
        # The names of files a customer emailed say things about them; their sizes do not.
        new["attachments"] = [
            {**item, "name": ERASED} if isinstance(item, dict) and item.get("name") else item for item in attachments
        ]
    if new.get("reminder") in CUSTOMER_KINDS:
        for key in ("to", "error"):
            if new.get(key):
                new[key] = ERASED
    return new if new != payload else None


def _erase_timeline(complaint_ids: list[int]) -> int:
    events = list(ComplaintEvent.objects.filter(complaint_id__in=complaint_ids).only("pk", "payload"))
    changed = []
    for event in events:
        payload = _scrubbed(event.payload)
        if payload is not None:
            event.payload = payload
            changed.append(event)
    ComplaintEvent.objects.bulk_update(changed, ["payload"], batch_size=500)
    return len(changed)


def _erase_emails(complaint_ids: list[int]) -> None:
    emails = Reminder.objects.filter(complaint_id__in=complaint_ids, kind__in=CUSTOMER_KINDS)
    # A claimed one stands down when its send re-reads the row: its claim is no longer there to mark sent.
    emails.filter(status__in=ACTIVE).update(status=ReminderStatus.CANCELLED, lease_expires_at=None)
    emails.update(
        recipient_email=ERASED_ADDRESS,
        sent_to=_erased_unless_empty("sent_to"),
        last_error=_erased_unless_empty("last_error"),
    )


@transaction.atomic
def customer_erase(
    *, customer: Customer, user: Any, reason: Any, confirmation: Any, now: datetime | None = None
) -> Customer:
    """Erase the customer's personal data for good (see the module's docstring) and record who, when and why.

    Managers only. Refuses, storing nothing, without a reason, without the word `CONFIRMATION_WORD`
    typed, or when the customer was already erased.
    """
    if not permissions.can_handle_personal_data(user):
        raise DomainError("Only a manager can erase a customer's personal data.")
    clean_reason = _clean_reason(reason)
    if str(confirmation or "").strip().upper() != CONFIRMATION_WORD:
        raise DomainError(f"Type {CONFIRMATION_WORD} to confirm that this cannot be undone.", field="confirmation")
    locked = lock_customer(customer)
    if locked.is_erased:
        raise DomainError("This customer's personal data was already erased.")
    now = now or timezone.now()
    # Lock the complaints as the workflow does, so no step or edit lands half-way through.
    complaint_ids = list(
        Complaint.objects.select_for_update().filter(customer=locked).order_by("pk").values_list("pk", flat=True)
    )
    Complaint.objects.filter(pk__in=complaint_ids).update(
        **{field: _erased_unless_empty(field) for field in COMPLAINT_TEXT}, version=F("version") + 1
    )
    RecoveryAction.objects.filter(complaint_id__in=complaint_ids).update(
        **{field: _erased_unless_empty(field) for field in ACTION_TEXT}
    )
    Survey.objects.filter(complaint_id__in=complaint_ids).update(comment=_erased_unless_empty("comment"))
    _erase_timeline(complaint_ids)
    _erase_emails(complaint_ids)

    locked.name = erased_name(locked)
    locked.email = ""
    locked.phone = ""
    locked.organization = None
    locked.staff_user = None
    locked.consents_to_contact = False
    locked.erased_at = now
    locked.save(
        update_fields=["name", "email", "phone", "organization", "staff_user", "consents_to_contact", "erased_at"]
    )
    record_data_request(
        customer=locked,
        kind=DataRequestKind.ERASED,
        user=user,
        now=now,
        complaint_ids=complaint_ids,
        reason=clean_reason,
    )
    return locked
