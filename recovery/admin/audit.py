"""The audit trail, read-only: recorded steps and timeline events, told in the complaint page's words.

As pages of their own (administrators only) and as the inlines of the complaint's change page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from common.admin import NeverDeleted, ReadOnly, ReadOnlyInline, SuperusersOnly
from common.money import format_money
from recovery import selectors, timeline
from recovery.admin.base import _complaint_reference, _search_by_reference
from recovery.models import ComplaintEvent, RecoveryAction

# Django's admin and form classes are generic only to the type checker.
if TYPE_CHECKING:
    RecoveryActionAdminBase = admin.ModelAdmin[RecoveryAction]
    ComplaintEventAdminBase = admin.ModelAdmin[ComplaintEvent]
else:
    RecoveryActionAdminBase = admin.ModelAdmin
    ComplaintEventAdminBase = admin.ModelAdmin


# Set on each event of a changelist page by ComplaintEventAdmin, so the page describes them in one query.
_TIMELINE_LINE = "timeline_line"


class RecoveryActionInline(ReadOnlyInline):
    model = RecoveryAction
    fields = ("round", "step", "done_at", "done_by", "minutes_spent", "what_happened")
    readonly_fields = fields
    verbose_name = "recorded step"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("done_by")

    @admin.display(description="what happened")
    def what_happened(self, action: RecoveryAction) -> str:
        return timeline.describe_action(action)


class ComplaintEventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ("created_at", "kind", "actor", "stage_before", "stage_after", "details")
    readonly_fields = fields
    ordering = ("created_at", "pk")
    verbose_name = "timeline event"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Inlines are made for each request: the complaint's recorded steps are read once per page.
        self._actions: dict[int, RecoveryAction] | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description="details")
    def details(self, event: ComplaintEvent) -> str:
        """Return the event as the complaint page's timeline tells it."""
        if self._actions is None:
            self._actions = RecoveryAction.objects.filter(complaint_id=event.complaint_id).in_bulk()
        return timeline.describe(event, self._actions).as_line()


@admin.register(RecoveryAction)
class RecoveryActionAdmin(
    SuperusersOnly[RecoveryAction], NeverDeleted[RecoveryAction], ReadOnly[RecoveryAction], RecoveryActionAdminBase
):
    never_deleted_because = "Recorded steps are not deleted: they are part of the complaint's audit trail."
    list_display = (
        "complaint_reference",
        "round",
        "step",
        "skipped",
        "done_by",
        "done_at",
        "minutes_spent",
        "atonement_kind",
        "atonement",
        "satisfaction",
        "retained",
    )
    list_filter = ("step", "skipped", "atonement_kind", "retained", "satisfaction")
    list_select_related = ("done_by",)
    search_fields = ("note", "skip_reason", "customer_comment")
    search_help_text = "Search by complaint reference (C-000123) or by what was written."
    date_hierarchy = "done_at"
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecoveryAction]:
        return super().get_queryset(request).filter(complaint__in=selectors.complaints_visible_to(request.user))

    @admin.display(description="Atonement value", ordering="atonement_value")
    def atonement(self, obj: RecoveryAction) -> str:
        return format_money(obj.atonement_value)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[RecoveryAction], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return _search_by_reference(queryset, results, search_term, lookup="complaint_id"), may_have_duplicates

    @admin.display(description="complaint", ordering="complaint_id")
    def complaint_reference(self, action: RecoveryAction) -> str:
        return _complaint_reference(action)


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(
    SuperusersOnly[ComplaintEvent], NeverDeleted[ComplaintEvent], ReadOnly[ComplaintEvent], ComplaintEventAdminBase
):
    never_deleted_because = "Timeline events are not deleted: they are the complaint's audit trail."
    list_display = ("created_at", "complaint_reference", "kind", "actor", "stage_before", "stage_after", "details")
    list_filter = ("kind",)
    list_select_related = ("actor",)
    search_fields = ("payload",)
    search_help_text = "Search by complaint reference (C-000123) or by the event's details."
    date_hierarchy = "created_at"
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ComplaintEvent]:
        return super().get_queryset(request).filter(complaint__in=selectors.complaints_visible_to(request.user))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[ComplaintEvent], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return _search_by_reference(queryset, results, search_term, lookup="complaint_id"), may_have_duplicates

    @admin.display(description="complaint", ordering="complaint_id")
    def complaint_reference(self, event: ComplaintEvent) -> str:
        return _complaint_reference(event)

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        events = list(changelist.result_list)  # evaluated once; the page shows these same objects
        actions = timeline.actions_of(events)
        for event in events:
            setattr(event, _TIMELINE_LINE, timeline.describe(event, actions).as_line())
        return changelist

    @admin.display(description="details")
    def details(self, event: ComplaintEvent) -> str:
        """Return the event as the complaint page's timeline tells it."""
        line = getattr(event, _TIMELINE_LINE, None)
        return line if isinstance(line, str) else timeline.describe(event, timeline.actions_of([event])).as_line()
