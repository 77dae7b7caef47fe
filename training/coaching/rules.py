"""What coaching's words mean, defined once: ratings, their scores, and when a coach and a customer agree."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

NOTE_MAX = 5_000
COMMENT_MAX = 2_000
REPLY_MAX = 3_000
# A reply form's token (the same form sent twice is stored once): what the page makes is far shorter.
REPLY_TOKEN_MAX = 64
# The coaching queue looks at complaints closed this many days ago or less.
QUEUE_DAYS = 30
# The queue lists every lost or unhappy complaint, then at most this many of the rest.
QUEUE_SAMPLE = 15


class Rating(models.TextChoices):
    WELL_DONE = "well_done", "Well done"
    COULD_BE_BETTER = "could_be_better", "Could be better"
    MISSED = "missed", "Missed"


# The average rating on the coaches' list: well done 3, could be better 2, missed 1.
RATING_SCORES: dict[str, int] = {Rating.WELL_DONE: 3, Rating.COULD_BE_BETTER: 2, Rating.MISSED: 1}
SCORE_EXPLAINED = "Average rating: well done = 3, could be better = 2, missed = 1."


class Stance(models.TextChoices):
    AGREE = "agree", "I agree"
    MISSED_SOMETHING = "missed_something", "The review missed something"


class Verdict(models.TextChoices):
    """A review as a whole: mostly praise, or mostly criticism."""

    POSITIVE = "positive", "Mostly well done"
    CRITICAL = "critical", "Mostly could be better or missed"


class Mood(models.TextChoices):
    """The customer's satisfaction (1–5) in the survey, in three bands; neutral (3) is left out of agreement."""

    SATISFIED = "satisfied", "Satisfied"
    NEUTRAL = "neutral", "Neutral"
    UNHAPPY = "unhappy", "Unhappy"


AGREEMENT_EXPLAINED = (
    "A review is “mostly well done” when more than half its ratings are “well done”, otherwise it is critical. "
    "The coach and the customer agree when a mostly-well-done review meets a satisfied customer (4–5 in the "
    "survey) or a critical review meets an unhappy one (1–2). Neutral answers (3) and complaints without a "
    "survey answer are left out."
)


def verdict(ratings: Iterable[str]) -> Verdict | None:
    """Return whether a review is mostly praise; None when it rates nothing."""
    values = list(ratings)
    if not values:
        return None
    well_done = sum(1 for value in values if value == Rating.WELL_DONE)
    return Verdict.POSITIVE if well_done * 2 > len(values) else Verdict.CRITICAL


def mood(satisfaction: int | None) -> Mood | None:
    """Return the band of a survey's satisfaction; None without an answer."""
    if satisfaction is None:
        return None
    if satisfaction >= 4:
        return Mood.SATISFIED
    if satisfaction <= 2:
        return Mood.UNHAPPY
    return Mood.NEUTRAL


def agrees(review_verdict: Verdict | None, customer_mood: Mood | None) -> bool | None:
    """Whether the coach and the customer agree; None when it cannot be said (no survey, neutral, nothing rated)."""
    if review_verdict is None or customer_mood in (None, Mood.NEUTRAL):
        return None
    return (review_verdict == Verdict.POSITIVE) == (customer_mood == Mood.SATISFIED)


def average_score(ratings: Iterable[str]) -> float | None:
    """The average of the ratings' scores (RATING_SCORES); None when there are none."""
    scores = [RATING_SCORES[value] for value in ratings]
    return sum(scores) / len(scores) if scores else None
