"""The reference data managers keep: complaint categories and the recovery policies' targets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.validators import MinValueValidator

from common.admin import NeverDeleted
from recovery.models import AT_LEAST_ONE, POLICY_CHANGE_RULE, STEP_ORDER_RULE, Category, RecoveryPolicy

# Django's admin and form classes are generic only to the type checker.
if TYPE_CHECKING:
    RecoveryPolicyFormBase = forms.ModelForm[RecoveryPolicy]
    CategoryAdminBase = admin.ModelAdmin[Category]
    RecoveryPolicyAdminBase = admin.ModelAdmin[RecoveryPolicy]
else:
    RecoveryPolicyFormBase = forms.ModelForm
    CategoryAdminBase = admin.ModelAdmin
    RecoveryPolicyAdminBase = admin.ModelAdmin


@admin.register(Category)
class CategoryAdmin(CategoryAdminBase):
    list_display = ("name", "description", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "description")


POLICY_TARGETS = (
    "hours_to_apologize",
    "hours_to_reinstate",
    "hours_to_empathize",
    "days_to_atone",
    "days_to_follow_up",
    "escalation_grace_hours",
)


class RecoveryPolicyAdminForm(RecoveryPolicyFormBase):
    """A policy's targets: whole numbers of at least 1, in step order (`RecoveryPolicy.clean`)."""

    class Meta:
        model = RecoveryPolicy
        fields = ("severity", *POLICY_TARGETS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in POLICY_TARGETS:
            field = self.fields[name]
            # A positive integer's form field allows 0 and refuses -1 in other words than the model's
            # 0; keep one limit and one message.
            field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator)]
            field.validators.append(MinValueValidator(1, message=AT_LEAST_ONE))
            field.widget.attrs["min"] = 1


@admin.register(RecoveryPolicy)
class RecoveryPolicyAdmin(NeverDeleted[RecoveryPolicy], RecoveryPolicyAdminBase):
    form = RecoveryPolicyAdminForm
    fieldsets = (
        (None, {"fields": ("severity",)}),
        ("Targets", {"fields": POLICY_TARGETS, "description": f"{STEP_ORDER_RULE} {POLICY_CHANGE_RULE}"}),
    )
    list_display = ("severity", *POLICY_TARGETS)
    # The tightest policy (critical) first.
    ordering = ("hours_to_apologize", "severity")
    # Every severity needs a policy: the workflow refuses complaints without one.
    never_deleted_because = (
        "Recovery policies are not deleted: every severity needs one, and complaints are timed by it. "
        "Change its targets instead."
    )
