"""Long lists: the count stops where the page needs it to, deep pages still work."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from common.paging import MAX_PAGE, CappedCountPaginator, requested_page
from recovery.models import Complaint
from recovery.views import lists
from tests.factories import log_complaint

MINUTE = timedelta(minutes=1)


@pytest.fixture
def thirty(alice, customer):
    now = timezone.now()
    return [
        log_complaint(
            user=alice, customer=customer, summary=f"Complaint {n:02d}", received_at=now - timedelta(minutes=n)
        )
        for n in range(30)
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [(None, 1), ("", 1), ("x", 1), ("0", 1), ("-3", 1), ("7", 7), ("9" * 20, MAX_PAGE)],
)
def test_the_requested_page_is_a_positive_whole_number(given, expected):
    assert requested_page(given) == expected


def test_the_count_stops_at_the_cap_and_says_there_are_more(thirty):
    paginator = CappedCountPaginator(Complaint.objects.order_by("-received_at"), 5, page=1, count_cap=8)
    assert paginator.count == 10  # enough for page 1 and the next, at least the cap
    assert paginator.capped
    page = paginator.get_page(1)
    assert [c.summary for c in page] == [f"Complaint {n:02d}" for n in range(5)]
    assert page.has_next()


def test_a_deep_page_counts_as_far_as_it_needs_and_keeps_the_order(thirty):
    paginator = CappedCountPaginator(Complaint.objects.order_by("-received_at"), 5, page=4, count_cap=8)
    page = paginator.get_page(4)
    assert [c.summary for c in page] == [f"Complaint {n:02d}" for n in range(15, 20)]
    assert page.has_next()
    last = CappedCountPaginator(Complaint.objects.order_by("-received_at"), 5, page=6, count_cap=8)
    assert (last.count, last.capped) == (30, False)
    assert not last.get_page(6).has_next()


def test_a_short_list_is_counted_exactly(thirty):
    paginator = CappedCountPaginator(Complaint.objects.all(), 25, page=1)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (30, False, 2)


def test_the_list_says_more_than_and_offers_no_last_page_when_capped(client, maria, thirty, monkeypatch):
    monkeypatch.setattr(lists, "LIST_COUNT_CAP", 10)
    monkeypatch.setattr(lists, "PAGE_SIZE", 5)
    client.force_login(maria)

    html = client.get(reverse("recovery:complaint_list")).content.decode()

    assert "More than 10 complaints · showing 1–5" in html
    assert "Page 1 of more than 2" in html
    assert ">Last<" not in html
    deep = client.get(reverse("recovery:complaint_list"), {"page": "5"}).content.decode()
    assert re.findall(r"Complaint \d\d", deep)[:5] == [f"Complaint {n:02d}" for n in range(20, 25)]
    assert "Next" in deep


@pytest.mark.parametrize("page", ["99999999999999999999", "1000001", str(2**63)])
def test_a_page_number_past_any_list_shows_the_last_page_not_an_error(client, maria, thirty, monkeypatch, page):
    # It used to overflow the count's LIMIT: a 500.
    monkeypatch.setattr(lists, "PAGE_SIZE", 5)
    client.force_login(maria)

    response = client.get(reverse("recovery:complaint_list"), {"page": page})

    assert response.status_code == 200
    assert "Page 6 of 6" in response.content.decode()
    assert re.findall(r"Complaint \d\d", response.content.decode())[:5] == [f"Complaint {n:02d}" for n in range(25, 30)]
