"""The words a complaint is described in (severity, channel, stage, outcome) and the limits of what people type."""

from __future__ import annotations

from django.db import models

SUMMARY_MAX = 200
DESCRIPTION_MAX = 10_000
REMEDY_MAX = 2_000
NOTE_MAX = 5_000
REASON_MAX = 1_000
MINUTES_MAX = 24 * 60


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    WEB = "web", "Web form"
    LETTER = "letter", "Letter"
    SOCIAL = "social", "Social media"


class Stage(models.TextChoices):
    """The next thing to do with a complaint."""

    APOLOGIZE = "apologize", "Apologize"
    REINSTATE = "reinstate", "Reinstate"
    EMPATHIZE = "empathize", "Empathize"
    ATONE = "atone", "Atone"
    FOLLOW_UP = "follow_up", "Follow up"
    CLOSE = "close", "Close"
    CLOSED = "closed", "Closed"


# The five recovery steps, in the only order they may be done.
STEPS: tuple[Stage, ...] = (Stage.APOLOGIZE, Stage.REINSTATE, Stage.EMPATHIZE, Stage.ATONE, Stage.FOLLOW_UP)
SKIPPABLE_STEPS: tuple[Stage, ...] = (Stage.REINSTATE, Stage.EMPATHIZE, Stage.ATONE)
OPEN_STAGES: tuple[Stage, ...] = (*STEPS, Stage.CLOSE)


def next_stage(stage: str) -> Stage:
    """Return the stage after `stage` (the step after the last one is Close)."""
    order = [*STEPS, Stage.CLOSE, Stage.CLOSED]
    return order[order.index(Stage(stage)) + 1]


class Outcome(models.TextChoices):
    RETAINED = "retained", "Retained"
    LOST = "lost", "Lost"


class AtonementKind(models.TextChoices):
    REFUND = "refund", "Refund"
    DISCOUNT = "discount", "Discount"
    VOUCHER = "voucher", "Voucher"
    REPLACEMENT = "replacement", "Replacement"
    GIFT = "gift", "Gift"
    NOTHING = "nothing", "Nothing (deliberately)"
