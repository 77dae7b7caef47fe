"""Reference data managers keep: the categories, and the recovery policy (due times) per severity."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from common.localtime import add_local_days
from common.validators import no_control_characters
from recovery.models.choices import Severity, Stage


class Category(models.Model):
    """What a complaint is about; managed by administrators."""

    name = models.CharField(max_length=80, unique=True, validators=[no_control_characters])
    description = models.CharField(max_length=300, blank=True, validators=[no_control_characters])
    is_active = models.BooleanField(default=True, help_text="Inactive categories are not offered for new complaints.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


AT_LEAST_ONE = "Enter at least 1."
# What the admin form says about changing a policy, and the rule recovery.workflow follows.
POLICY_CHANGE_RULE = (
    "A change applies to steps that start after you save it. A step already under way keeps the due time "
    "(and the escalation time) it was given when it started, so nobody's deadline, and no time promised to a "
    "customer, moves under their feet. Changing a complaint's severity re-times its current step under the "
    "new severity's targets."
)
STEP_ORDER_RULE = (
    "The targets go in step order: apologize ≤ reinstate ≤ empathize (hours) ≤ atone (days, a day counting 24 hours)."
)


def _target(verbose_name: str, help_text: str) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(
        verbose_name, validators=[MinValueValidator(1, message=AT_LEAST_ONE)], help_text=help_text
    )


class RecoveryPolicy(models.Model):
    """Targets for each step, one row per severity.

    Steps 1–4 are due a set time after the round started (the complaint was logged, or reopened); the
    follow-up is due a set number of days after the atonement. Hours are elapsed hours; days are calendar
    days in the local time zone. Each step gets its due time from the policy when it starts
    (POLICY_CHANGE_RULE); the targets go in step order (STEP_ORDER_RULE).
    """

    severity = models.CharField(max_length=10, choices=Severity.choices, unique=True)
    hours_to_apologize = _target(
        "hours to apologize", "Hours from when the complaint is logged (or reopened); at least 1."
    )
    hours_to_reinstate = _target(
        "hours to reinstate",
        "Hours from when the complaint is logged (or reopened); at least 1, and at least the hours to apologize.",
    )
    hours_to_empathize = _target(
        "hours to empathize",
        "Hours from when the complaint is logged (or reopened); at least 1, and at least the hours to reinstate.",
    )
    days_to_atone = _target(
        "days to atone",
        "Calendar days from when the complaint is logged (or reopened), at the same clock time; at least 1, "
        "and at least the hours to empathize (a day counting 24 hours).",
    )
    days_to_follow_up = _target(
        "days after atonement to follow up", "Calendar days after the atonement, at the same clock time; at least 1."
    )
    escalation_grace_hours = _target(
        "grace before escalation (hours)", "Hours a step may stay overdue before managers are alerted; at least 1."
    )

    class Meta:
        verbose_name_plural = "recovery policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    hours_to_apologize__gte=1,
                    hours_to_reinstate__gte=1,
                    hours_to_empathize__gte=1,
                    days_to_atone__gte=1,
                    days_to_follow_up__gte=1,
                    escalation_grace_hours__gte=1,
                ),
                name="policy_targets_positive",
                violation_error_message="Every target is at least 1.",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    hours_to_reinstate__gte=models.F("hours_to_apologize"),
                    hours_to_empathize__gte=models.F("hours_to_reinstate"),
                    hours_to_empathize__lte=models.F("days_to_atone") * 24,
                ),
                name="policy_targets_in_step_order",
                violation_error_message=STEP_ORDER_RULE,
            ),
        ]

    def __str__(self) -> str:
        return f"Policy for {self.get_severity_display().lower()} complaints"

    def clean(self) -> None:
        """Refuse targets out of step order: a step cannot be due before any step it follows.

        Each target is compared with the largest before it, so every target out of order is named at once.
        """
        errors: dict[str, str] = {}
        latest: tuple[str, int] | None = None  # the latest-due step so far, and its target in hours
        for field, step, unit in (
            ("hours_to_apologize", "apologize", 1),
            ("hours_to_reinstate", "reinstate", 1),
            ("hours_to_empathize", "empathize", 1),
            ("days_to_atone", "atone", 24),
        ):
            value = getattr(self, field)
            if value is None:
                continue
            if latest is not None and value * unit < latest[1]:
                errors[field] = self._out_of_order(step, value, unit, *latest)
            elif latest is None or value * unit > latest[1]:
                latest = (step, value * unit)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _out_of_order(step: str, value: int, unit: int, before: str, hours: int) -> str:
        if unit == 1:
            return (
                f"{step.capitalize()} within {value} h would be due before {before} within {hours} h, "
                f"but the steps go in order: make it at least {hours}."
            )
        return (
            f"{step.capitalize()} within {value} {'day' if value == 1 else 'days'} ({value * unit} h) would be due "
            f"before {before} within {hours} h, but the steps go in order: make it at least {-(-hours // unit)} "
            f"(a day counts 24 hours here)."
        )

    def escalates_at(self, due: datetime | None) -> datetime | None:
        """Return when managers are alerted about a step due at `due` that is still not done."""
        return None if due is None else due + timedelta(hours=self.escalation_grace_hours)

    def due_at(self, step: str, *, round_started_at: datetime, atoned_at: datetime | None = None) -> datetime | None:
        """Return when `step` is due, or None for stages without a target.

        Hours are elapsed hours; days are calendar days in the local time zone (the same clock time,
        so a day across a clock change is 23 or 25 hours). The atonement is never due before the
        empathy, even when its days are one hour short across the spring change.
        """
        if step == Stage.APOLOGIZE:
            return round_started_at + timedelta(hours=self.hours_to_apologize)
        if step == Stage.REINSTATE:
            return round_started_at + timedelta(hours=self.hours_to_reinstate)
        if step == Stage.EMPATHIZE:
            return round_started_at + timedelta(hours=self.hours_to_empathize)
        if step == Stage.ATONE:
            return max(
                add_local_days(round_started_at, self.days_to_atone),
                round_started_at + timedelta(hours=self.hours_to_empathize),
            )
        if step == Stage.FOLLOW_UP:
            return add_local_days(atoned_at or round_started_at, self.days_to_follow_up)
        return None
