"""What coaching's words mean: a review's verdict, the customer's mood, agreement, the average score."""

from __future__ import annotations

import pytest

from training.coaching.rules import Mood, Verdict, agrees, average_score, mood, verdict


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        (["well_done", "well_done", "missed"], Verdict.POSITIVE),
        (["well_done", "could_be_better"], Verdict.CRITICAL),  # half is not "mostly"
        (["missed"], Verdict.CRITICAL),
        ([], None),
    ],
)
def test_a_review_is_mostly_well_done_when_more_than_half_its_ratings_are(ratings, expected):
    assert verdict(ratings) == expected


@pytest.mark.parametrize(
    ("satisfaction", "expected"),
    [(5, Mood.SATISFIED), (4, Mood.SATISFIED), (3, Mood.NEUTRAL), (2, Mood.UNHAPPY), (1, Mood.UNHAPPY), (None, None)],
)
def test_the_customers_mood_comes_from_the_survey_answer(satisfaction, expected):
    assert mood(satisfaction) == expected


def test_agreement_leaves_out_neutral_answers_and_missing_surveys():
    assert agrees(Verdict.POSITIVE, Mood.SATISFIED) is True
    assert agrees(Verdict.CRITICAL, Mood.UNHAPPY) is True
    assert agrees(Verdict.POSITIVE, Mood.UNHAPPY) is False
    assert agrees(Verdict.CRITICAL, Mood.SATISFIED) is False
    assert agrees(Verdict.POSITIVE, Mood.NEUTRAL) is None
    assert agrees(Verdict.POSITIVE, None) is None
    assert agrees(None, Mood.SATISFIED) is None


def test_the_average_rating_scores_well_done_3_could_be_better_2_missed_1():
    assert average_score(["well_done", "could_be_better", "missed"]) == 2
    assert average_score([]) is None
