"""What one message read from the intake mailbox becomes: a complaint, a line on one, or a note that it was ignored.

Each is written in one transaction with the `InboundEmail` row naming the message by its Message-ID
(unique), so the mailbox loop can mark the message read on the server only after this committed: a
crash before the commit leaves nothing (the message is read again), a crash after it leaves the row
(the message is recognised and only marked). Two pollers at once collide on the unique Message-ID;
the loser's transaction rolls back whole and it counts the message as done.

A reply is threaded onto its complaint when it answers an email we sent the customer (our signed
Message-ID in In-Reply-To or References), or when its subject names the complaint (C-000123) and it
comes from that complaint's customer's address; anything else is a new complaint, so a stranger who
knows a reference cannot write onto someone else's complaint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.validators import visible_or_empty
from customers.models import CustomerGroup
from intake.mail import NO_SENDER, Attachment, InboundMessage, UnreadableMessage, ignore_reason, strip_quoted
from intake.models import InboundEmail, InboundOutcome
from intake.services import complaint_file, summary_from
from recovery.models import DESCRIPTION_MAX, SUMMARY_MAX, Channel, Complaint, parse_reference
from recovery.notifications.customer import complaint_from_message_id
from recovery.workflow import complaint_customer_wrote

REFERENCE_IN_SUBJECT = re.compile(r"(?<![A-Za-z0-9])C-\d{6,12}(?!\d)", re.IGNORECASE)
NO_TEXT = "(The email had no text.)"
NO_SUBJECT = "Email without a subject"
CUT_NOTE = "\n\n[Cut here: the email is longer than CareDesk keeps. The whole message is still in the intake mailbox.]"
ATTACHMENTS_LISTED = 50
REASON_MAX = 200
DUPLICATE = "duplicate"


def own_addresses(mailbox_user: str = "") -> set[str]:
    """Return the addresses mail from which is ours (a loop), not a customer's: the sender's and the mailbox's."""
    addresses = {settings.EMAIL_FROM_ADDRESS, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}
    addresses.add(parseaddr(settings.SERVER_EMAIL)[1])
    if "@" in mailbox_user:
        addresses.add(mailbox_user)
    return {a.strip().lower() for a in addresses if a}


def complaint_replied_to(message: InboundMessage) -> Complaint | None:
    """Return the complaint this message answers, or None when it is not a reply we can place."""
    for value in message.replies_to:
        pk = complaint_from_message_id(value)
        if pk is not None:
            found = Complaint.objects.filter(pk=pk, customer__erased_at__isnull=True).first()
            if found is not None:
                return found
    for match in REFERENCE_IN_SUBJECT.finditer(message.subject):
        pk = parse_reference(match.group(0))
        if pk is None:
            continue
        found = Complaint.objects.filter(
            pk=pk, customer__email__iexact=message.from_address, customer__erased_at__isnull=True
        ).first()
        if found is not None:
            return found
    return None


def with_attachments(text: str, attachments: tuple[Attachment, ...], *, limit: int = DESCRIPTION_MAX) -> str:
    """Return the text with the attachments listed after it (they are not stored), cut with a note to fit `limit`."""
    listing = ""
    if attachments:
        lines = [f"- {a.describe()}" for a in attachments[:ATTACHMENTS_LISTED]]
        if len(attachments) > ATTACHMENTS_LISTED:
            lines.append(f"- and {len(attachments) - ATTACHMENTS_LISTED} more")
        listing = "\n".join(["Attachments (not stored):", *lines])
    text = visible_or_empty(text) or ("" if attachments else NO_TEXT)
    room = limit - len(listing) - 2
    if len(text) > room:
        text = text[: max(0, room - len(CUT_NOTE))].rstrip() + CUT_NOTE
    return "\n\n".join(part for part in (text, listing) if part)[:limit]


def _record(message_id: str, outcome: str, *, size: int, complaint: Complaint | None = None, reason: str = "") -> None:
    InboundEmail.objects.create(
        message_id=message_id,
        outcome=outcome,
        complaint=complaint,
        reason=reason[:REASON_MAX],
        size=size,
        read_at=timezone.now(),
    )


def _file(message: InboundMessage, *, received_at: datetime | None) -> Complaint:
    attachments = [a.as_details() for a in message.attachments]
    name = visible_or_empty(message.from_name) or message.from_address.split("@")[0]
    summary = visible_or_empty(message.subject) or summary_from(message.text) or NO_SUBJECT
    return complaint_file(
        channel=Channel.EMAIL,
        name=name,
        email=message.from_address,
        group=CustomerGroup.END_USER,
        # They wrote to us and expect the answer by email: replying is the contact they asked for.
        consents_to_contact=True,
        summary=summary[:SUMMARY_MAX],
        description=with_attachments(message.text, message.attachments),
        received_at=received_at or message.date,
        details={"message_id": message.message_id, "attachments": attachments},
    )


def inbound_store(
    message: InboundMessage, *, size: int, received_at: datetime | None = None, own: Iterable[str] = ()
) -> str:
    """Store what the message becomes with its `InboundEmail` row; return the outcome, or "duplicate".

    "duplicate": it was stored before (by an earlier run that died before marking it, or by another
    poller just now). One recorded as unreadable is read again, its record replaced: a person marked
    it unread after fixing the cause (e.g. raised the size limit). `own`: the addresses mail from
    which is ours (`own_addresses`). Raises UnreadableMessage when it has no sender to answer,
    DomainError when the complaint service refuses it; the caller records it as unreadable, as
    nothing is stored then.
    """
    try:
        with transaction.atomic():
            earlier = InboundEmail.objects.select_for_update().filter(message_id=message.message_id).first()
            if earlier is not None and earlier.outcome != InboundOutcome.UNREADABLE:
                return DUPLICATE
            if earlier is not None:
                earlier.delete()  # a person marked it unread again, to have it read now
            reason = ignore_reason(message, own_addresses=own)
            if reason:
                _record(message.message_id, InboundOutcome.IGNORED, size=size, reason=reason)
                return InboundOutcome.IGNORED
            if not message.from_address:
                raise UnreadableMessage(NO_SENDER)
            complaint = complaint_replied_to(message)
            if complaint is not None:
                complaint_customer_wrote(
                    complaint=complaint,
                    # The timeline lists the attachments from the details, beside the text.
                    text=with_attachments(strip_quoted(message.text), ()),
                    via="email",
                    details={
                        "subject": message.subject[:SUMMARY_MAX],
                        "attachments": [a.as_details() for a in message.attachments],
                    },
                )
                _record(message.message_id, InboundOutcome.REPLY, size=size, complaint=complaint)
                return InboundOutcome.REPLY
            _record(
                message.message_id,
                InboundOutcome.COMPLAINT,
                size=size,
                complaint=_file(message, received_at=received_at),
            )
            return InboundOutcome.COMPLAINT
    except IntegrityError:
        if InboundEmail.objects.filter(message_id=message.message_id).exists():
            return DUPLICATE
        raise


def unreadable_store(message_id: str, *, size: int, reason: str) -> str:
    """Record a message nobody could read (too large, malformed, refused); "duplicate" when already recorded."""
    try:
        with transaction.atomic():
            if InboundEmail.objects.filter(message_id=message_id).exists():
                return DUPLICATE
            _record(message_id, InboundOutcome.UNREADABLE, size=size, reason=reason)
            return InboundOutcome.UNREADABLE
    except IntegrityError:
        if InboundEmail.objects.filter(message_id=message_id).exists():
            return DUPLICATE
        raise
