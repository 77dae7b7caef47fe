"""Coaching reviews, replies and calibration requests: the rules the services hold."""

from __future__ import annotations

import pytest

from common.leases import LeaseStatus
from recovery.models import RecoveryAction, Stage
from recovery.workflow import complaint_reopen, complaint_skip_step
from tests.factories import log_complaint
from tests.helpers.coaching import closed_complaint, ratings, review
from tests.helpers.concurrency import run_at_once
from tests.helpers.workflow import advance, closed
from training.coaching import services
from training.coaching.models import CalibrationRequest, CoachingNotice, CoachingReply, CoachingReview, StepRating
from training.coaching.services import CoachingError, StepRatingInput

pytestmark = pytest.mark.django_db


def test_a_manager_reviews_a_closed_complaint_and_its_handler_is_owed_an_email(alice, maria, customer):
    complaint = closed_complaint(alice, customer)

    stored = review(complaint, maria, "well_done", atone="could_be_better")

    assert (stored.handler, stored.reviewer, stored.round) == (alice, maria, 1)
    assert dict(StepRating.objects.filter(review=stored).values_list("step", "rating")) == {
        "apologize": "well_done",
        "reinstate": "well_done",
        "empathize": "well_done",
        "atone": "could_be_better",
        "follow_up": "well_done",
    }
    notice = CoachingNotice.objects.get(review=stored)
    assert (notice.recipient, notice.status) == (alice, LeaseStatus.PENDING)


def test_an_open_complaint_cannot_be_reviewed(alice, maria, customer):
    complaint = advance(log_complaint(user=alice, customer=customer), alice, Stage.CLOSE)

    with pytest.raises(CoachingError, match="once it is closed"):
        review(complaint, maria)
    assert not CoachingReview.objects.exists()


def test_front_line_staff_do_not_review(alice, bob, customer):
    complaint = closed_complaint(alice, customer)

    with pytest.raises(CoachingError, match="Only managers"):
        review(complaint, bob)


def test_a_manager_does_not_review_a_complaint_they_handled(maria, customer):
    complaint = closed_complaint(maria, customer)

    with pytest.raises(CoachingError, match="You handled this complaint"):
        review(complaint, maria)


def test_sending_the_review_twice_records_one_review_and_one_email(alice, maria, customer):
    complaint = closed_complaint(alice, customer)

    first = review(complaint, maria)
    second = review(complaint, maria, "missed")

    assert first.pk == second.pk
    assert CoachingReview.objects.count() == 1
    assert CoachingNotice.objects.count() == 1
    assert set(StepRating.objects.values_list("rating", flat=True)) == {"well_done"}


def test_every_step_done_must_be_rated_and_each_missing_one_is_named(alice, maria, customer):
    complaint = closed_complaint(alice, customer)
    given = ratings()
    del given["reinstate"], given["atone"]

    with pytest.raises(CoachingError) as refused:
        services.review_create(complaint=complaint, reviewer=maria, ratings=given, overall="x", next_time="y")

    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("rating_reinstate", "Rate the reinstate step."),
        ("rating_atone", "Rate the atone step."),
    ]
    assert not CoachingReview.objects.exists()
    assert not StepRating.objects.exists()


def test_a_skipped_step_is_not_rated(alice, maria, customer):
    complaint = log_complaint(user=alice, customer=customer)
    complaint = advance(complaint, alice, Stage.REINSTATE)
    complaint = complaint_skip_step(complaint=complaint, user=alice, step=Stage.REINSTATE, reason="Nothing to put back")
    complaint = closed(complaint, alice)
    assert not RecoveryAction.objects.filter(complaint=complaint, step="reinstate", skipped=False).exists()

    with pytest.raises(CoachingError, match="reinstate step was not done"):
        review(complaint, maria)

    given = ratings()
    del given["reinstate"]
    stored = services.review_create(complaint=complaint, reviewer=maria, ratings=given, overall="x", next_time="y")
    assert sorted(stored.ratings.values_list("step", flat=True)) == ["apologize", "atone", "empathize", "follow_up"]


def test_the_overall_note_and_next_time_are_needed(alice, maria, customer):
    complaint = closed_complaint(alice, customer)

    with pytest.raises(CoachingError) as refused:
        services.review_create(complaint=complaint, reviewer=maria, ratings=ratings(), overall=" ", next_time="")

    assert [p.field for p in refused.value.problems] == ["overall", "next_time"]


