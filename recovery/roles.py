"""Who may do what with complaints.

Two roles, each a Django group (`accounts.roles`; the groups are created by `accounts.bootstrap`):
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

from accounts.roles import can_work, handlers, is_manager, managers
from customers.models import CustomerGroup
from recovery.models import Complaint

# The generic role checks live in accounts.roles; these names stay importable from here.
__all__ = ["can_handle", "can_view", "can_work", "handlers", "is_manager", "managers", "owners_to_filter_by"]


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
