"""Who may use the API: the same roles as the screens (accounts/roles.py)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts import roles


class IsStaff(BasePermission):
    """Signed in (token or session) and in a CareDesk role; an account with no role sees nothing."""

    message = "Your account has no CareDesk role."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and roles.can_work(request.user))


class IsManager(IsStaff):
    """Managers only (the dashboard's figures, the training matrix)."""

    message = "Only managers can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and roles.is_manager(request.user)
