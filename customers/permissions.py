"""Who may do what with customers: each rule once.

Both roles add customers and correct their details (the `customers` permissions the roles hold,
see `CustomersConfig.role_permissions`). Whether a customer is an employee, and which staff account
is theirs, decides who may read their complaints (employees' complaints are confidential,
`recovery.permissions`), so changing either is a manager's decision.
"""

from __future__ import annotations

from typing import Any

from accounts.roles import is_manager
from customers.models import Customer

ADD_PERMISSION = "customers.add_customer"
CHANGE_PERMISSION = "customers.change_customer"


def _has(user: Any, permission: str) -> bool:
    # Deny by default: only an active account with the permission.
    return bool(user is not None and user.is_active and user.has_perm(permission))


def can_add(user: Any) -> bool:
    """Return True when the user may add customers."""
    return _has(user, ADD_PERMISSION)


def can_change(user: Any) -> bool:
    """Return True when the user may correct customers' details."""
    return _has(user, CHANGE_PERMISSION)


def can_change_confidentiality(user: Any) -> bool:
    """Return True when the user may make a customer an employee or not, or change their staff account."""
    return is_manager(user)


def complaints_may_be_hidden(user: Any, customer: Customer) -> bool:
    """Return True when some of the customer's complaints may be hidden from the user (an employee's,
    for anyone who does not manage: they see only those they own)."""
    return customer.is_internal and not is_manager(user)


def can_handle_personal_data(user: Any) -> bool:
    """Return True when the user may export or erase a customer's personal data: managers only.

    An export holds everything about a person, employees' confidential complaints included, and an
    erasure cannot be undone, so neither is front-line work.
    """
    return is_manager(user)
