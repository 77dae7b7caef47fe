"""Two-step sign-in in the admin: the administrator sees who has it, and deletes the authenticator (and the
recovery codes) of someone who lost both, who then signs in with their password and sets it up again.

django-otp's own pages would also let the administrator make a device, whose secret they would then know,
and edit keys and counters; these show neither secrets nor codes and change nothing but by deleting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.admin import ReadOnly, SuperusersOnly

_SHOWN = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")

# Django's admin classes are generic only to the type checker.
if TYPE_CHECKING:
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = admin.ModelAdmin

for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class _DeviceAdmin(SuperusersOnly[Any], ReadOnly[Any], _ModelAdminBase):
    list_display = ("user", "name", "confirmed", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    fields = _SHOWN
    readonly_fields = _SHOWN


@admin.register(TOTPDevice)
class AuthenticatorAdmin(_DeviceAdmin):
    """Authenticator apps: delete one to turn two-step sign-in off for someone who lost their phone."""


@admin.register(StaticDevice)
class RecoveryCodesAdmin(_DeviceAdmin):
    """Recovery codes, by person: how many are left, never what they are."""

    list_display = ("user", "name", "codes_left", "last_used_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        devices: QuerySet[Any] = super().get_queryset(request)
        return cast("QuerySet[Any]", devices.annotate(codes=Count("token_set")))

    @admin.display(description="codes left", ordering="codes")
    def codes_left(self, device: Any) -> int:
        return int(device.codes)
