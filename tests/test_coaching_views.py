"""Coaching screens: who may open what, the review form's refusals, replies, the complaint page's section."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.helpers.coaching import answer_survey, closed_complaint, review, review_form_data
from tests.helpers.pages import assert_error_next_to, text
from training.coaching import services
from training.coaching.models import CoachingReply, CoachingReview

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(alice, customer):
    """A complaint alice handled and closed."""
    return closed_complaint(alice, customer, summary="Parcel left in the rain")


def create_url(complaint):
    return reverse("training:coaching_review_create", args=[complaint.pk])


def review_url(stored):
    return reverse("training:coaching_review", args=[stored.pk])


# --- who may open what ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "bob", "olivia"])
@pytest.mark.parametrize("name", ["coaching", "coaching_queue", "coaching_review_create", "coaching_complaint"])
def test_only_managers_open_the_coaching_screens(request, client, done, persona, name):
    client.force_login(request.getfixturevalue(persona))
    args = [] if name in ("coaching", "coaching_queue") else [done.pk]

    assert client.get(reverse(f"training:{name}", args=args)).status_code == 403
    assert client.post(reverse(f"training:{name}", args=args), review_form_data()).status_code == 403
    assert not CoachingReview.objects.exists()


def test_the_handler_and_managers_read_a_review_and_other_people_get_404(client, done, alice, bob, maria, mark, olivia):
    stored = review(done, maria)
    for person, status in ((alice, 200), (maria, 200), (mark, 200), (bob, 404), (olivia, 403)):
        client.force_login(person)
        assert client.get(review_url(stored)).status_code == status, person
        assert client.post(reverse("training:coaching_reply", args=[stored.pk])).status_code in (status, 400), person


def test_a_manager_asked_to_calibrate_sees_no_review_until_theirs_is_in(client, done, maria, mark):
    first = review(done, maria)
    services.calibration_request(complaint=done, by=maria, asked=mark)
    client.force_login(mark)

    assert client.get(review_url(first)).status_code == 404
    side = client.get(reverse("training:coaching_complaint", args=[done.pk])).content.decode()
    assert "Calm and quick" not in side
    assert 'id="blind"' in side
    complaint_page = client.get(done.get_absolute_url()).content.decode()
    assert "Review by Maria" not in complaint_page
    assert "Write your blind review" in complaint_page
    assert "Blind reviews asked of you" in client.get(reverse("training:coaching")).content.decode()

    response = client.post(create_url(done), review_form_data("missed", next_time="Ask what they need first."))
    assert response.status_code == 302

    assert client.get(review_url(first)).status_code == 200
    side = client.get(reverse("training:coaching_complaint", args=[done.pk])).content.decode()
    assert "The reviews side by side" in side
    assert side.count('class="coaching-differ"') == 5  # every step rated well done by one, missed by the other
    assert "Ask what they need first." in side
    assert "Calm and quick" in side


# --- writing a review ----------------------------------------------------------------------------


def test_the_review_form_shows_each_step_done_with_what_was_done(client, done, maria):
    client.force_login(maria)

    page = client.get(create_url(done)).content.decode()

    assert page.count('class="mb-3 border-bottom pb-2 coaching-step"') == 5
    assert "Said sorry for the late parcel" in page
    assert 'name="rating_apologize"' in page


def test_a_review_is_saved_and_shown_to_the_handler(client, done, maria, alice):
    client.force_login(maria)

    response = client.post(create_url(done), review_form_data(rating_atone="could_be_better", comment_atone="Late."))

    stored = CoachingReview.objects.get()
    assert response["Location"] == review_url(stored)
    client.force_login(alice)
    page = text(client.get(review_url(stored)).content.decode())
    assert "Atone Could be better Late." in page
    assert "Offer the voucher before being asked." in page


def test_bad_input_shows_the_form_again_with_what_was_typed_and_each_message_by_its_field(client, done, maria):
    client.force_login(maria)
    data = review_form_data(overall="Good tone, slow voucher.", next_time="")
    del data["rating_reinstate"]

    response = client.post(create_url(done), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert_error_next_to(html, "rating_reinstate", "Rate the reinstate step.")
    assert_error_next_to(html, "next_time", "Write what to do next time.")
    assert "Good tone, slow voucher." in html
    assert re.search(r'name="rating_apologize" value="well_done"[^>]*checked', html)
    assert not CoachingReview.objects.exists()


def test_sending_the_review_twice_records_one(client, done, maria):
    client.force_login(maria)

    first = client.post(create_url(done), review_form_data())
    second = client.post(create_url(done), review_form_data("missed"))

    assert first["Location"] == second["Location"]
    assert CoachingReview.objects.count() == 1


def test_an_open_complaint_offers_no_review_form(client, alice, maria, complaint):
    client.force_login(maria)

    page = client.get(create_url(complaint)).content.decode()
    response = client.post(create_url(complaint), review_form_data())

    assert 'id="not-closed"' in page
    assert response.status_code == 400
    assert "once it is closed" in response.content.decode()
    assert not CoachingReview.objects.exists()


# --- the complaint page, My training, replies ------------------------------------------------------


def test_the_complaint_page_shows_the_review_to_the_handler_and_managers_only(client, done, alice, bob, maria):
    stored = review(done, maria)

    for person, sees in ((alice, True), (maria, True), (bob, False)):
        client.force_login(person)
        page = client.get(done.get_absolute_url()).content.decode()
        assert (review_url(stored) in page) is sees, person
        assert "Write a coaching review" not in page


def test_the_complaint_page_offers_managers_a_review_of_a_closed_complaint(client, done, alice, maria):
    client.force_login(maria)
    assert create_url(done) in client.get(done.get_absolute_url()).content.decode()
    client.force_login(alice)
    assert create_url(done) not in client.get(done.get_absolute_url()).content.decode()


def test_my_training_lists_the_reviews_of_my_complaints_only(client, done, alice, bob, maria, customer):
    mine = review(done, maria)
    bobs = review(closed_complaint(bob, customer, summary="Wrong size"), maria)
    client.force_login(alice)

    page = client.get(reverse("training:my_training")).content.decode()

    assert review_url(mine) in page
    assert review_url(bobs) not in page
    assert "Coaching reviews of my complaints" in page


def test_the_handler_replies_under_the_review_and_replies_show_in_order(client, done, alice, maria):
    stored = review(done, maria)
    reply_url = reverse("training:coaching_reply", args=[stored.pk])
    client.force_login(alice)
    client.post(reply_url, {"stance": "missed_something", "text": "The courier lost it twice.", "token": "t1"})
    client.post(reply_url, {"stance": "missed_something", "text": "The courier lost it twice.", "token": "t1"})
    client.force_login(maria)
    client.post(reply_url, {"stance": "agree", "text": "True, noted.", "token": "t2"})

    page = text(client.get(review_url(stored)).content.decode())

    assert CoachingReply.objects.count() == 2
    assert page.index("The courier lost it twice.") < page.index("True, noted.")
    assert "The review missed something" in page


def test_a_reply_without_text_is_shown_again_with_the_choice_kept(client, done, alice, maria):
    stored = review(done, maria)
    client.force_login(alice)

    response = client.post(
        reverse("training:coaching_reply", args=[stored.pk]), {"stance": "agree", "text": " ", "token": "t1"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert_error_next_to(html, "text", "Write your reply.")
    assert re.search(r'value="agree"[^>]*checked', html)
    assert not CoachingReply.objects.exists()


# --- the coach against the customer ----------------------------------------------------------------


def test_the_review_shows_the_customers_satisfaction_beside_the_ratings(client, done, maria):
    answer_survey(done, 2)
    stored = review(done, maria)
    client.force_login(maria)

    page = text(client.get(review_url(stored)).content.decode())

    assert "rated their satisfaction 2 out of 5 (unhappy)" in page


def test_the_coaching_page_counts_agreement_and_lists_praise_of_an_unhappy_customers_case(
    client, alice, maria, mark, customer
):
    unhappy = closed_complaint(alice, customer, summary="Unhappy")
    answer_survey(unhappy, 1)
    review(unhappy, maria)  # all well done: a disagreement
    happy = closed_complaint(alice, customer, summary="Happy")
    answer_survey(happy, 5)
    review(happy, maria)  # agreement
    neutral = closed_complaint(alice, customer, summary="Neutral")
    answer_survey(neutral, 3)
    review(neutral, mark, "missed")  # left out
    client.force_login(maria)

    page = text(client.get(reverse("training:coaching")).content.decode())

    assert "agree on 50% of the 2 reviewed complaints" in page
    assert (
        f"{unhappy.reference} · Maria Moreno reviewed Alice Archer: mostly “well done”, but the customer was unhappy"
        in page
    )
    # The coaches' list: maria 3.0 (lenient) above mark 1.0 (strict).
    assert re.search(r"Maria Moreno 2 3\.0 50% of 2 Mark Manning 1 1\.0 —", page)


def test_a_manager_who_reviewed_asks_another_for_a_blind_review(client, done, maria, mark):
    stored = review(done, maria)
    client.force_login(maria)
    url = reverse("training:coaching_complaint", args=[done.pk])
    assert "Calibrate: ask another manager" in client.get(review_url(stored)).content.decode()

    refused = client.post(url, {"asked": ""})
    asked = client.post(url, {"asked": mark.pk})

    assert refused.status_code == 400
    assert_error_next_to(refused.content.decode(), "asked", "Choose a manager.")
    assert asked["Location"] == url
    page = text(client.get(url).content.decode())
    assert "Waiting for a blind review from Mark Manning." in page


def test_a_complaint_never_closed_has_no_coaching_page(client, complaint, maria):
    client.force_login(maria)
    assert client.get(reverse("training:coaching_complaint", args=[complaint.pk])).status_code == 404
