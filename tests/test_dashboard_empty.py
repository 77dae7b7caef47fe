"""Reports over nothing: a fresh installation, or a filter that matches no complaint.

The dashboard, the monthly review and both CSV exports answer with "—" and zeros, never a 500,
whichever way the percentiles are computed (in SQL on PostgreSQL, in Python elsewhere).
"""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from recovery.dashboard import NO_VALUE, DashboardFilters, dashboard_compute
from recovery.models import Category, Severity
from recovery.views.exports import export_header
from tests.factories import front_line_user
from tests.helpers.dashboard import NOW, PERIOD

DASHBOARD = reverse("recovery:dashboard")
HANDLERS_CSV = reverse("recovery:dashboard_handlers_csv")
REVIEW = reverse("recovery:dashboard_review")
COMPLAINTS_CSV = reverse("recovery:complaint_list_csv")

# Figures that are a rate, an average or a time: with nothing to count, they have no value.
UNDEFINED = (
    "recovery_rate",
    "satisfaction",
    "satisfied_share",
    "survey_response",
    "repeat_rate",
    "time_to_apologize",
    "time_to_reinstate",
    "time_to_close",
    "on_time",
    "cost_per_recovered",
    "minutes_per_complaint",
)
COUNTS = ("received", "closed")


@pytest.fixture(autouse=True)
def _at_now_with_a_fresh_cache() -> Any:
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fiona(starter_data: None) -> Any:
    """A handler who owns no complaint."""
    return front_line_user(username="fiona", first_name="Fiona", last_name="Fresh")


def empty_dashboard_params(fiona: Any) -> list[dict[str, str]]:
    """Every way of asking the dashboard for a set of complaints that has none in the dashboard_world fixture."""
    billing = Category.objects.get(name="Billing")
    return [
        {"handler": str(fiona.pk)},
        {"period": "custom", "date_from": "2020-01-01", "date_to": "2020-01-31"},
        {"period": "30", "category": str(billing.pk), "severity": Severity.CRITICAL},
        {"period": "365", "group": "employee", "severity": Severity.LOW},
    ]


def get(client: Any, user: Any, url: str, params: dict[str, str] | None = None) -> Any:
    client.force_login(user)
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, params)
    return response


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def assert_empty_dashboard(response: Any) -> None:
    board = response.context["board"]
    for key in COUNTS:
        assert board.figures[key].display == "0", key
    for key in UNDEFINED:
        assert board.figures[key].display == NO_VALUE, key
    assert board.handlers == []
    assert board.root_causes == []
    page = html.unescape(response.content.decode())
    assert "No complaints received or closed in this period." in page
    # The charts' data is valid JSON: an undefined share is null, not a dash.
    data = json.loads(page.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    assert all(share is None for share in data["categories"]["cumulative"])
    assert sum(data["categories"]["values"]) == 0


def test_a_fresh_installation_shows_the_dashboard_with_dashes_and_zeros(client, maria):
    for params in ({}, {"period": "30"}, {"period": "custom", "date_from": "2026-01-01", "date_to": "2026-01-31"}):
        assert_empty_dashboard(get(client, maria, DASHBOARD, params))


def test_a_filter_that_matches_nothing_shows_dashes_and_zeros(client, maria, dashboard_world, fiona):
    for params in empty_dashboard_params(fiona):
        assert_empty_dashboard(get(client, maria, DASHBOARD, params))


def test_a_fresh_installation_has_an_empty_handlers_csv(client, maria):
    rows = csv_rows(get(client, maria, HANDLERS_CSV))
    assert rows == [rows[0]]
    assert rows[0][0] == "Handler"


def test_a_filter_that_matches_nothing_has_an_empty_handlers_csv(client, maria, dashboard_world, fiona):
    for params in empty_dashboard_params(fiona):
        rows = csv_rows(get(client, maria, HANDLERS_CSV, params))
        assert len(rows) == 1, params


def test_a_fresh_installation_exports_a_header_only_complaint_csv(client, maria):
    assert csv_rows(get(client, maria, COMPLAINTS_CSV)) == [list(export_header())]


def test_a_list_filter_that_matches_nothing_exports_a_header_only_csv(client, maria, dashboard_world, fiona):
    billing = Category.objects.get(name="Billing")
    for params in (
        {"owner": str(fiona.pk)},
        {"received_from": "2020-01-01", "received_to": "2020-01-31"},
        {"category": str(billing.pk), "severity": Severity.CRITICAL},
        {"closed_from": "2025-06-01", "closed_to": "2025-06-30"},
    ):
        assert csv_rows(get(client, maria, COMPLAINTS_CSV, params)) == [list(export_header())], params


def assert_empty_review(response: Any) -> None:
    summary = {this.key: (this.display, before.display) for this, before in response.context["summary"]}
    assert summary["received"] == ("0", "0")
    assert summary["recovery_rate"] == (NO_VALUE, NO_VALUE)
    assert summary["time_to_close"] == (NO_VALUE, NO_VALUE)
    assert all(row.received == 0 and row.closed == 0 for row in response.context["trend"])
    page = html.unescape(response.content.decode())
    assert "No root causes recorded for complaints closed this month." in page
    assert "No complaints received or closed in this period." in page


def test_a_fresh_installation_shows_an_empty_monthly_review(client, maria):
    assert_empty_review(get(client, maria, REVIEW))
    assert_empty_review(get(client, maria, REVIEW, {"month": "2026-01"}))


def test_a_month_without_complaints_shows_an_empty_review(client, maria, dashboard_world):
    assert_empty_review(get(client, maria, REVIEW, {"month": "2024-06"}))


# --- the Python percentiles (SQLite and other databases without percentile_cont) ------------------


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_an_empty_period_computes_on_both_percentile_paths(dashboard_world, vendor):
    board = dashboard_compute(DashboardFilters(start=date(2020, 1, 1), end=date(2020, 1, 31)), now=NOW, vendor=vendor)
    for key in UNDEFINED:
        assert board.figures[key].display == NO_VALUE, key
    assert board.charts()["categories"]["cumulative"] == [None] * len(board.by_category)


def test_the_python_percentiles_agree_with_postgresqls(dashboard_world):
    in_sql = dashboard_compute(PERIOD, now=NOW, vendor="postgresql", recount=True)
    in_python = dashboard_compute(PERIOD, now=NOW, vendor="sqlite")
    for key in ("time_to_apologize", "time_to_reinstate", "time_to_close"):
        assert in_python.figures[key] == in_sql.figures[key], key
    assert in_python.handlers == in_sql.handlers
