"""The two staff roles, project-wide: who is front line, who manages, and the people in each.

Each role is a Django group (`FRONT_LINE`, `MANAGERS`). What a group may do is contributed by each app:
an app's `AppConfig.role_permissions` maps a role to the codenames of its own permissions, and
`accounts.bootstrap.ensure_roles` sets each group to the union of them. Who may see or do what with an
app's objects is that app's `permissions` module; it builds on the two checks here.

A role is recognised by its permission, not by the group's name, so a superuser (who has every
permission) passes both checks, and an organisation's own group granting the permission counts too.
The two permissions are declared on `recovery.Complaint` (working complaints is what the roles were
made for); they are named here as strings, so this module imports no app.

This module is imported by the apps' `apps.py`: it must not import models at import time.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

FRONT_LINE = "Front line"
MANAGERS = "Managers"
ROLES = (FRONT_LINE, MANAGERS)

WORK_PERMISSION = "recovery.work_complaint"
MANAGE_PERMISSION = "recovery.manage_complaints"


def is_manager(user: Any) -> bool:
    """Return True when the user may manage every complaint."""
    return bool(user is not None and user.is_active and user.has_perm(MANAGE_PERMISSION))


def can_work(user: Any) -> bool:
    """Return True when the user may log and work complaints at all."""
    return bool(user is not None and user.is_active and user.has_perm(WORK_PERMISSION))


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
