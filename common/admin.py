"""What every app's admin shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.contrib.admin import TabularInline
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import capfirst

_M = TypeVar("_M", bound=Model)

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    class _ModelAdmin(ModelAdmin[_M]): ...

    _TabularInline = TabularInline[Any, Any]
else:

    class _ModelAdmin(Generic[_M]):
        pass

    _TabularInline = TabularInline


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


def report_sent_again(model_admin: Any, request: HttpRequest, *, selected: int, count: int, noun: str) -> None:
    """Tell the operator how many failed `noun`s a "send again" action queued, and how many it skipped."""
    skipped = selected - count
    model_admin.message_user(
        request,
        f"{count} {noun}(s) will be sent within a minute."
        + (f" {skipped} were skipped: only failed {noun}s can be sent again." if skipped else ""),
    )


class ReadOnly(_ModelAdmin[_M]):
    """Rows only the app's services write (the workflow, a publish, an attempt): viewable here, never
    added or changed, so nothing bypasses the rules the services keep. Combine with `NeverDeleted`."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(_TabularInline):
    """An inline that only shows rows (an audit trail, a stored version's parts): never added to, changed
    or deleted here."""

    extra = 0
    max_num = 0
    can_delete = False

    # An inline's add permission takes the parent object; django-stubs ignores the same mismatch.
    def has_add_permission(self, request: HttpRequest, obj: Any) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NeverDeleted(_ModelAdmin[_M]):
    """Rows kept for good: nobody, administrators included, deletes them.

    No delete button, link or bulk action is offered (Django leaves them out without the delete
    permission), and a delete URL typed by hand answers 403 with an admin page that says why.
    """

    never_deleted_because = "These records are not deleted."

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{capfirst(self.opts.verbose_name)} not deleted",
            "opts": self.opts,
            "object": obj,
            "reason": self.never_deleted_because,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/delete_refused.html", context, status=403)
