"""The one condition another app may have the roll-up split handlers' rows by.

Recovery knows no app that depends on it; training registers, from its AppConfig.ready, "the complaint's
handler had passed the five-step recovery before it was received", and its dashboard panel then reads both
sides from the roll-up instead of counting the complaints. The condition is an expression on a complaint
row (it may look at `owner_id` and `received_at`) that is never NULL. The app must also make sure a change
to what the condition reads records the complaints it moves (training's trigger on its attempts does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import BooleanField, Value

SplitCondition = Callable[[], Any]  # an expression (Exists, Q wrapped in ExpressionWrapper, …)

_registered: list[SplitCondition] = []


def register_split(condition: SplitCondition) -> None:
    """Split the handlers' rows by `condition` (call it from the app's AppConfig.ready; once)."""
    _registered[:] = [condition]


def split_condition() -> Any:
    """The registered condition, or "false" when no app registered one."""
    return _registered[0]() if _registered else Value(False, output_field=BooleanField())


def has_split() -> bool:
    return bool(_registered)
