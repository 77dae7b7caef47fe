"""Who may do what with complaints: the one place these rules live.

Two roles, each a Django group created by a data migration:
- Front line: log complaints and work the ones they own; add notes to any
  complaint they can see; hand their own complaints to a colleague or escalate
  them to a manager.
- Managers: everything, including complaints from employees (which are
  confidential), reassigning anyone's complaint and closing escalated ones.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from customers.models import CustomerGroup
from recovery.bootstrap import FRONT_LINE, MANAGERS  # noqa: F401  (re-exported: the role names)
from recovery.models import Complaint

WORK_PERMISSION = "recovery.work_complaint"
MANAGE_PERMISSION = "recovery.manage_complaints"


def is_manager(user: Any) -> bool:
    """Return True when the user may manage every complaint."""
    return bool(user is not None and user.is_active and user.has_perm(MANAGE_PERMISSION))


def can_work(user: Any) -> bool:
    """Return True when the user may log and work complaints at all."""
    return bool(user is not None and user.is_active and user.has_perm(WORK_PERMISSION))


def can_view(user: Any, complaint: Complaint) -> bool:
    """Return True when the user may see the complaint (employees' complaints are confidential)."""
    if not can_work(user):
        return False
    if is_manager(user) or complaint.owner_id == user.pk:
        return True
    return bool(complaint.customer.group != CustomerGroup.EMPLOYEE)


def can_handle(user: Any, complaint: Complaint) -> bool:
    """Return True when the user may do the recovery steps: the owner or a manager, never the complainant."""
    if complaint.customer.staff_user_id is not None and complaint.customer.staff_user_id == user.pk:
        return False  # a colleague's own complaint is handled by someone else, even if they manage
    return can_view(user, complaint) and (is_manager(user) or complaint.owner_id == user.pk)


_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# include_superusers=False: a superuser has every permission, but the administrator account looks
# after CareDesk rather than taking complaints; only people in a role are offered as owners or managers.


def handlers() -> QuerySet[Any]:
    """Return the active users who may own complaints, by name."""
    return (
        get_user_model()
        .objects.with_perm(WORK_PERMISSION, include_superusers=False, backend=_MODEL_BACKEND)
        .filter(is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def managers() -> QuerySet[Any]:
    """Return the active users a complaint can be escalated to, by name."""
    return (
        get_user_model()
        .objects.with_perm(MANAGE_PERMISSION, include_superusers=False, backend=_MODEL_BACKEND)
        .filter(is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def owners_to_filter_by() -> QuerySet[Any]:
    """Return the people a complaint list can be filtered by, by name: the handlers, and anyone inactive
    who still owns complaints.

    Someone who left keeps their complaints until a manager hands them over, so those complaints must
    stay findable by owner (and the dashboard's per-handler links keep working).
    """
    owns = Complaint.objects.filter(owner=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(Q(pk__in=handlers().values("pk")) | Q(is_active=False) & Exists(owns))
        .order_by("first_name", "last_name", "username")
    )
