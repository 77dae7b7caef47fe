"""The service policy in the admin, read-only: versions are published on the policy pages, never edited.

A stored version is what people were asked to acknowledge, so changing or deleting one here would
rewrite history; acknowledgements are the record of who read which version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from common.admin import NeverDeleted, ReadOnly, SuperusersOnly
from policy.models import PolicyAcknowledgement, PolicyVersion

# Django's admin classes are generic only to the type checker.
if TYPE_CHECKING:
    PolicyVersionAdminBase = admin.ModelAdmin[PolicyVersion]
    PolicyAcknowledgementAdminBase = admin.ModelAdmin[PolicyAcknowledgement]
else:
    PolicyVersionAdminBase = admin.ModelAdmin
    PolicyAcknowledgementAdminBase = admin.ModelAdmin


@admin.register(PolicyVersion)
class PolicyVersionAdmin(
    SuperusersOnly[PolicyVersion], NeverDeleted[PolicyVersion], ReadOnly[PolicyVersion], PolicyVersionAdminBase
):
    never_deleted_because = (
        "Policy versions are not deleted: each is what staff were asked to read and acknowledge. "
        "Managers publish a new version on the policy pages instead."
    )
    list_display = ("number", "title", "empowerment_limit", "published_by", "published_at")
    list_select_related = ("published_by",)
    search_fields = ("title", "body", "change_summary")
    date_hierarchy = "published_at"


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(
    SuperusersOnly[PolicyAcknowledgement],
    NeverDeleted[PolicyAcknowledgement],
    ReadOnly[PolicyAcknowledgement],
    PolicyAcknowledgementAdminBase,
):
    never_deleted_because = (
        "Acknowledgements are not deleted: they record who read which version of the policy, and when."
    )
    list_display = ("version", "user", "acknowledged_at")
    list_filter = ("version",)
    list_select_related = ("version", "user")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    date_hierarchy = "acknowledged_at"
    show_full_result_count = False
