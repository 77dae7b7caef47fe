"""Everything CareDesk holds about one customer, as JSON a manager downloads for them.

The shape (`FORMAT` "caredesk-personal-data/1"; times ISO 8601 in UTC, amounts as strings):

    {"format", "exported_at", "exported_by",
     "customer": {id, name, email, phone, organisation, group, consents_to_contact, staff_account, added_at},
     "complaints": [{reference, received_at, channel, category, severity, summary, description,
                     desired_remedy, stage, owner, escalation_reason, outcome, satisfaction, closed_at,
                     root_cause, corrective_action,
                     "steps": [{round, step, done_at, done_by, skipped, skip_reason, note, minutes_spent,
                                atonement_kind, atonement_value, satisfaction, retained, customer_comment}],
                     "timeline": [{at, kind, by, text}],
                     "surveys": [{round, sent_at, answered_at, satisfaction, would_return, comment}]}],
     "emails": [{complaint, kind, to, subject, due_at, sent_at, status}]}

`subject` is always null: CareDesk does not store an email's subject (it is made from the reference and
the kind when sent). `to` is where it went (`sent_to`) or, unsent, where it was addressed. The timeline
lines are told as on the complaint page (`recovery.timeline`). Seven queries, however many complaints.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from common.errors import DomainError
from common.people import display_name
from customers import permissions
from customers.models import Customer, DataRequestKind
from customers.personal_data.records import record_data_request
from recovery.models import Complaint, ComplaintEvent, RecoveryAction, Reminder, Survey
from recovery.reminders import CUSTOMER_KINDS
from recovery.selectors import complaints_visible_to
from recovery.timeline import describe

FORMAT = "caredesk-personal-data/1"


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _person(user: Any) -> str | None:
    return display_name(user) if user is not None else None


def _customer(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "organisation": customer.organization.name if customer.organization else None,
        "group": customer.get_group_display(),
        "consents_to_contact": customer.consents_to_contact,
        "staff_account": customer.staff_user.get_username() if customer.staff_user else None,
        "added_at": _time(customer.created_at),
    }


def _step(action: RecoveryAction) -> dict[str, Any]:
    return {
        "round": action.round,
        "step": action.get_step_display(),
        "done_at": _time(action.done_at),
        "done_by": _person(action.done_by),
        "skipped": action.skipped,
        "skip_reason": action.skip_reason,
        "note": action.note,
        "minutes_spent": action.minutes_spent,
        "atonement_kind": action.get_atonement_kind_display() if action.atonement_kind else None,
        "atonement_value": _amount(action.atonement_value),
        "satisfaction": action.satisfaction,
        "retained": action.retained,
        "customer_comment": action.customer_comment,
    }


def _line(event: ComplaintEvent, actions: dict[int, RecoveryAction]) -> dict[str, Any]:
    return {
        "at": _time(event.created_at),
        "kind": event.get_kind_display(),
        "by": _person(event.actor) or "CareDesk",
        "text": describe(event, actions).as_line(),
    }


def _survey(survey: Survey) -> dict[str, Any]:
    return {
        "round": survey.round,
        "sent_at": _time(survey.sent_at),
        "answered_at": _time(survey.answered_at),
        "satisfaction": survey.satisfaction,
        "would_return": survey.would_return,
        "comment": survey.comment,
    }


def _complaint(complaint: Complaint) -> dict[str, Any]:
    actions = {a.pk: a for a in complaint.actions.all()}
    return {
        "reference": complaint.reference,
        "received_at": _time(complaint.received_at),
        "channel": complaint.get_channel_display(),
        "category": complaint.category.name,
        "severity": complaint.get_severity_display(),
        "summary": complaint.summary,
        "description": complaint.description,
        "desired_remedy": complaint.desired_remedy,
        "stage": complaint.get_stage_display(),
        "owner": _person(complaint.owner),
        "escalation_reason": complaint.escalation_reason,
        "outcome": complaint.get_outcome_display() if complaint.outcome else None,
        "satisfaction": complaint.satisfaction,
        "closed_at": _time(complaint.closed_at),
        "root_cause": complaint.root_cause,
        "corrective_action": complaint.corrective_action,
        "steps": [_step(a) for a in actions.values()],
        "timeline": [_line(e, actions) for e in complaint.events.all()],
        "surveys": [_survey(s) for s in complaint.surveys.all()],
    }


def _email(reminder: Reminder) -> dict[str, Any]:
    return {
        "complaint": reminder.complaint.reference,
        "kind": reminder.get_kind_display(),
        "to": reminder.sent_to or reminder.recipient_email,
        "subject": None,
        "due_at": _time(reminder.due_at),
        "sent_at": _time(reminder.sent_at),
        "status": reminder.get_status_display(),
    }


def _complaints(user: Any, customer: Customer) -> list[Complaint]:
    """Return the customer's complaints with everything the export shows, in four queries."""
    return list(
        complaints_visible_to(user)
        .filter(customer=customer)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "actions", queryset=RecoveryAction.objects.select_related("done_by").order_by("round", "done_at", "pk")
            ),
            Prefetch("events", queryset=ComplaintEvent.objects.select_related("actor").order_by("created_at", "pk")),
            Prefetch("surveys", queryset=Survey.objects.order_by("round")),
        )
        .order_by("received_at", "pk")
    )


@transaction.atomic
def customer_export(*, customer: Customer, user: Any, now: datetime | None = None) -> dict[str, Any]:
    """Return everything held about `customer` as plain data, and record who exported it and when.

    Managers only (`permissions.can_handle_personal_data`); an erased customer has nothing left to
    export, so it is refused with a DomainError.
    """
    if not permissions.can_handle_personal_data(user):
        raise DomainError("Only a manager can export a customer's personal data.")
    if customer.is_erased:
        raise DomainError("This customer's personal data was erased: there is nothing left to export.")
    now = now or timezone.now()
    complaints = _complaints(user, customer)
    by_pk = {c.pk: c for c in complaints}
    emails: defaultdict[int, list[Reminder]] = defaultdict(list)
    reminders = Reminder.objects.filter(complaint__in=list(by_pk), kind__in=CUSTOMER_KINDS).order_by("due_at", "pk")
    for reminder in reminders:
        reminder.complaint = by_pk[reminder.complaint_id]
        emails[reminder.complaint_id].append(reminder)
    record_data_request(customer=customer, kind=DataRequestKind.EXPORTED, user=user, now=now, complaint_ids=list(by_pk))
    return {
        "format": FORMAT,
        "exported_at": _time(now),
        "exported_by": display_name(user),
        "customer": _customer(customer),
        "complaints": [_complaint(c) for c in complaints],
        "emails": [_email(r) for c in complaints for r in emails[c.pk]],
    }


def export_json(data: dict[str, Any]) -> str:
    """Return the export as indented JSON text (UTF-8 characters kept as they are)."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def export_filename(customer: Customer, now: datetime) -> str:
    """Return the download's name: the customer's number and the date, never their name (safe in any header)."""
    return f"caredesk-customer-{customer.pk}-{timezone.localdate(now):%Y-%m-%d}.json"
