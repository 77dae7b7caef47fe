"""The admin's page for staff accounts: switching off someone who still owns open complaints asks who
takes them over, and the save hands them over through `workflow.complaints_hand_over`.

Django's own user admin, with one field more. As in the complaint admin, the workflow call is the last
step of validation, so its refusals appear next to the field and nothing is saved; the admin's
transaction makes the hand-over and the account change one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.http import HttpRequest

from accounts import roles
from common.errors import DomainError
from common.forms import PersonChoiceField
from common.people import display_name
from recovery import workflow
from recovery.models import OPEN_STAGES, Complaint

User = get_user_model()

if TYPE_CHECKING:
    UserAdminBase = UserAdmin[Any]
else:
    UserAdminBase = UserAdmin


class StaffChangeForm(UserChangeForm):  # type: ignore[type-arg]
    """Django's user form plus the colleague who takes over the person's open complaints."""

    successor = PersonChoiceField(
        queryset=None,
        required=False,
        label="Who takes over their open complaints",
        empty_label="Nobody (keep them)",
    )

    # Set per request by StaffAdmin.get_form.
    acting_user: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_count = (
            Complaint.objects.filter(owner=self.instance, stage__in=OPEN_STAGES).count() if self.instance.pk else 0
        )
        successor = self.fields["successor"]
        successor.queryset = roles.handlers().exclude(pk=self.instance.pk)  # type: ignore[attr-defined]
        name = display_name(self.instance)
        if self.open_count:
            successor.help_text = (
                f"{name} owns {self.open_count} open complaint{'s' if self.open_count != 1 else ''}. "
                "Before you switch Active off, choose who takes them over: saving hands them all to that "
                "colleague (each with a line on its timeline and an email to them)."
            )
        else:
            successor.help_text = f"{name} owns no open complaints."

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self.errors or not hasattr(self, "cleaned_data"):
            return
        successor = self.cleaned_data.get("successor")
        still_open = Complaint.objects.filter(owner=self.instance, stage__in=OPEN_STAGES).exists()
        if not still_open:
            return
        if successor is None:
            if not self.cleaned_data.get("is_active", True):
                self.add_error(
                    "successor",
                    f"{display_name(self.instance)} owns open complaints: "
                    "choose who takes them over before switching Active off.",
                )
            return
        try:
            workflow.complaints_hand_over(user=self.acting_user, owner=self.instance, to=successor)
        except DomainError as exc:
            self.add_error("successor" if exc.field in ("to", "owner", None) else None, exc.message)


admin.site.unregister(User)


@admin.register(User)
class StaffAdmin(UserAdminBase):
    form = StaffChangeForm

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        # The successor sits right under "Active", where the decision to switch someone off is made.
        return tuple(
            (name, {**options, "fields": _after(options["fields"], "is_active", "successor")})
            for name, options in fieldsets
        )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if isinstance(form, type) and issubclass(form, StaffChangeForm):
            form.acting_user = request.user
        return form


def _after(fields: Any, anchor: str, extra: str) -> tuple[Any, ...]:
    """Return `fields` with `extra` placed right after `anchor` (unchanged when there is no anchor)."""
    result: list[Any] = []
    for name in fields:
        result.append(name)
        if name == anchor:
            result.append(extra)
    return tuple(result)
