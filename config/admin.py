"""The admin site: for CareDesk's administrators, and for managers' reference data.

Django's admin lets in anyone with staff status. Here staff status is only half of it: the account
must also be a superuser (an administrator: staff accounts and roles, customers, complaints, emails)
or a manager (categories and recovery policies; the other model admins are for superusers only,
see `common.admin.SuperusersOnly`). Anyone else who is signed in finds no admin at all (404), so
the front line is never offered a second way round the screens and their rules; someone not signed
in is sent to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse

from accounts import roles
from accounts.forms import SignInForm

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


def may_use_admin(user: Any) -> bool:
    """Return True for an active account with staff status that is a superuser or a manager."""
    return bool(user.is_active and user.is_staff and (user.is_superuser or roles.is_manager(user)))


class AdministratorSignInForm(SignInForm, AdminAuthenticationForm):
    """The admin's sign-in: the right password is not enough, the account must be one the admin is for."""

    def confirm_login_allowed(self, user: Any) -> None:
        # Django's own check (an active account), then ours, which includes Django's staff status.
        AuthenticationForm.confirm_login_allowed(self, user)
        if not may_use_admin(user):
            raise ValidationError(
                "This sign-in is for CareDesk’s administrators. Sign in to CareDesk at %(login)s.",
                code="not_an_administrator",
                params={"login": reverse("login")},
            )


class CareDeskAdminSite(AdminSite):
    site_header = "CareDesk administration"
    site_title = "CareDesk"
    index_title = "Administration"
    login_form = AdministratorSignInForm

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        inner = super().admin_view(view, cacheable)

        def not_for_others(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            # Django would offer a signed-in user the admin's sign-in page; here there is no admin for them.
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404("The admin is for administrators.")
            return inner(request, *args, **kwargs)

        return cast(_View, update_wrapper(not_for_others, inner))

    @login_not_required
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404("The admin is for administrators.")
        return super().login(request, extra_context)
