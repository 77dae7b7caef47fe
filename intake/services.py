"""Writes for intake: a complaint a customer filed themselves, and the refusals the public form counts.

Both channels (the public form here, email in `intake.mailbox`) end in `complaint_file`: the customer
matched or created (`customers.services.customer_for_self_service`), the category and severity
suggested (`intake.suggest`), and the complaint received into the inbox by the workflow
(`recovery.workflow.complaint_receive`), all in one transaction.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.errors import DomainError
from customers.models import CustomerGroup
from customers.services import customer_for_self_service
from intake.models import RefusalReason, RefusedSubmission
from intake.suggest import suggest
from recovery.models import DESCRIPTION_MAX, REMEDY_MAX, SUMMARY_MAX, Channel, Complaint
from recovery.workflow import complaint_receive

# How the public form words the five groups: the way people describe themselves.
PUBLIC_GROUPS = (
    (CustomerGroup.END_USER, "I use your products or services"),
    (CustomerGroup.PROSPECT, "I am thinking of becoming a customer"),
    (CustomerGroup.DISTRIBUTOR, "I buy from you to sell on, or sell on your behalf"),
    (CustomerGroup.SUPPLIER, "I supply you"),
    (CustomerGroup.EMPLOYEE, "I work here"),
)
SUMMARY_WORDS = 80  # characters of what happened that make the summary, at a word boundary


def summary_from(text: str) -> str:
    """Return a one-line summary of what the customer wrote: its first sentence, cut at a word if long."""
    first = " ".join(text.split())
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(sentence) <= SUMMARY_WORDS:
        return sentence
    cut = sentence[:SUMMARY_WORDS].rsplit(" ", 1)[0]
    return f"{cut}…"


@transaction.atomic
def complaint_file(
    *,
    channel: str,
    name: str,
    email: str = "",
    phone: str = "",
    group: str = CustomerGroup.END_USER,
    consents_to_contact: bool,
    summary: str,
    description: str,
    desired_remedy: str = "",
    received_at: datetime | None = None,
    details: dict[str, Any] | None = None,
) -> Complaint:
    """File a complaint a customer sent us themselves: matched to (or made) a customer, into the inbox.

    Raises DomainError (with the field) for anything the customer must correct; stores nothing then.
    """
    if not (email or phone):
        raise DomainError("Give an email address or a phone number, so that we can reply.", field="email")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            f"Please keep what happened to {DESCRIPTION_MAX:,} characters (it has {len(description):,}).",
            field="description",
        )
    if len(desired_remedy) > REMEDY_MAX:
        raise DomainError(
            f"Please keep this to {REMEDY_MAX:,} characters (it has {len(desired_remedy):,}).",
            field="desired_remedy",
        )
    customer = customer_for_self_service(
        name=name, group=group, email=email, phone=phone, consents_to_contact=consents_to_contact
    )
    suggestion = suggest(summary=summary, description=description)
    complaint = complaint_receive(
        customer=customer,
        channel=channel,
        category=suggestion.category,
        severity=suggestion.severity,
        summary=summary[:SUMMARY_MAX],
        description=description,
        desired_remedy=desired_remedy,
        received_at=received_at,
        customer_emails=consents_to_contact,
        details={
            "via": channel,
            "suggested": {**suggestion.as_details(), "basis": suggestion.basis},
            **(details or {}),
        },
    )
    return complaint


def public_complaint_submit(
    *,
    name: str,
    email: str,
    phone: str,
    group: str,
    what_happened: str,
    desired_remedy: str,
    consents_to_contact: bool,
) -> Complaint:
    """File what someone sent with the public form (/complain/)."""
    return complaint_file(
        channel=Channel.WEB,
        name=name,
        email=email,
        phone=phone,
        group=group,
        consents_to_contact=consents_to_contact,
        summary=summary_from(what_happened),
        description=what_happened,
        desired_remedy=desired_remedy,
    )


def refusal_count(*, reason: str, now: datetime | None = None) -> None:
    """Count one refused public-form submission (spam or abuse) under `reason`, for today; nothing else is kept."""
    if reason not in RefusalReason.values:
        raise ValueError(f"unknown refusal reason {reason!r}")
    day = timezone.localdate(now)
    with transaction.atomic():
        row, created = RefusedSubmission.objects.select_for_update().get_or_create(
            day=day, reason=reason, defaults={"count": 1}
        )
        if not created:
            RefusedSubmission.objects.filter(pk=row.pk).update(count=F("count") + 1)
