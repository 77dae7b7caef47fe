"""The managers' daily digest: what it says, and when it is owed.

From `DIGEST_HOUR` (local time) on day D, `digests_schedule` writes one `ManagerDigest(recipient,
day=D)` per manager with an address; the unique (recipient, day) is the guard against a second
digest, however often the beat task runs. `digest_content` and `digest_message` build it at send
time. Claiming and delivering it is `recovery.notifications.digest`, over the lease loop every
email shares (`common.leases`). A digest is about no single complaint, so it writes no timeline events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.db.models.functions import Greatest
from django.utils import dateformat, timezone

from accounts import roles
from common.emails import email_message, email_subject
from common.leases import ACTIVE
from common.localtime import local_day_bounds, local_midnight
from common.people import display_name
from common.urls import absolute_url
from recovery import definitions
from recovery.models import (
    Complaint,
    ManagerDigest,
    Outcome,
    ReminderStatus,
    Stage,
)

logger = logging.getLogger(__name__)

# Each section lists at most this many complaints; the count says how many there are in all.
ROWS_SHOWN = 20
# "Escalated recently" means within this long before the digest is built.
RECENT_ESCALATION = timedelta(hours=24)


# --- content ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestRow:
    """One complaint as a section lists it; `detail` is built here from safe fields (times, labels)."""

    reference: str
    url: str
    customer_name: str
    step_label: str
    owner_name: str
    detail: str
    is_new: bool = False


@dataclass(frozen=True)
class DigestSection:
    count: int
    rows: list[DigestRow]

    @property
    def more(self) -> int:
        """How many complaints the section counts but does not list."""
        return max(self.count - len(self.rows), 0)


@dataclass(frozen=True)
class DigestLine:
    """One line another app adds to the digest (overdue training, say): a sentence and where to see more.

    Built from counts and labels only, like the subject: it is rendered in both parts of the email.
    """

    text: str
    url: str = ""


# Builds one app's line for the morning of `day` as of `now`, in a fixed number of queries; None: no line.
LineBuilder = Callable[[date, datetime], DigestLine | None]
_extra_lines: dict[str, tuple[int, LineBuilder]] = {}


def register_line(name: str, build: LineBuilder, *, order: int = 100) -> None:
    """Add a line to every digest, after recovery's own sections (call it from the app's AppConfig.ready).

    Recovery knows no app that depends on it; those apps say here what the managers should read.
    Registering the same `name` again replaces it.
    """
    _extra_lines[name] = (order, build)


def _extra(day: date, now: datetime) -> tuple[DigestLine, ...]:
    built = (build(day, now) for _, build in sorted(_extra_lines.values(), key=lambda entry: entry[0]))
    return tuple(line for line in built if line is not None)


@dataclass(frozen=True)
class DigestContent:
    """Everything one day's digest says; the same for every manager."""

    day: date
    now: datetime
    overdue: DigestSection
    overdue_url: str
    escalations: DigestSection
    escalated_recently: int
    escalated_url: str
    follow_ups: DigestSection
    outcomes: DigestSection
    retained: int
    lost: int
    # The lines other apps registered (`register_line`), in their order.
    extra: tuple[DigestLine, ...] = ()


def _when(moment: datetime) -> str:
    return dateformat.format(timezone.localtime(moment), "D j M H:i")


def _duration(span: timedelta) -> str:
    """Return a span as '2 d 3 h', '5 h 10 min' or '12 min'."""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def _row(complaint: Complaint, detail: str, *, is_new: bool = False) -> DigestRow:
    return DigestRow(
        reference=complaint.reference,
        url=absolute_url("recovery:complaint_detail", complaint.pk),
        # One line, whatever was typed: the plain-text part lists one complaint per line.
        customer_name=" ".join(complaint.customer.name.split()),
        step_label=complaint.get_stage_display(),
        owner_name=display_name(complaint.owner) or "in the inbox",
        detail=detail,
        is_new=is_new,
    )


def _rows_of(queryset: QuerySet[Complaint]) -> list[Complaint]:
    return list(queryset.select_related("customer", "owner")[:ROWS_SHOWN])


def _overdue(now: datetime) -> DigestSection:
    overdue = Complaint.objects.filter(definitions.overdue(now))
    count = overdue.count()
    rows = _rows_of(overdue.order_by("step_due_at", "pk")) if count else []
    return DigestSection(
        count=count,
        rows=[_row(c, f"overdue by {_duration(now - c.step_due_at)}") for c in rows if c.step_due_at is not None],
    )


def _escalations(now: datetime) -> tuple[DigestSection, int]:
    """Return the escalated complaints (`definitions.escalated`), newest escalation first.

    The count is exactly what the list's `escalated` filter (the digest's link) shows at `now`; those
    escalated in the last 24 h, by a person or by falling overdue past the grace, are marked new.
    Also returns how many are new. (All of them are open: a closed complaint is not escalated.)
    """
    since = now - RECENT_ESCALATION
    # When the current step went past the grace, if it has: managers were alerted then.
    auto_at = Case(When(definitions.escalated_automatically(now), then=F("step_escalates_at")), default=None)
    section = Complaint.objects.filter(definitions.escalated(now)).annotate(auto_at=auto_at)
    recent = Q(escalated_at__gte=since, escalated_at__lte=now) | Q(auto_at__gte=since)
    counts = section.aggregate(total=Count("pk"), recent=Count("pk", filter=recent))
    rows: list[DigestRow] = []
    if counts["total"]:
        latest = Greatest("escalated_at", "auto_at")  # PostgreSQL's GREATEST skips NULLs
        found = _rows_of(
            section.select_related("escalated_to")
            .alias(latest=latest)
            .order_by(F("latest").desc(nulls_last=True), "pk")
        )
        for c in found:
            automatic: datetime | None = getattr(c, "auto_at", None)
            by_hand = c.escalated_at
            if automatic is not None and (by_hand is None or automatic > by_hand):
                detail = f"escalated automatically (overdue) {_when(automatic)}"
            elif by_hand is not None:
                detail = f"escalated to {display_name(c.escalated_to)} {_when(by_hand)}"
            else:  # pragma: no cover - every complaint in the section is escalated one way or the other
                continue
            is_new = (by_hand is not None and since <= by_hand <= now) or (automatic is not None and automatic >= since)
            rows.append(_row(c, detail, is_new=is_new))
    return DigestSection(count=counts["total"], rows=rows), counts["recent"]


