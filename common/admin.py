"""What every app's admin shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db.models import Model
from django.http import HttpRequest

_M = TypeVar("_M", bound=Model)

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    class _ModelAdmin(ModelAdmin[_M]): ...
else:

    class _ModelAdmin(Generic[_M]):
        pass


class SuperusersOnly(_ModelAdmin[_M]):
    """A model admin for administrators (superusers) only, whatever model permissions a role holds.

    The roles' model permissions are what the screens check (the front line adds customers there);
    they must not open the admin's pages for the same models. Put it first among the bases.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser) and super().has_delete_permission(request, obj)
