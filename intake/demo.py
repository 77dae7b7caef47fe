"""The demo's inbox (`make run`): complaints customers sent themselves, by the web form and by email.

Filed through the same services as real ones (`intake.services.complaint_file`, so the suggestions are
real too), arriving over the last hours: one is already overdue for its apology, the newest arrived
minutes ago. One that came yesterday was taken and apologised for; one customer of an open complaint
wrote back by email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from customers.models import CustomerGroup
from intake.services import complaint_file, summary_from
from recovery.models import OPEN_STAGES, Channel, Complaint, ComplaintEvent, EventKind
from recovery.workflow import complaint_apologize, complaint_customer_wrote, complaint_take


@dataclass(frozen=True)
class _Arrival:
    channel: str
    minutes_ago: int
    name: str
    email: str
    phone: str
    group: str
    subject: str  # an email's subject; the web form's summary is its first sentence
    text: str
    remedy: str
    attachments: tuple[tuple[str, int], ...] = ()


ARRIVALS = (
    _Arrival(
        Channel.WEB,
        330,
        "Hannah Okafor",
        "hannah.okafor@example.net",
        "",
        CustomerGroup.END_USER,
        "",
        "The parcel arrived with the box crushed and the glass vase inside in pieces. I was at home all day "
        "and the driver left it on the doorstep without knocking.",
        "A replacement vase, delivered properly this time.",
    ),
    _Arrival(
        Channel.EMAIL,
        140,
        "Tomasz Wójcik",
        "t.wojcik@example.com",
        "",
        CustomerGroup.END_USER,
        "Charged twice for order 48213",
        "Hello,\n\nmy card was charged twice for the same order (48213) on Monday. I only placed one order. "
        "Please refund the second charge.\n\nThanks,\nTomasz",
        "",
        (("bank-statement.pdf", 184_320),),
    ),
    _Arrival(
        Channel.WEB,
        55,
        "Priya Raman",
        "",
        "07700 900461",
        CustomerGroup.PROSPECT,
        "",
        "I asked for a quote three times through the website and nobody called back. I am about to go elsewhere.",
        "Call me back today with the quote.",
    ),
    _Arrival(
        Channel.EMAIL,
        25,
        "Leo Schmidt",
        "leo.schmidt@example.org",
        "",
        CustomerGroup.DISTRIBUTOR,
        "Wrong items in pallet delivery",
        "Our pallet delivery this morning had 40 units of the wrong model. We need the right ones before "
        "Friday for our own customers.",
        "",
        (("delivery-note.jpg", 2_411_520), ("photo-pallet.jpg", 3_145_728)),
    ),
    _Arrival(
        Channel.WEB,
        6,
        "Sam Carter",
        "sam.carter@example.net",
        "",
        CustomerGroup.END_USER,
        "",
        "The app logs me out every time I open the basket, so I cannot finish my order.",
        "Fix the app, or let me order by phone at the web price.",
    ),
)
REPLY = "Any news on this? I still have not heard back about the refund you promised."
# Sent with the form yesterday and taken from the inbox by a front-line colleague, who apologised.
TAKEN = _Arrival(
    Channel.WEB,
    26 * 60,
    "Grace Liu",
    "grace.liu@example.net",
    "",
    CustomerGroup.END_USER,
    "",
    "The engineer did not turn up for the repair slot I had booked, and nobody told me.",
    "Rebook the repair for a Saturday.",
)


def _take_and_apologise(complaint: Complaint, *, taker: Any, at: datetime) -> None:
    """Take the complaint from the inbox and apologise, then date both on the timeline as the story goes."""
    complaint_take(complaint=complaint, user=taker, category=complaint.category, severity=complaint.severity)
    complaint_apologize(
        complaint=complaint.pk,
        user=taker,
        note="Called Grace, apologised for the missed slot and for nobody telling her.",
        minutes=8,
        done_at=at + timedelta(minutes=10),
    )
    ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.TAKEN).update(created_at=at)
    ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.STEP_DONE).update(
        created_at=at + timedelta(minutes=10)
    )


def seed_inbox(*, now: datetime, taker: Any) -> int:
    """File the demo's inbox complaints, one taken since (by `taker`) and one emailed reply; return how many."""
    for index, arrival in enumerate((TAKEN, *ARRIVALS)):
        received = now - timedelta(minutes=arrival.minutes_ago)
        attachments = [{"name": name, "size": size} for name, size in arrival.attachments]
        listing = "".join(f"\n- {a['name']} ({a['size']:,} bytes)" for a in attachments)
        description = arrival.text + (f"\n\nAttachments (not stored):{listing}" if listing else "")
        details: dict[str, object] = {}
        if arrival.channel == Channel.EMAIL:
            details = {"message_id": f"<demo-{index}@example.com>", "attachments": attachments}
        complaint = complaint_file(
            channel=arrival.channel,
            name=arrival.name,
            email=arrival.email,
            phone=arrival.phone,
            group=arrival.group,
            consents_to_contact=True,
            summary=arrival.subject or summary_from(arrival.text),
            description=description,
            desired_remedy=arrival.remedy,
            received_at=received,
            details=details,
        )
        if arrival is TAKEN:
            _take_and_apologise(complaint, taker=taker, at=received + timedelta(minutes=40))
    # A customer of an open complaint someone owns writes back by email.
    answered = (
        Complaint.objects.filter(stage__in=OPEN_STAGES, owner__isnull=False, customer__email__gt="")
        .exclude(customer__group=CustomerGroup.EMPLOYEE)
        .order_by("-received_at")
        .first()
    )
    if answered is not None:
        complaint_customer_wrote(
            complaint=answered, text=REPLY, via="email", details={"subject": f"Re: {answered.reference}"}
        )
    return len(ARRIVALS) + 1