def test_an_unknown_rating_is_refused(alice, maria, customer):
    complaint = closed_complaint(alice, customer)
    given = {**ratings(), "apologize": StepRatingInput("brilliant")}

    with pytest.raises(CoachingError, match="Rate the apologize step"):
        services.review_create(complaint=complaint, reviewer=maria, ratings=given, overall="x", next_time="y")


def test_a_reopened_complaint_is_reviewed_on_the_round_that_closed_it(alice, maria, customer):
    complaint = closed_complaint(alice, customer)
    complaint = complaint_reopen(complaint=complaint, user=maria, to_step=Stage.ATONE, reason="Voucher bounced")
    complaint = closed(complaint, alice)
    given = {step: ratings()[step] for step in ("atone", "follow_up")}

    stored = services.review_create(complaint=complaint, reviewer=maria, ratings=given, overall="x", next_time="y")

    assert stored.round == 2


def test_the_handler_and_managers_reply_and_a_double_send_stores_one_reply(alice, bob, maria, customer):
    stored = review(closed_complaint(alice, customer), maria)

    services.reply_add(review=stored, author=alice, stance="missed_something", text="The courier was late.", token="a")
    services.reply_add(review=stored, author=alice, stance="missed_something", text="The courier was late.", token="a")
    services.reply_add(review=stored, author=maria, stance="agree", text="Fair point.", token="b")

    assert list(CoachingReply.objects.values_list("author__username", "stance")) == [
        ("alice", "missed_something"),
        ("maria", "agree"),
    ]
    with pytest.raises(CoachingError, match="Only the person reviewed"):
        services.reply_add(review=stored, author=bob, stance="agree", text="Me too", token="c")


def test_a_reply_needs_a_stance_and_text(alice, maria, customer):
    stored = review(closed_complaint(alice, customer), maria)

    with pytest.raises(CoachingError) as refused:
        services.reply_add(review=stored, author=alice, stance="", text="", token="a")

    assert [p.field for p in refused.value.problems] == ["stance", "text"]
    assert not CoachingReply.objects.exists()


@pytest.mark.parametrize("token", ["", "x" * 65])
def test_a_reply_without_a_token_the_page_could_have_made_is_out_of_date(alice, maria, customer, token):
    stored = review(closed_complaint(alice, customer), maria)

    with pytest.raises(CoachingError, match="This form is out of date"):
        services.reply_add(review=stored, author=alice, stance="agree", text="Fair.", token=token)

    assert not CoachingReply.objects.exists()


def test_calibration_asks_another_manager_once(alice, maria, mark, customer):
    complaint = closed_complaint(alice, customer)
    review(complaint, maria)

    first = services.calibration_request(complaint=complaint, by=maria, asked=mark)
    again = services.calibration_request(complaint=complaint, by=maria, asked=mark)

    assert first.pk == again.pk
    assert CalibrationRequest.objects.count() == 1


def test_calibration_needs_your_own_review_first_and_another_manager(alice, bob, maria, mark, customer):
    complaint = closed_complaint(alice, customer)
    with pytest.raises(CoachingError, match="Review the complaint yourself"):
        services.calibration_request(complaint=complaint, by=maria, asked=mark)
    review(complaint, maria)
    with pytest.raises(CoachingError, match="Choose another manager"):
        services.calibration_request(complaint=complaint, by=maria, asked=bob)
    with pytest.raises(CoachingError, match="Choose another manager"):
        services.calibration_request(complaint=complaint, by=maria, asked=maria)
    review(complaint, mark)
    with pytest.raises(CoachingError, match="already reviewed"):
        services.calibration_request(complaint=complaint, by=maria, asked=mark)


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_the_same_review_at_once_store_one_review_and_one_email(alice, maria, customer):
    complaint = closed_complaint(alice, customer)

    outcomes = run_at_once(lambda: review(complaint, maria), lambda: review(complaint, maria))

    assert [o.error for o in outcomes] == [None, None]
    assert outcomes[0].value.pk == outcomes[1].value.pk
    assert CoachingReview.objects.count() == 1
    assert CoachingNotice.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_the_same_reply_at_once_store_one(alice, maria, customer):
    stored = review(closed_complaint(alice, customer), maria)

    def send() -> object:
        return services.reply_add(review=stored, author=alice, stance="agree", text="Yes.", token="same")

    outcomes = run_at_once(send, send)

    assert [o.error for o in outcomes] == [None, None]
    assert CoachingReply.objects.count() == 1
