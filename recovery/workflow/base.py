"""What every change to a complaint shares: the refusal types, the row lock, the one gate, the event.

`_lock` re-reads the complaint under a row lock and refuses one the user may not see or a stale
version; `_require` refuses an action `recovery.permissions.allowed_actions` does not allow; `_save`
bumps the version with the change and `_record` writes its one ComplaintEvent. The checks of what
people type (`_text`, `_minutes`) and of the colleague a complaint goes to are here too.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import roles
from common.errors import DomainError

# Aliased so the messages below keep their names; the rule itself is common.people.display_name.
from common.people import display_name as _display_name
from common.validators import no_control_characters, single_line, visible_or_empty
from customers.models import Customer
from recovery import permissions
from recovery.models import MINUTES_MAX, Complaint, ComplaintEvent, EventKind

NOT_FOUND = permissions.NOT_FOUND


class WorkflowError(DomainError):
    """The workflow refused a change; `message` says why in plain words."""


class StaleComplaintError(WorkflowError):
    """Someone else changed the complaint after the user's form was built.

    `current_version` is the version it has now, for a caller that shows or returns the latest state.
    """

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


def _lock(complaint: Complaint | int, *, user: Any, expected_version: int | None) -> Complaint:
    """Return the complaint re-read under a row lock, refusing one the user may not see or a stale version."""
    pk = complaint if isinstance(complaint, int) else complaint.pk
    try:
        # Lock the row alone: PostgreSQL re-checks a joined lock against the row someone else just
        # changed, and a changed owner no longer matches the owner row it joined, so the complaint
        # would look deleted. Read it with its people once the lock is ours (a fresh snapshot).
        Complaint.objects.select_for_update().filter(pk=pk).values_list("pk").get()
        locked = Complaint.objects.select_related("customer", "owner", "escalated_to").get(pk=pk)
    except Complaint.DoesNotExist:
        raise WorkflowError(NOT_FOUND) from None
    # Access first: the stale-version message names the complaint and its stage.
    _require_view(user, locked)
    if expected_version is not None and locked.version != expected_version:
        raise StaleComplaintError(
            f"{locked.reference} was changed by someone else while you were working on it "
            f"(it is now at “{locked.get_stage_display()}”). Check the latest state below, then try again.",
            current_version=locked.version,
        )
    return locked


def _require_view(user: Any, complaint: Complaint) -> None:
    if not permissions.can_view(user, complaint):
        # Same words as for a missing complaint: confidential complaints stay invisible.
        raise WorkflowError(NOT_FOUND)


def _require(user: Any, complaint: Complaint, action: str) -> None:
    """Refuse `action` when `permissions.allowed_actions` does not let this user take it on this complaint.

    The one gate every change passes (the page offers the same actions). It says who may act; the
    order of the steps is checked after it, by each function.
    """
    reason = permissions.allowed_actions(user, complaint).refusals.get(action)
    if reason is not None:
        raise WorkflowError(reason)


def _text(
    value: Any, *, field: str, label: str, max_length: int, required: bool = False, one_line: bool = False
) -> str:
    """Return `value` stripped, checking length, control characters, presence and (`one_line`) line breaks.

    Text with nothing visible (spaces, zero-width characters) is empty.
    """
    text = visible_or_empty(value)
    if required and not text:
        raise WorkflowError(f"Enter {label}.", field=field)
    if len(text) > max_length:
        raise WorkflowError(
            f"Keep {label} to {max_length:,} characters (this is {len(text):,}).",
            field=field,
        )
    try:
        no_control_characters(text)
        if one_line:
            single_line(text)
    except ValidationError as exc:
        raise WorkflowError(exc.messages[0], field=field) from None
    return text


def _whole_number(value: Any) -> int:
    """Return `value` as an int, refusing yes/no values and fractions instead of quietly truncating them."""
    if isinstance(value, bool):
        raise TypeError("a yes/no value is not a number")
    number = int(value)
    if isinstance(value, float | Decimal) and number != value:
        raise ValueError("not a whole number")
    return number


def _minutes(value: Any) -> int:
    try:
        minutes = _whole_number(value or 0)
    except (TypeError, ValueError, OverflowError):
        raise WorkflowError("Enter the minutes spent as a whole number.", field="minutes") from None
    if not 0 <= minutes <= MINUTES_MAX:
        raise WorkflowError(f"Minutes spent must be between 0 and {MINUTES_MAX:,} (one day).", field="minutes")
    return minutes


def _record(
    complaint: Complaint,
    *,
    actor: Any,
    kind: EventKind,
    stage_before: str = "",
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor,
        kind=kind,
        created_at=at or timezone.now(),
        stage_before=stage_before,
        stage_after=complaint.stage,
        payload=payload or {},
    )


def _save(complaint: Complaint, *fields: str) -> None:
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version", "updated_at"])


def _check_staff_target(target: Any, *, field: str, must_manage: bool = False) -> None:
    if target is None or not isinstance(target, get_user_model()):
        raise WorkflowError("Choose a colleague.", field=field)
    if must_manage and not roles.is_manager(target):
        raise WorkflowError(f"{_display_name(target)} is not a manager.", field=field)
    if not roles.can_work(target):
        raise WorkflowError(f"{_display_name(target)} cannot handle complaints.", field=field)


def _check_not_own_complaint(customer: Customer, owner: Any, *, field: str) -> None:
    if not permissions.may_be_given(owner, customer):
        raise WorkflowError("A colleague cannot handle their own complaint; choose someone else.", field=field)
