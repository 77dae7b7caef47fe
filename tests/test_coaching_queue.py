"""The coaching queue and every coaching page's query count, with one row and with many."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recovery.models import Complaint, Outcome
from tests.helpers.coaching import answer_survey, closed_complaint, review
from tests.helpers.pages import text
from training.coaching import services
from training.coaching.rules import QUEUE_SAMPLE
from training.coaching.selectors import coaching_queue

pytestmark = pytest.mark.django_db


def test_lost_and_unhappy_customers_come_first_then_a_stable_sample_of_the_rest(alice, bob, maria, customer):
    lost = closed_complaint(alice, customer, summary="Lost")
    Complaint.objects.filter(pk=lost.pk).update(outcome=Outcome.LOST)
    unhappy = closed_complaint(bob, customer, summary="Unhappy")
    answer_survey(unhappy, 2)
    rest = [closed_complaint(alice, customer, summary=f"Fine {n}") for n in range(QUEUE_SAMPLE + 3)]
    reviewed = closed_complaint(bob, customer, summary="Reviewed")
    review(reviewed, maria)
    old = closed_complaint(bob, customer, summary="Old")
    Complaint.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=31))

    queue = coaching_queue()

    assert {c.pk for c in queue.urgent} == {lost.pk, unhappy.pk}
    assert len(queue.sample) == QUEUE_SAMPLE
    assert {c.pk for c in queue.sample} <= {c.pk for c in rest}
    assert queue.others == 3
    assert [c.pk for c in coaching_queue().sample] == [c.pk for c in queue.sample]  # the same on every visit
    counts = {row.handler.username: row.reviews for row in queue.handlers}
    assert counts["bob"] == 1
    assert counts["alice"] == 0


def test_the_queue_page_lists_them_with_each_handlers_reviews_this_month(client, alice, maria, customer):
    lost = closed_complaint(alice, customer, summary="Lost")
    Complaint.objects.filter(pk=lost.pk).update(outcome=Outcome.LOST)
    review(closed_complaint(alice, customer), maria)
    client.force_login(maria)

    page = text(client.get(reverse("training:coaching_queue")).content.decode())

    assert "Lost customers and low satisfaction (1)" in page
    assert f"{lost.reference} · Lost" in page
    assert "Alice Archer 1" in page


# --- query counts: fixed whatever the rows ---------------------------------------------------------


def world(alice, bob, maria, mark, customer, rows):
    """`rows` reviewed complaints with replies and survey answers, one calibrated, plus `rows` unreviewed."""
    reviews = []
    for n in range(rows):
        complaint = closed_complaint(alice if n % 2 else bob, customer, summary=f"Case {n}")
        answer_survey(complaint, 1 + n % 5)
        stored = review(complaint, maria, "well_done" if n % 3 else "missed")
        services.reply_add(review=stored, author=stored.handler, stance="agree", text="Yes", token=f"r{n}")
        reviews.append(stored)
        unreviewed = closed_complaint(alice, customer, summary=f"Waiting {n}")
        if n % 2:
            Complaint.objects.filter(pk=unreviewed.pk).update(outcome=Outcome.LOST)
    services.calibration_request(complaint=reviews[0].complaint, by=maria, asked=mark)
    review(reviews[0].complaint, mark, "could_be_better")
    return reviews


# The session, the user, the user's permissions (the role check and the menu: two), the policy banner,
# +1 the menu's inbox count (intake).
BASE = 6


@pytest.mark.parametrize("rows", [1, 12])
def test_the_coaching_pages_take_a_fixed_number_of_queries(
    client, alice, bob, maria, mark, customer, django_assert_num_queries, rows
):
    reviews = world(alice, bob, maria, mark, customer, rows)
    first = reviews[0]
    client.force_login(maria)
    pages = [
        # reviews with ratings (two), calibrations asked of me
        (reverse("training:coaching"), BASE + 3),
        # urgent, sample, the rest's count, handlers with their counts
        (reverse("training:coaching_queue"), BASE + 4),
        # the review with its ratings (two), the steps done, the replies, the other reviews' count
        (reverse("training:coaching_review", args=[first.pk]), BASE + 5),
        # the complaint, asked to calibrate?, reviews with ratings (two), pending calibrations, the managers to ask
        (reverse("training:coaching_complaint", args=[first.complaint_id]), BASE + 6),
    ]
    for url, queries in pages:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("rows", [1, 12])
def test_my_training_and_the_complaint_page_stay_bound_with_reviews(
    client, alice, bob, maria, mark, customer, django_assert_max_num_queries, rows
):
    reviews = world(alice, bob, maria, mark, customer, rows)
    client.force_login(reviews[0].handler)
    with django_assert_max_num_queries(10):  # +1 the menu's inbox count (intake)
        assert client.get(reverse("training:my_training")).status_code == 200
    client.force_login(maria)
    # The complaint page's bound (tests/test_views_detail.py) plus one for its coaching section.
    with django_assert_max_num_queries(18):  # +1 the menu's inbox count (intake)
        assert client.get(reviews[0].complaint.get_absolute_url()).status_code == 200
