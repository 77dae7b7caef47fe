"""What the training words mean, each defined once: which passes count, and when a pass expires.

- A pass **counts** for a module when it was on a version at or after the latest one marked "needs
  retaking" (`counting_passes`): a needs-retaking edit brings the module back for everyone who passed
  before it.
- A pass **expires** the module's renewal period (of the current version: a manager who shortens it
  wants it to apply) after the local day it was made (`pass_expires_on`); no period, no expiry.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from training.models import Attempt, ModuleVersion, TrainingModule

# A required, renewal or retake assignment made automatically is due this many days after it is made.
AUTOMATIC_DUE_DAYS = 30


def pass_expires_on(passed_at: datetime, renewal_months: int | None) -> date | None:
    """Return the first local day on which a pass made at `passed_at` no longer holds (None: never)."""
    if renewal_months is None:
        return None
    return add_months(timezone.localdate(passed_at), renewal_months)


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later (the month's last day when it is shorter: 31 Jan + 1 → 28/29 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def is_expired(expires_on: date | None, today: date) -> bool:
    return expires_on is not None and today >= expires_on


def pass_holds(passed_at: datetime | None, renewal_months: int | None, today: date) -> bool:
    """Return True when there is a pass that counts (`passed_at`, the latest) and it has not expired by `today`."""
    return passed_at is not None and not is_expired(pass_expires_on(passed_at, renewal_months), today)


def retake_from_q() -> Coalesce:
    """An expression for a module row: the lowest version number whose passes count."""
    latest = (
        ModuleVersion.objects.filter(module=OuterRef("pk"), needs_retaking=True)
        .values("module")
        .annotate(number=Max("number"))
        .values("number")
    )
    return Coalesce(Subquery(latest), 1)


def retake_from_of(module: str) -> Subquery:
    """An expression for any row: the lowest version number whose passes count, of the module `module` names."""
    return Subquery(TrainingModule.objects.filter(pk=OuterRef(module)).annotate(n=retake_from_q()).values("n"))


def counting_passes(module_ids: Iterable[int]) -> QuerySet[Attempt]:
    """Return the passing attempts that count, for these modules (see the module docstring)."""
    return Attempt.objects.filter(
        passed=True, version__module__in=list(module_ids), version__number__gte=retake_from_of("version__module")
    )


def latest_passes(module_ids: Iterable[int], user_ids: Iterable[int] | None = None) -> dict[tuple[int, int], datetime]:
    """Return {(user id, module id): when they last passed it in a way that counts}."""
    passes = counting_passes(module_ids)
    if user_ids is not None:
        passes = passes.filter(user__in=list(user_ids))
    rows = passes.values("user", "version__module").annotate(last=Max("submitted_at"))
    return {(row["user"], row["version__module"]): row["last"] for row in rows}
