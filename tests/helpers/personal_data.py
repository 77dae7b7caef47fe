"""A customer with complaints at every stage, emails sent and owed and a survey answered: what the personal
data export and erasure tests work on (built through the workflow and the real sending code)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from customers.models import Customer
from recovery.models import AtonementKind, Complaint, Reminder, ReminderKind, Stage, Survey
from recovery.notifications import sending
from recovery.surveys import survey_answer, survey_invite, survey_mark_sent, survey_token
from recovery.workflow import (
    complaint_add_note,
    complaint_apologize,
    complaint_atone,
    complaint_close,
    complaint_edit,
    complaint_empathize,
    complaint_escalate,
    complaint_follow_up,
    complaint_reinstate,
    complaint_reopen,
    complaint_skip_step,
)
from tests.factories import CustomerFactory, OrganizationFactory, log_complaint

# What identifies Carla: none of it may be left anywhere once she is erased.
SECRETS = ("Carla", "Núñez", "nunez", "carla.nunez@example.org", "900348", "Nunez Catering", "wedding cake")


@dataclass
class World:
    carla: Customer
    other: Customer
    closed: Complaint  # retained: acknowledgement sent, survey answered, atoned, a note, the summary edited
    follow_up: Complaint  # escalated, a step skipped, survey email owed, a survey link sent but unanswered
    new: Complaint  # just logged: acknowledgement owed
    reopened: Complaint  # closed lost, then reopened
    others: Complaint  # another customer's, untouched by Carla's erasure
    unanswered_token: str


def _deliver_acknowledgement(complaint: Complaint, capture_on_commit: Any) -> None:
    """Claim the due reminders (as beat does) and send this complaint's acknowledgement through the real sender."""
    claimed: list[tuple[int, int]] = []
    with capture_on_commit(execute=True):
        sending.reminders_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)))
    ack = Reminder.objects.get(complaint=complaint, kind=ReminderKind.ACKNOWLEDGEMENT)
    [attempt] = [a for pk, a in claimed if pk == ack.pk]
    assert sending.reminder_deliver(reminder_id=ack.pk, attempt=attempt) == "sent"


def build_world(*, alice: Any, maria: Any, capture_on_commit: Any) -> World:
    """Carla Núñez's four complaints, one at each kind of stage, and Dora's one."""
    carla = cast(
        Customer,
        CustomerFactory(
            name="Carla Núñez",
            email="carla.nunez@example.org",
            phone="07700 900348",
            organization=OrganizationFactory(name="Nunez Catering"),
            consents_to_contact=True,
        ),
    )
    other = cast(Customer, CustomerFactory(name="Dora Distributor", email="dora@example.org", phone="+44 20 7946 0999"))
    text = {
        "summary": "Carla's wedding cake melted",
        "description": "Carla Núñez rang from 07700 900348 about the wedding cake.",
        "desired_remedy": "Refund Carla",
    }

    closed = log_complaint(user=alice, customer=carla, **text)
    new_ = log_complaint(user=alice, customer=carla, **text)
    others = log_complaint(user=alice, customer=other, summary="Dora's pallet was short")
    _deliver_acknowledgement(closed, capture_on_commit)
    complaint_add_note(complaint=closed, user=alice, text="Carla prefers a call after six on 07700 900348.")
    closed = complaint_edit(complaint=closed, user=alice, summary="Carla's wedding cake melted in the van")
    closed = complaint_apologize(complaint=closed, user=alice, note="Said sorry to Carla", minutes=5)
    closed = complaint_reinstate(complaint=closed, user=alice, note="New cake for Carla", minutes=30)
    closed = complaint_empathize(complaint=closed, user=alice, note="Carla's day was spoiled", minutes=4)
    closed = complaint_atone(
        complaint=closed, user=alice, kind=AtonementKind.REFUND, value=Decimal("25.00"), note="Refund to Carla"
    )
    survey = survey_invite(complaint=closed)
    survey_mark_sent(complaint=closed, at=survey.created_at)
    survey_answer(token=survey_token(survey), satisfaction=4, would_return=True, comment="Carla Núñez: thank you")
    closed = complaint_follow_up(
        complaint=closed, user=alice, satisfaction=4, retained=True, customer_comment="Carla is happy again"
    )
    closed = complaint_close(complaint=closed, user=alice, root_cause="Van not chilled", corrective_action="Cool box")

    follow_up = log_complaint(user=alice, customer=carla, **text)
    follow_up = complaint_apologize(complaint=follow_up, user=alice, note="Sorry, Carla", minutes=3)
    follow_up = complaint_skip_step(
        complaint=follow_up, user=alice, step=Stage.REINSTATE, reason="Carla did not want another cake"
    )
    follow_up = complaint_escalate(
        complaint=follow_up, user=alice, to=maria, reason="Carla threatens to post about the wedding cake"
    )
    follow_up = complaint_empathize(complaint=follow_up, user=maria, note="Heard Carla out", minutes=10)
    follow_up = complaint_atone(
        complaint=follow_up, user=maria, kind=AtonementKind.VOUCHER, value=Decimal("40"), note="Voucher for Carla"
    )
    unanswered = survey_invite(complaint=follow_up)
    survey_mark_sent(complaint=follow_up, at=unanswered.created_at)
    assert Reminder.objects.filter(complaint=follow_up, kind=ReminderKind.CUSTOMER_SURVEY, status="pending").exists()

    reopened = log_complaint(user=alice, customer=carla, **text)
    for step in (complaint_apologize, complaint_reinstate, complaint_empathize):
        reopened = step(complaint=reopened, user=alice, note="For Carla", minutes=2)
    reopened = complaint_atone(complaint=reopened, user=alice, kind=AtonementKind.NOTHING, note="Carla said no")
    reopened = complaint_follow_up(complaint=reopened, user=alice, satisfaction=1, retained=False)
    reopened = complaint_close(complaint=reopened, user=alice, root_cause="Wrong flavour")
    reopened = complaint_reopen(
        complaint=reopened, user=maria, to_step=Stage.ATONE, reason="Carla wrote again about the wedding cake"
    )
    return World(
        carla=carla,
        other=other,
        closed=closed,
        follow_up=follow_up,
        new=new_,
        reopened=reopened,
        others=others,
        unanswered_token=survey_token(unanswered),
    )


def surveys_of(customer: Customer) -> list[Survey]:
    return list(Survey.objects.filter(complaint__customer=customer).order_by("pk"))
