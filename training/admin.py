"""Training and coaching in the admin, for the administrator: read-only, because their pages keep the rules.

Managers write modules on the training pages, where an edit becomes a new version and a check is
validated before it is stored; assignments and attempts come from the services (due dates, one
attempt per form), and so do coaching reviews (a rating for each step done, one per manager and
complaint) and their replies. Here an administrator looks into all of it, and sends failed
training reminders and coaching emails again (`common.leases.send_again`). Nothing is deleted:
it is the training record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from common import leases
from common.admin import NeverDeleted, ReadOnly, ReadOnlyInline, SuperusersOnly, report_sent_again
from training.models import (
    Assignment,
    Attempt,
    CalibrationRequest,
    Choice,
    CoachingNotice,
    CoachingReply,
    CoachingReview,
    ModuleVersion,
    Question,
    Section,
    StepRating,
    TrainingModule,
    TrainingReminder,
)

# Django's admin classes are generic only to the type checker.
if TYPE_CHECKING:
    TrainingModuleAdminBase = admin.ModelAdmin[TrainingModule]
    ModuleVersionAdminBase = admin.ModelAdmin[ModuleVersion]
    QuestionAdminBase = admin.ModelAdmin[Question]
    AssignmentAdminBase = admin.ModelAdmin[Assignment]
    AttemptAdminBase = admin.ModelAdmin[Attempt]
    TrainingReminderAdminBase = admin.ModelAdmin[TrainingReminder]
    CoachingReviewAdminBase = admin.ModelAdmin[CoachingReview]
    CalibrationRequestAdminBase = admin.ModelAdmin[CalibrationRequest]
    CoachingNoticeAdminBase = admin.ModelAdmin[CoachingNotice]
else:
    TrainingModuleAdminBase = admin.ModelAdmin
    ModuleVersionAdminBase = admin.ModelAdmin
    QuestionAdminBase = admin.ModelAdmin
    AssignmentAdminBase = admin.ModelAdmin
    AttemptAdminBase = admin.ModelAdmin
    TrainingReminderAdminBase = admin.ModelAdmin
    CoachingReviewAdminBase = admin.ModelAdmin
    CalibrationRequestAdminBase = admin.ModelAdmin
    CoachingNoticeAdminBase = admin.ModelAdmin


def _send_again(model_admin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]) -> None:
    """The admin action: put the failed emails selected back in the queue, and say how many."""
    selected = queryset.count()
    count = leases.send_again(queryset, now=timezone.now())
    report_sent_again(model_admin, request, selected=selected, count=count, noun="email")


class VersionInline(ReadOnlyInline):
    model = ModuleVersion
    fields = ("number", "title", "required", "renewal_months", "pass_mark", "needs_retaking", "created_at")
    readonly_fields = fields
    show_change_link = True


class SectionInline(ReadOnlyInline):
    model = Section
    fields = ("order", "title", "body")
    readonly_fields = fields


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ("order", "text", "explanation")
    readonly_fields = fields
    show_change_link = True


class ChoiceInline(ReadOnlyInline):
    model = Choice
    fields = ("order", "text", "is_correct")
    readonly_fields = fields


@admin.register(TrainingModule)
class TrainingModuleAdmin(
    SuperusersOnly[TrainingModule], NeverDeleted[TrainingModule], ReadOnly[TrainingModule], TrainingModuleAdminBase
):
    never_deleted_because = (
        "Training modules are not deleted: results are kept against the versions people took. "
        "Managers edit modules on the training pages."
    )
    list_display = ("title", "slug", "required", "archived", "created_at")
    list_filter = ("archived",)
    list_select_related = ("current_version",)
    search_fields = ("slug", "versions__title")
    inlines = [VersionInline]

    @admin.display(description="title", ordering="current_version__title")
    def title(self, module: TrainingModule) -> str:
        return module.current_version.title if module.current_version else module.slug

    @admin.display(description="required", boolean=True)
    def required(self, module: TrainingModule) -> bool:
        return bool(module.current_version and module.current_version.required)


@admin.register(ModuleVersion)
class ModuleVersionAdmin(
    SuperusersOnly[ModuleVersion], NeverDeleted[ModuleVersion], ReadOnly[ModuleVersion], ModuleVersionAdminBase
):
    never_deleted_because = "Module versions are not deleted: each attempt is kept against the version taken."
    list_display = ("title", "number", "module", "audience", "required", "pass_mark", "needs_retaking", "created_at")
    list_filter = ("audience", "required", "needs_retaking")
    list_select_related = ("module",)
    search_fields = ("title", "summary", "module__slug")
    inlines = [SectionInline, QuestionInline]


@admin.register(Question)
class QuestionAdmin(SuperusersOnly[Question], NeverDeleted[Question], ReadOnly[Question], QuestionAdminBase):
    never_deleted_because = "Questions are not deleted: attempts record the answers given to them."
    list_display = ("text", "version", "order")
    list_select_related = ("version",)
    search_fields = ("text",)
    inlines = [ChoiceInline]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # reached from a version's page, not listed on its own


@admin.register(Assignment)
class AssignmentAdmin(SuperusersOnly[Assignment], NeverDeleted[Assignment], ReadOnly[Assignment], AssignmentAdminBase):
    never_deleted_because = "Assignments are not deleted: they record who had to pass what, by when."
    list_display = ("user", "module", "due_on", "reason", "assigned_by", "assigned_at", "closed_at")
    list_filter = ("reason", ("closed_at", admin.EmptyFieldListFilter), "module")
    list_select_related = ("user", "module", "assigned_by")
    search_fields = ("user__username", "user__first_name", "user__last_name", "module__slug")
    date_hierarchy = "due_on"
    show_full_result_count = False


@admin.register(Attempt)
class AttemptAdmin(SuperusersOnly[Attempt], NeverDeleted[Attempt], ReadOnly[Attempt], AttemptAdminBase):
    never_deleted_because = "Attempts are not deleted: every answer given is part of the training record."
    list_display = ("user", "version", "score", "passed", "submitted_at")
    list_filter = ("passed",)
    list_select_related = ("user", "version")
    search_fields = ("user__username", "user__first_name", "user__last_name", "version__title")
    date_hierarchy = "submitted_at"
    show_full_result_count = False


@admin.register(TrainingReminder)
class TrainingReminderAdmin(
    SuperusersOnly[TrainingReminder],
    NeverDeleted[TrainingReminder],
    ReadOnly[TrainingReminder],
    TrainingReminderAdminBase,
):
    """Every training email owed or sent: to whom, when, and why one failed; failed ones can be sent again."""

    never_deleted_because = (
        "Training reminders are not deleted: they record which emails CareDesk owed and sent. "
        "One that no longer applies (the module was passed) is cancelled."
    )
    list_display = ("due_at", "kind", "recipient", "assignment", "status", "attempts", "sent_at", "error")
    list_filter = ("status", "kind")
    list_select_related = ("recipient", "assignment__module", "assignment__user")
    search_fields = ("recipient__username", "recipient__email", "last_error")
    date_hierarchy = "due_at"
    show_full_result_count = False
    actions = ["send_again"]

    @admin.display(description="last error")
    def error(self, reminder: TrainingReminder) -> str:
        return reminder.last_error[:120]

    @admin.action(description="Send the selected failed reminders again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _send_again(self, request, queryset)


class StepRatingInline(ReadOnlyInline):
    model = StepRating
    fields = ("step", "rating", "comment")
    readonly_fields = fields


class CoachingReplyInline(ReadOnlyInline):
    model = CoachingReply
    fields = ("author", "stance", "text", "created_at")
    readonly_fields = fields


@admin.register(CoachingReview)
class CoachingReviewAdmin(
    SuperusersOnly[CoachingReview], NeverDeleted[CoachingReview], ReadOnly[CoachingReview], CoachingReviewAdminBase
):
    never_deleted_because = "Coaching reviews are not deleted: with their replies, they are the coaching record."
    list_display = ("created_at", "complaint", "handler", "reviewer", "round")
    list_select_related = ("complaint", "handler", "reviewer")
    search_fields = ("handler__username", "reviewer__username", "overall", "next_time")
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [StepRatingInline, CoachingReplyInline]


@admin.register(CalibrationRequest)
class CalibrationRequestAdmin(
    SuperusersOnly[CalibrationRequest],
    NeverDeleted[CalibrationRequest],
    ReadOnly[CalibrationRequest],
    CalibrationRequestAdminBase,
):
    never_deleted_because = "Calibration requests are not deleted: they say who was asked to review blind."
    list_display = ("created_at", "complaint", "requested_by", "asked")
    list_select_related = ("complaint", "requested_by", "asked")
    date_hierarchy = "created_at"


@admin.register(CoachingNotice)
class CoachingNoticeAdmin(
    SuperusersOnly[CoachingNotice], NeverDeleted[CoachingNotice], ReadOnly[CoachingNotice], CoachingNoticeAdminBase
):
    """Every coaching email owed or sent; failed ones can be sent again."""

    never_deleted_because = "Coaching emails are not deleted: they record what CareDesk owed and sent."
    list_display = ("due_at", "kind", "recipient", "status", "attempts", "sent_at", "error")
    list_filter = ("status", "kind")
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "recipient__email", "last_error")
    date_hierarchy = "due_at"
    show_full_result_count = False
    actions = ["send_again"]

    @admin.display(description="last error")
    def error(self, notice: CoachingNotice) -> str:
        return notice.last_error[:120]

    @admin.action(description="Send the selected failed emails again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _send_again(self, request, queryset)