def _follow_ups(day: date) -> DigestSection:
    starts, ends = local_day_bounds(day)
    due = Complaint.objects.filter(stage=Stage.FOLLOW_UP, step_due_at__gte=starts, step_due_at__lt=ends)
    count = due.count()
    rows = _rows_of(due.order_by("step_due_at", "pk")) if count else []
    return DigestSection(
        count=count,
        rows=[_row(c, f"due {_when(c.step_due_at)}") for c in rows if c.step_due_at is not None],
    )


def _outcomes(day: date) -> tuple[DigestSection, int, int]:
    """Return the complaints closed during the day before `day` (local), with retained and lost counts."""
    closed = Complaint.objects.filter(
        stage=Stage.CLOSED, closed_at__gte=local_midnight(day - timedelta(days=1)), closed_at__lt=local_midnight(day)
    )
    counts = closed.aggregate(
        total=Count("pk"),
        retained=Count("pk", filter=Q(outcome=Outcome.RETAINED)),
        lost=Count("pk", filter=Q(outcome=Outcome.LOST)),
    )
    rows = _rows_of(closed.order_by("closed_at", "pk")) if counts["total"] else []
    section = DigestSection(
        count=counts["total"],
        rows=[_row(c, f"{c.get_outcome_display()}, closed {_when(c.closed_at)}") for c in rows if c.closed_at],
    )
    return section, counts["retained"], counts["lost"]


def digest_content(*, day: date, now: datetime | None = None) -> DigestContent:
    """Return what the digest for the morning of `day` says, as of `now`, in a fixed number of queries.

    Eight for recovery's sections, plus what each registered extra line takes (`register_line`).
    """
    now = now or timezone.now()
    escalations, escalated_recently = _escalations(now)
    outcomes, retained, lost = _outcomes(day)
    return DigestContent(
        day=day,
        now=now,
        overdue=_overdue(now),
        # The complaint list's own filters, so the link shows exactly the complaints meant.
        overdue_url=absolute_url("recovery:complaint_list", query={"overdue": "on", "sort": "due"}),
        escalations=escalations,
        escalated_recently=escalated_recently,
        escalated_url=absolute_url("recovery:complaint_list", query={"escalated": "on", "stage": "open"}),
        follow_ups=_follow_ups(day),
        outcomes=outcomes,
        retained=retained,
        lost=lost,
        extra=_extra(day, now),
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


DIGEST_WHY = "You get this because you are a manager: CareDesk sends each manager this digest every morning."


def _subject_parts(content: DigestContent) -> tuple[str, str]:
    """Return what the subject is about and what it says, from the date and counts only."""
    day = dateformat.format(content.day, "D j M")
    return (
        f"Daily digest for {day}",
        f"{content.overdue.count} overdue, {_plural(content.escalations.count, 'escalation')}",
    )


def digest_subject(content: DigestContent) -> str:
    """Build the subject from the date and counts only: never text a person typed."""
    about, what = _subject_parts(content)
    return email_subject(about=about, what=what)


def digest_message(content: DigestContent, *, digest: ManagerDigest) -> EmailMultiAlternatives:
    """Return the email for one manager's digest (plain text and HTML from templates/emails/digest.*)."""
    about, what = _subject_parts(content)
    return email_message(
        template="emails/digest",
        context={
            "digest": content,
            "day": content.day,
            "recipient_name": display_name(digest.recipient),
            "home_url": absolute_url("home"),
        },
        about=about,
        what=what,
        why=DIGEST_WHY,
        to=[digest.recipient.email],
        # Lets an operator (and the tests) tie a delivered email to its row, e.g. to spot a duplicate.
        headers={"X-CareDesk-Digest": str(digest.pk)},
    )


# --- scheduling --------------------------------------------------------------------------------------


def _digest_hour() -> int:
    hour = int(settings.DIGEST_HOUR)
    if not 0 <= hour <= 23:
        raise ImproperlyConfigured(f"DIGEST_HOUR must be from 0 to 23; got {hour}.")
    return hour


def digest_recipients() -> QuerySet[Any]:
    """The managers a digest goes to: active, with the role, with an address."""
    return roles.managers().exclude(email="")


@transaction.atomic
def digests_schedule(*, now: datetime | None = None) -> int:
    """Owe today's digest to every manager once the digest hour has come; cancel earlier days' unsent ones.

    Safe to run any number of times: the unique (recipient, day) keeps one digest per manager and day.
    Returns how many managers today's digest is owed to (0 before the digest hour).
    """
    local = timezone.localtime(now or timezone.now())
    today = local.date()
    # A digest about an earlier day is moot once a new day has begun.
    ManagerDigest.objects.filter(day__lt=today, status__in=ACTIVE).update(
        status=ReminderStatus.CANCELLED, lease_expires_at=None
    )
    if local.hour < _digest_hour():
        return 0
    recipients = list(digest_recipients().values_list("pk", flat=True))
    ManagerDigest.objects.bulk_create(
        [ManagerDigest(recipient_id=pk, day=today) for pk in recipients], ignore_conflicts=True
    )
    return len(recipients)
