"""CSV exports: formula injection, the list's filters and visibility, who may export, streaming at volume."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.csv_export import neutralise, safe_filename, stream_csv
from customers.models import CustomerGroup, Organization
from recovery.facts import refresh_all
from recovery.models import Category, Channel, Complaint, RecoveryAction, Severity, Stage
from recovery.views.exports import HEADER, export_header
from tests.factories import front_line_user, log_complaint
from tests.helpers.customers import new_customer
from tests.helpers.workflow import closed

URL = reverse("recovery:complaint_list_csv")
LIST_URL = reverse("recovery:complaint_list")
BOM = "\ufeff"

# Cells a spreadsheet would run as a formula, and what the export must write instead.
INJECTIONS = [
    ("=1+1", "'=1+1"),
    ("+SUM(A1)", "'+SUM(A1)"),
    ("-2+3", "'-2+3"),
    ("@cmd", "'@cmd"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("-", "'-"),
]
# Text that only looks risky: nothing at the start of the cell makes it a formula.
HARMLESS = [";=1", "Late - again", "a=b+c", "x@example.org", "Café, “quoted” and ünïcode", "'already"]


def export(client, user, params=None):
    client.force_login(user)
    return client.get(URL, params or {})


def content_of(response, joined=True):
    """Return the streamed body as text (or as its list of decoded chunks)."""
    chunks = [chunk.decode("utf-8") for chunk in response.streaming_content]
    return "".join(chunks) if joined else chunks


def records(response) -> list[dict[str, str]]:
    """Return the data rows of an export as dicts keyed by the header, checking the BOM on the way."""
    text = content_of(response)
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))
    assert tuple(rows[0]) == export_header()
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def references(response) -> list[str]:
    return [row["Reference"] for row in records(response)]


def local_iso(moment: datetime | None) -> str:
    return "" if moment is None else timezone.localtime(moment).replace(microsecond=0).isoformat()


# --- neutralise and the response ------------------------------------------------------------------


@pytest.mark.parametrize(("payload", "expected"), INJECTIONS)
def test_a_cell_that_starts_like_a_formula_gets_a_leading_apostrophe(payload, expected):
    assert neutralise(payload) == expected


@pytest.mark.parametrize("text", HARMLESS)
def test_text_that_does_not_start_like_a_formula_is_left_alone(text):
    assert neutralise(text) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (0, "0"),
        (42, "42"),
        (Decimal("25.00"), "25.00"),
        (Decimal("1E+3"), "1000"),
        (Decimal("-1.50"), "'-1.50"),
        (date(2025, 3, 3), "2025-03-03"),
        # Europe/London is on summer time in July: local time, offset shown, microseconds dropped.
        (datetime(2025, 7, 1, 8, 30, 15, 123456, tzinfo=UTC), "2025-07-01T09:30:15+01:00"),
        (datetime(2025, 1, 1, 8, 30, 15, tzinfo=UTC), "2025-01-01T08:30:15+00:00"),
    ],
)
def test_values_are_written_the_way_a_spreadsheet_reads_them(settings, value, expected):
    settings.TIME_ZONE = "Europe/London"
    assert neutralise(value) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("complaints-2025-03-03.csv", "complaints-2025-03-03.csv"),
        ('evil"; filename=x.exe\r\nSet-Cookie: a=b', "evil_filename_x.exe_Set-Cookie_a_b.csv"),
        ("../../etc/passwd", "etc_passwd.csv"),
        ("rapport été.csv", "rapport_t_.csv"),
        ("", "export.csv"),
    ],
)
def test_the_filename_is_reduced_to_safe_characters(given, expected):
    assert safe_filename(given) == expected


def test_stream_csv_streams_a_bom_then_chunks_of_rows_with_safe_headers():
    response = stream_csv("out.csv", ["a", "b"], ([n, "=x"] for n in range(1201)))

    assert isinstance(response, StreamingHttpResponse)
    chunks = content_of(response, joined=False)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="out.csv"'
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert chunks[0] == f"{BOM}a,b\r\n"
    assert [chunk.count("\r\n") for chunk in chunks[1:]] == [500, 500, 201]
    assert chunks[1].startswith("0,'=x\r\n")


# --- who may export -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "olivia"])
def test_only_managers_may_export(client, request, list_world, persona):
    assert export(client, request.getfixturevalue(persona)).status_code == 403


def test_someone_signed_out_is_sent_to_sign_in(client, db):
    response = client.get(URL, {"q": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_managers_export_every_complaint_employees_included(client, maria, list_world):
    assert set(references(export(client, maria))) == {complaint.reference for complaint in list_world.values()}


def test_the_list_offers_the_export_with_its_filters_to_managers_only(client, alice, maria, list_world):
    client.force_login(maria)
    html = client.get(LIST_URL, {"q": "parcel", "stage": "open", "page": "1"}).content.decode()
    assert f'<a id="export-link" href="{URL}?q=parcel&amp;stage=open">Export CSV</a>' in html

    # Filtering in place (htmx) swaps the results only; the link comes along out of band with the new filters.
    swapped = client.get(LIST_URL, {"q": "parcel", "severity": "high"}, headers={"HX-Request": "true"}).content
    assert f'<a id="export-link" href="{URL}?q=parcel&amp;severity=high" hx-swap-oob="outerHTML">' in swapped.decode()

    client.force_login(alice)
    assert "Export CSV" not in client.get(LIST_URL).content.decode()


# --- the list's filters, search and order ---------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "received"},
        {"sort": "due"},
        {"sort": "-due"},
        {"stage": "open", "sort": "due"},
        {"stage": "closed"},
        {"group": "employee"},
        {"severity": "high"},
        {"overdue": "on"},
        {"escalated": "on"},
        {"q": "parcel"},
        {"q": "Greta Grievance"},
        {"q": "Sam Supp", "received_from": "2000-01-01"},
        {"q": "nothing like this"},
    ],
)
def test_the_export_has_the_lists_rows_in_the_lists_order(client, maria, list_world, params):
    client.force_login(maria)
    listed = [complaint.reference for complaint in client.get(LIST_URL, params).context["page"].object_list]

    assert references(export(client, maria, params)) == listed


@pytest.mark.parametrize(
    "params",
    [{"received_from": "2026-13-45"}, {"severity": "extreme", "q": "parcel"}, {"sort": "summary"}, {"owner": "999999"}],
)
def test_a_bad_filter_sends_the_manager_back_to_the_list_with_the_same_query(client, maria, list_world, params):
    response = export(client, maria, params)

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?{response.wsgi_request.GET.urlencode()}"
    page = client.get(response["Location"])
    assert "could not be used" in page.content.decode()
    assert "nothing was exported" in page.content.decode()


# --- what is written ------------------------------------------------------------------------------


@pytest.mark.parametrize(("payload", "expected"), INJECTIONS)
def test_formulas_people_typed_come_out_as_text(client, alice, maria, payload, expected):
    owner = front_line_user(username="formula-owner", first_name=payload, last_name="")
    complaint = closed(
        log_complaint(
            user=owner,
            customer=new_customer(name=payload, organization=Organization.objects.create(name=payload)),
            category=Category.objects.create(name=payload),
            summary="placeholder",
        ),
        owner,
    )
    # Straight into the rows: tabs and carriage returns are text a form would accept, and the export
    # must be safe whatever is stored.
    Complaint.objects.filter(pk=complaint.pk).update(summary=payload, root_cause=payload, corrective_action=payload)

    (row,) = records(export(client, maria))

    for column in ("Customer", "Organisation", "Category", "Summary", "Root cause", "Corrective action"):
        assert row[column] == expected, column
    # The owner's name is shown as the list shows it (User.get_full_name() strips the blanks around it).
    assert row["Owner"] == neutralise(payload.strip())
    assert row["Owner"].startswith("'")


def test_harmless_text_comes_out_unchanged(client, alice, maria):
    for text in HARMLESS:
        log_complaint(user=alice, customer=new_customer(name=text), summary=text)

    rows = records(export(client, maria))

    assert sorted(row["Summary"] for row in rows) == sorted(HARMLESS)
    assert sorted(row["Customer"] for row in rows) == sorted(HARMLESS)


def test_each_column_parses_back_to_what_is_stored(client, alice, maria):
    tricky = 'Line one\nline two, with "quotes"\r\nand a third'
    company = Organization.objects.create(name="Acme Trading")
    open_one = log_complaint(
        user=alice,
        customer=new_customer(name="Zoë Ünïcode, Ltd", group=CustomerGroup.DISTRIBUTOR, organization=company),
        severity=Severity.HIGH,
        channel=Channel.EMAIL,
        received_at=timezone.now() - timedelta(days=2, microseconds=1),
    )
    # A summary is one line when typed now; one stored with line breaks before that still exports whole.
    Complaint.objects.filter(pk=open_one.pk).update(summary=tricky)
    done = closed(log_complaint(user=alice, customer=new_customer(name="Plain Person")), alice)
    Complaint.objects.filter(pk=done.pk).update(root_cause=tricky, corrective_action="Retrain drivers")
    done.refresh_from_db()
    actions = RecoveryAction.objects.filter(complaint=done)
    atonement = sum(a.atonement_value for a in actions if a.atonement_value is not None)
    minutes = sum(a.minutes_spent for a in actions)

    rows = {row["Reference"]: row for row in records(export(client, maria, {"sort": "received"}))}

    assert rows[open_one.reference] == {
        "Reference": open_one.reference,
        "Received at": local_iso(open_one.received_at),
        "Customer": "Zoë Ünïcode, Ltd",
        "Customer group": "Distributor",
        "Organisation": "Acme Trading",
        "Channel": "Email",
        "Category": "Delivery",
        "Severity": "High",
        "Summary": tricky,
        "Stage": "Apologize",
        "Owner": "Alice Archer",
        "Step due": local_iso(open_one.step_due_at),
        "Escalated at": "",
        "Outcome": "",
        "Satisfaction": "",
        "Atonement total": "",
        "Minutes spent total": "0",
        "Closed at": "",
        "Root cause": "",
        "Corrective action": "",
    }
    closed_row = rows[done.reference]
    assert closed_row["Stage"] == "Closed"
    assert closed_row["Outcome"] == done.get_outcome_display()
    assert closed_row["Satisfaction"] == ("" if done.satisfaction is None else str(done.satisfaction))
    assert closed_row["Atonement total"] == f"{atonement:.2f}"
    assert closed_row["Minutes spent total"] == str(minutes)
    assert minutes > 0
    assert closed_row["Closed at"] == local_iso(done.closed_at)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", closed_row["Closed at"])
    assert closed_row["Root cause"] == tricky
    assert closed_row["Corrective action"] == "Retrain drivers"


def test_the_download_is_named_and_never_cached(client, maria, list_world):
    response = export(client, maria)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="complaints-\d{4}-\d\d-\d\d-\d{4}\.csv"', response["Content-Disposition"]
    )
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- volume ---------------------------------------------------------------------------------------


def bulk_complaints(count: int, *, owner: Any, start: int = 0) -> None:
    """Store `count` complaints, each with two recorded steps, without the workflow (for speed)."""
    now = timezone.now()
    customer = new_customer(name="Bulk Buyer")
    category = Category.objects.get(name="Delivery")
    complaints = Complaint.objects.bulk_create(
        [
            Complaint(
                customer=customer,
                channel=Channel.WEB,
                category=category,
                severity=Severity.LOW,
                summary=f"Bulk complaint {start + number}",
                received_at=now - timedelta(minutes=start + number),
                logged_by=owner,
                owner=owner,
                stage=Stage.EMPATHIZE,
                step_due_at=now + timedelta(days=1),
                round_started_at=now,
            )
            for number in range(count)
        ],
        batch_size=2000,
    )
    actions = []
    for complaint in complaints:
        for step in (Stage.APOLOGIZE, Stage.REINSTATE):
            actions.append(RecoveryAction(complaint=complaint, step=step, done_by=owner, done_at=now, minutes_spent=5))
    RecoveryAction.objects.bulk_create(actions, batch_size=4000)
    refresh_all()  # the steps were stored directly, as a bulk load would: derive the complaints' facts


def test_ten_thousand_rows_stream_with_the_same_queries_as_ten(client, alice, maria):
    client.force_login(maria)

    def run() -> tuple[Any, str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"stage": "open"})
            text = content_of(response)
        return response, text, len(queries)

    bulk_complaints(10, owner=alice)
    _, small, small_queries = run()
    bulk_complaints(9_990, owner=alice, start=10)
    response, text, queries = run()

    assert isinstance(response, StreamingHttpResponse)
    assert response.status_code == 200
    assert small.count("\r\n") == 11
    assert text.count("\r\n") == 10_001
    assert queries == small_queries
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))
    assert rows[1][HEADER.index("Summary")] == "Bulk complaint 0"
    assert rows[-1][HEADER.index("Summary")] == "Bulk complaint 9999"
    assert {row[HEADER.index("Minutes spent total")] for row in rows[1:]} == {"10"}
