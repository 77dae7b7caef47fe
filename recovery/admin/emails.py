"""What CareDesk sends, read-only: reminders and notices, surveys, managers' digests.

Failed reminders can be sent again (an action that re-queues them through `recovery.reminders`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import roles
from common.admin import NeverDeleted, ReadOnly, SuperusersOnly, report_sent_again
from recovery import reminders, selectors
from recovery.admin.base import _complaint_reference, _search_by_reference
from recovery.models import ManagerDigest, Reminder, ReminderKind, ReminderStatus, Survey

# Django's admin and form classes are generic only to the type checker.
if TYPE_CHECKING:
    ReminderAdminBase = admin.ModelAdmin[Reminder]
    SurveyAdminBase = admin.ModelAdmin[Survey]
    ManagerDigestAdminBase = admin.ModelAdmin[ManagerDigest]
else:
    ReminderAdminBase = admin.ModelAdmin
    SurveyAdminBase = admin.ModelAdmin
    ManagerDigestAdminBase = admin.ModelAdmin


@admin.register(Reminder)
class ReminderAdmin(SuperusersOnly[Reminder], NeverDeleted[Reminder], ReadOnly[Reminder], ReminderAdminBase):
    """Every email CareDesk owes or sent: what, to whom, when, and why one failed."""

    never_deleted_because = (
        "Reminders are not deleted: they record which emails CareDesk owed and sent, and to whom. "
        "One that no longer applies is cancelled by the workflow."
    )
    list_display = (
        "due_at",
        "complaint_reference",
        "kind",
        "status",
        "address",
        "attempts",
        "sent_at",
        "error",
    )
    list_filter = ("status", "kind")
    list_select_related = ("complaint__customer",)
    # "to" (where it went, or would go now) stands for the address noted when it was scheduled.
    fields = (
        "complaint",
        "kind",
        ("round", "step"),
        "due_at",
        "status",
        "recipient",
        "address",
        ("attempts", "lease_expires_at"),
        "sent_at",
        "last_error",
        "created_at",
    )
    readonly_fields = ("address",)
    search_fields = ("recipient_email", "sent_to", "last_error")
    search_help_text = "Search by complaint reference (C-000123), address or error."
    date_hierarchy = "due_at"
    show_full_result_count = False
    actions = ["send_again"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reminder]:
        return super().get_queryset(request).filter(complaint__in=selectors.complaints_visible_to(request.user))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Reminder], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return _search_by_reference(queryset, results, search_term, lookup="complaint_id"), may_have_duplicates

    @admin.display(description="complaint", ordering="complaint_id")
    def complaint_reference(self, reminder: Reminder) -> str:
        return _complaint_reference(reminder)

    @admin.display(description="last error")
    def error(self, reminder: Reminder) -> str:
        return reminder.last_error[:120]

    @admin.display(description="to")
    def address(self, reminder: Reminder) -> str:
        """Return where the email went, as recorded when it was sent, or else where it would go now."""
        if reminder.status == ReminderStatus.SENT:
            # Rows sent before the addresses were recorded keep the one noted when scheduled.
            return reminder.sent_to or reminder.recipient_email or "the managers"
        if reminder.kind == ReminderKind.ESCALATION:
            return "the managers, when it is sent"
        if reminder.kind in reminders.CUSTOMER_KINDS:
            # Addressed when sent (recovery.notifications): the customer's address now.
            return reminder.complaint.customer.email
        return reminder.recipient_email

    @admin.action(description="Send the selected failed reminders again", permissions=["send_again"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = reminders.reminders_send_again(ids=ids)
        report_sent_again(self, request, selected=len(ids), count=count, noun="reminder")

    def has_send_again_permission(self, request: HttpRequest) -> bool:
        return roles.is_manager(request.user)


@admin.register(Survey)
class SurveyAdmin(SuperusersOnly[Survey], NeverDeleted[Survey], ReadOnly[Survey], SurveyAdminBase):
    never_deleted_because = "Surveys are not deleted: they hold what the customer answered."
    list_display = ("created_at", "complaint_reference", "round", "answered_at", "satisfaction", "would_return")
    list_filter = ("satisfaction", "would_return")
    search_fields = ("comment",)
    search_help_text = "Search by complaint reference (C-000123) or by the customer's comment."
    date_hierarchy = "created_at"
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Survey]:
        return super().get_queryset(request).filter(complaint__in=selectors.complaints_visible_to(request.user))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Survey], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return _search_by_reference(queryset, results, search_term, lookup="complaint_id"), may_have_duplicates

    @admin.display(description="complaint", ordering="complaint_id")
    def complaint_reference(self, survey: Survey) -> str:
        return _complaint_reference(survey)


@admin.register(ManagerDigest)
class ManagerDigestAdmin(
    SuperusersOnly[ManagerDigest], NeverDeleted[ManagerDigest], ReadOnly[ManagerDigest], ManagerDigestAdminBase
):
    never_deleted_because = "Digests are not deleted: they record what each manager was sent."
    list_display = ("day", "recipient", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status",)
    list_select_related = ("recipient",)
    date_hierarchy = "day"
    show_full_result_count = False
