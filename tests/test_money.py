"""Money: one currency (settings.CURRENCY), shown with its symbol wherever an amount appears."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.template import engines
from django.urls import reverse

from common.money import CURRENCY_CODES, NO_BREAK_SPACE, currency_symbol, format_money
from recovery.dashboard import DashboardFilters, dashboard_compute
from recovery.models import AtonementKind, RecoveryAction, Stage
from recovery.timeline import describe_action
from recovery.views.exports import export_header
from tests.factories import UserFactory, log_complaint
from tests.helpers.dashboard import NOW, PERIOD
from tests.helpers.subprocesses import load_settings, run_python
from tests.helpers.workflow import advance, closed, do_step


@pytest.fixture(autouse=True)
def _euros(settings: Any) -> None:
    """Not the default (GBP), so every test shows the amount follows the setting."""
    settings.CURRENCY = "EUR"
    cache.clear()


# --- the formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "code", "expected"),
    [
        (Decimal("3770"), "EUR", "€3,770.00"),
        (Decimal("75.5"), "GBP", "£75.50"),
        (Decimal("1234567.891"), "USD", "$1,234,567.89"),
        (Decimal("0.005"), "EUR", "€0.01"),  # half up, as people round money
        (0, "EUR", "€0.00"),
        (47.5, "AUD", "A$47.50"),
        (Decimal("1500"), "JPY", "¥1,500"),  # no minor unit
        (Decimal("12.5"), "KWD", f"KWD{NO_BREAK_SPACE}12.500"),  # three decimals, no common symbol
        (Decimal("75.50"), "CHF", f"CHF{NO_BREAK_SPACE}75.50"),  # the code where a symbol would be ambiguous
    ],
)
def test_amounts_read_with_the_currencys_symbol_or_code(amount, code, expected):
    assert format_money(amount, code) == expected


def test_no_amount_is_shown_as_nothing():
    assert format_money(None) == ""


def test_the_setting_decides_the_currency(settings):
    assert format_money(Decimal("25")) == "€25.00"
    settings.CURRENCY = "USD"
    assert (format_money(Decimal("25")), currency_symbol()) == ("$25.00", "$")


def test_the_currency_list_holds_codes_in_circulation_only():
    assert {"EUR", "GBP", "USD", "JPY", "CHF", "XCG", "ZWG"} <= CURRENCY_CODES
    assert not {"XAU", "XTS", "XXX", "HRK", "EURO", "gbp"} & CURRENCY_CODES
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in CURRENCY_CODES)


def test_the_money_filter_needs_no_load_in_any_template():
    template = engines["django"].from_string("Worth {{ value|money }}.")
    assert template.render({"value": Decimal("75.50")}) == "Worth €75.50."


# --- the setting ---------------------------------------------------------------------------------


def test_an_unknown_currency_stops_the_process_at_start(tmp_path):
    result = load_settings(tmp_path, DEBUG="true", CURRENCY="EURO")
    assert result.returncode != 0
    assert "ImproperlyConfigured: CURRENCY must be the ISO 4217 code of a currency" in result.stderr
    assert "'EURO'" in result.stderr


def test_the_currency_setting_defaults_to_pounds_and_accepts_lower_case(tmp_path):
    probe = "import django; django.setup(); from django.conf import settings; print(settings.CURRENCY)"
    assert run_python(tmp_path, "-c", probe, DEBUG="true").stdout.strip() == "GBP"
    assert run_python(tmp_path, "-c", probe, DEBUG="true", CURRENCY=" eur ").stdout.strip() == "EUR"


# --- where amounts are shown ---------------------------------------------------------------------


def atoned(user: Any, value: str, *, by: Any = None) -> Any:
    """`user`'s complaint with an atonement of `value`, recorded by `by` (a manager, for values above the
    front line's empowerment limit) or else by `user`."""
    complaint = advance(log_complaint(user=user), user, Stage.ATONE)
    return do_step(Stage.ATONE, complaint=complaint, user=by or user, kind=AtonementKind.VOUCHER, value=value)


def test_the_complaint_page_shows_the_atonement_with_its_currency(client, alice, maria):
    complaint = atoned(alice, "1275.50", by=maria)
    client.force_login(alice)
    page = html.unescape(client.get(reverse("recovery:complaint_detail", args=[complaint.pk])).content.decode())
    assert "Voucher, worth €1,275.50" in page  # the tracker and the work list
    assert "recorded the atonement · Voucher, worth €1,275.50" in page  # the timeline
    assert "worth 1275.50" not in page


def test_the_atonement_form_shows_the_currency_by_the_value(client, alice):
    complaint = advance(log_complaint(user=alice), alice, Stage.ATONE)
    client.force_login(alice)
    page = client.get(reverse("recovery:complaint_detail", args=[complaint.pk])).content.decode()
    group = re.search(r'<div class="input-group[^"]*">(.*?)</div>', page, re.S)
    assert group is not None
    assert re.search(r'<span class="input-group-text"[^>]*>€</span>', group[1])
    assert 'name="value"' in group[1]


def test_the_customer_page_totals_the_atonements_with_the_currency(client, alice, customer):
    closed(log_complaint(user=alice, customer=customer), alice)  # a voucher worth 25
    client.force_login(alice)
    page = html.unescape(client.get(reverse("customers:customer_detail", args=[customer.pk])).content.decode())
    assert '<span class="total-value">€25.00</span><span class="total-label">Atonement value</span>' in page


def test_the_admin_describes_the_atonement_in_the_setting_currency(alice):
    complaint = atoned(alice, "40")
    action = RecoveryAction.objects.get(complaint=complaint, step=Stage.ATONE)
    assert describe_action(action).startswith("Voucher, worth €40.00")  # the timeline's words


def test_the_dashboard_and_the_review_show_costs_with_the_currency(client, maria, dashboard_world):
    board = dashboard_compute(PERIOD, now=NOW)
    assert board.figures["atonement_cost"].display == "€95.00"
    assert board.figures["cost_per_recovered"].display == "€47.50"
    empty = dashboard_compute(DashboardFilters(start=date(2020, 1, 1), end=date(2020, 1, 31)), now=NOW)
    assert empty.figures["atonement_cost"].display == "€0.00"
    assert empty.figures["cost_per_recovered"].display == "—"
    client.force_login(maria)
    with time_machine.travel(NOW, tick=False):
        review = client.get(reverse("recovery:dashboard_review"), {"month": "2026-02"})
    summary = {this.key: (this.display, before.display) for this, before in review.context["summary"]}
    assert summary["atonement_cost"] == ("€95.00", "€0.00")


def test_the_csv_header_names_the_currency(client, maria, alice):
    atoned(alice, "12.50")
    client.force_login(maria)
    response = client.get(reverse("recovery:complaint_list_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert "Atonement total (EUR)" in rows[0]
    assert rows[0] == list(export_header())
    # The cells stay plain numbers, so a spreadsheet can add them up.
    assert rows[1][rows[0].index("Atonement total (EUR)")] == "12.50"


def test_the_admins_step_list_shows_the_value_with_the_currency(client, alice, maria, starter_data):
    atoned(alice, "1040", by=maria)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    page = html.unescape(client.get(reverse("admin:recovery_recoveryaction_changelist")).content.decode())
    assert "€1,040.00" in page
