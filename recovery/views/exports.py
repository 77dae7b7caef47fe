"""CSV exports for managers: the complaint list as a spreadsheet, with the list's own filters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import MAX_URL_REDIRECT_LENGTH

from accounts import roles
from common.csv_export import stream_csv
from common.money import currency_code
from common.people import display_name_from
from common.views import role_required
from customers.models import CustomerGroup
from recovery import selectors
from recovery.filters import ComplaintFilter
from recovery.models import Channel, Complaint, Outcome, Severity, Stage, format_reference

# Rows fetched per round trip from the server-side cursor (PostgreSQL) or per fetchmany (others).
CHUNK_SIZE = 2000

ATONEMENT_TOTAL = "Atonement total"
# The export's columns; the amount's gets the currency when the header is written (export_header).
HEADER = (
    "Reference",
    "Received at",
    "Customer",
    "Customer group",
    "Organisation",
    "Channel",
    "Category",
    "Severity",
    "Summary",
    "Stage",
    "Owner",
    "Step due",
    "Escalated at",
    "Outcome",
    "Satisfaction",
    ATONEMENT_TOTAL,
    "Minutes spent total",
    "Closed at",
    "Root cause",
    "Corrective action",
)


def export_header() -> tuple[str, ...]:
    """Return the header row, the amount's column naming the currency (settings.CURRENCY)."""
    return tuple(f"{name} ({currency_code()})" if name == ATONEMENT_TOTAL else name for name in HEADER)


# The columns read from the database, in the order `_row` unpacks them.
COLUMNS = (
    "pk",
    "received_at",
    "customer__name",
    "customer__group",
    "customer__organization__name",
    "channel",
    "category__name",
    "severity",
    "summary",
    "stage",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "step_due_at",
    "escalated_at",
    "outcome",
    "satisfaction",
    "atonement_total",
    "minutes_total",
    "closed_at",
    "root_cause",
    "corrective_action",
)

_GROUPS = dict(CustomerGroup.choices)
_CHANNELS = dict(Channel.choices)
_SEVERITIES = dict(Severity.choices)
_STAGES = dict(Stage.choices)
_OUTCOMES = dict(Outcome.choices)


def complaint_export_rows(complaints: QuerySet[Complaint]) -> QuerySet[Any]:
    """Return the export's columns of `complaints` as tuples, in the queryset's order, read with one query.

    The totals are the step facts the workflow keeps on each complaint (recovery/facts.py), so the rows
    stream in the list's index order with no aggregation over the steps.
    """
    return complaints.values_list(*COLUMNS)


def _rows(values: Iterable[tuple[Any, ...]]) -> Iterator[tuple[object, ...]]:
    for (
        pk,
        received_at,
        customer,
        group,
        organisation,
        channel,
        category,
        severity,
        summary,
        stage,
        username,
        first_name,
        last_name,
        step_due_at,
        escalated_at,
        outcome,
        satisfaction,
        atonement_total,
        minutes_total,
        closed_at,
        root_cause,
        corrective_action,
    ) in values:
        yield (
            format_reference(pk),
            received_at,
            customer,
            _GROUPS.get(group, group),
            organisation,
            _CHANNELS.get(channel, channel),
            category,
            _SEVERITIES.get(severity, severity),
            summary,
            _STAGES.get(stage, stage),
            # No owner yet: the complaint waits in the inbox.
            display_name_from(username=username or "", first_name=first_name or "", last_name=last_name or "")
            if username
            else "",
            step_due_at,
            escalated_at,
            _OUTCOMES.get(outcome, outcome),
            satisfaction,
            atonement_total or None,  # blank, not 0.00, when nothing of value was given
            minutes_total,
            closed_at,
            root_cause,
            corrective_action,
        )


@role_required(roles.is_manager)
def complaint_list_csv(request: HttpRequest) -> HttpResponseBase:
    """Download the complaints of the list, with the same filters, search and order, as CSV (managers only).

    Bad filter values are not guessed around: the user is sent back to the list, which shows each message
    next to its field. The rows are read with a server-side cursor and streamed, so memory stays flat.
    """
    filterset = ComplaintFilter(request.GET, queryset=selectors.complaints_visible_to(request.user), request=request)
    if not filterset.is_valid():
        messages.error(request, "Some filters could not be used, so nothing was exported. Fix them and export again.")
        plain = reverse("recovery:complaint_list")
        back = f"{plain}?{request.GET.urlencode()}" if request.GET else plain
        # Django refuses a longer redirect as unsafe (a 400); such filters go back as the plain list.
        return redirect(back if len(back) <= MAX_URL_REDIRECT_LENGTH else plain)
    values = complaint_export_rows(filterset.qs).iterator(chunk_size=CHUNK_SIZE)
    filename = f"complaints-{timezone.localtime():%Y-%m-%d-%H%M}.csv"
    # role_required is typed for HttpResponse; a StreamingHttpResponse is an HttpResponseBase like it.
    return stream_csv(filename, export_header(), _rows(values))
