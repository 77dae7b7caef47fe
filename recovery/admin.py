"""The admin for complaints and everything recorded about them: for the administrator, not for staff.

Managers keep the reference data here (categories; recovery policies' targets). Everything else is
`SuperusersOnly`: complaints, their recorded steps and timeline events, and what CareDesk sends
(reminders and notices, surveys, managers' digests) are where an administrator looks into and
corrects the record; staff work on the screens. The staff accounts' page is `recovery/staff_admin.py`.

The admin never changes a complaint's workflow state itself. Adding a complaint calls
`workflow.complaint_log`, changing one calls `workflow.complaint_edit` with only the editable
details, and every workflow field (stage, due time, round, escalation, outcome …) is read-only; the
workflow's refusals are shown next to the field they concern. Events and recorded steps are told in
the complaint page's words (`recovery.timeline`). Failed reminders can be sent again (an action that
re-queues them through `recovery.reminders`); nothing here is deleted: it is the audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.validators import MinValueValidator
from django.db.models import ForeignKey, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from accounts import roles
from common.admin import NeverDeleted, SuperusersOnly
from common.errors import DomainError
from common.money import format_money
from common.people import display_name
from recovery import permissions, reminders, selectors, timeline, workflow
from recovery import staff_admin as staff_admin  # registers the staff accounts' page
from recovery.models import (
    AT_LEAST_ONE,
    POLICY_CHANGE_RULE,
    STEP_ORDER_RULE,
    Category,
    Complaint,
    ComplaintEvent,
    ManagerDigest,
    RecoveryAction,
    RecoveryPolicy,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Survey,
    format_reference,
    parse_reference,
)

# Django's admin and form classes are generic only to the type checker.
if TYPE_CHECKING:
    ComplaintFormBase = forms.ModelForm[Complaint]
    RecoveryPolicyFormBase = forms.ModelForm[RecoveryPolicy]
    CategoryAdminBase = admin.ModelAdmin[Category]
    RecoveryPolicyAdminBase = admin.ModelAdmin[RecoveryPolicy]
    ComplaintAdminBase = admin.ModelAdmin[Complaint]
    RecoveryActionAdminBase = admin.ModelAdmin[RecoveryAction]
    ComplaintEventAdminBase = admin.ModelAdmin[ComplaintEvent]
    ReminderAdminBase = admin.ModelAdmin[Reminder]
    SurveyAdminBase = admin.ModelAdmin[Survey]
    ManagerDigestAdminBase = admin.ModelAdmin[ManagerDigest]
    ReadOnlyInlineBase = admin.TabularInline[Any, Complaint]
else:
    ComplaintFormBase = forms.ModelForm
    RecoveryPolicyFormBase = forms.ModelForm
    CategoryAdminBase = admin.ModelAdmin
    RecoveryPolicyAdminBase = admin.ModelAdmin
    ComplaintAdminBase = admin.ModelAdmin
    RecoveryActionAdminBase = admin.ModelAdmin
    ComplaintEventAdminBase = admin.ModelAdmin
    ReminderAdminBase = admin.ModelAdmin
    SurveyAdminBase = admin.ModelAdmin
    ManagerDigestAdminBase = admin.ModelAdmin
    ReadOnlyInlineBase = admin.TabularInline


# What a person types when logging a complaint; the workflow fills in the rest.
LOG_FIELDS = (
    "customer",
    "channel",
    "category",
    "severity",
    "summary",
    "description",
    "desired_remedy",
    "received_at",
    "owner",
)
# Everything the workflow owns: shown, never edited here.
WORKFLOW_FIELDS = (
    "reference_display",
    "customer",
    "received_at",
    "logged_by",
    "owner",
    "stage",
    "step_due_at",
    "round",
    "round_started_at",
    "round_first_step",
    "escalated_to",
    "escalated_at",
    "escalation_reason",
    "outcome",
    "satisfaction",
    "closed_at",
    "version",
    "created_at",
    "updated_at",
)


def _complaint_reference(obj: RecoveryAction | ComplaintEvent | Reminder | Survey) -> str:
    # The reference comes from the key alone, so no join is needed to show it.
    return format_reference(obj.complaint_id)


def _search_by_reference(
    queryset: QuerySet[Any], results: QuerySet[Any], search_term: str, *, lookup: str
) -> QuerySet[Any]:
    """Add the complaint whose reference ("C-000123", "c123", "123") is the search term."""
    pk = parse_reference(search_term)
    return results | queryset.filter(**{lookup: pk}) if pk is not None else results


class MineFilter(admin.SimpleListFilter):
    """Show only the complaints the user owns."""

    title = "owner"
    parameter_name = "mine"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Mine")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(owner=request.user) if self.value() == "yes" else queryset


class EscalatedFilter(admin.SimpleListFilter):
    title = "escalated"
    parameter_name = "escalated"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(escalated_at__isnull=self.value() == "no")
        return queryset


# --- categories and policies ------------------------------------------------------------------


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


# --- complaints ------------------------------------------------------------------------------------


class ComplaintAdminForm(ComplaintFormBase):
    """Validate like any model form, then log or edit the complaint through the workflow.

    The workflow call is the last step of validation, so that its refusals
    (a stale version, a colleague's own complaint, an inactive category …) can
    be shown next to their field; the workflow stores nothing when it refuses.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set per request by ComplaintAdmin.get_form (each call builds a new form class).
    acting_user: Any = None

    class Meta:
        model = Complaint
        fields = (*LOG_FIELDS, *workflow.EDITABLE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "expected_version" in self.fields:
            self.fields["expected_version"].initial = self.instance.version
        owner = self.fields.get("owner")
        if isinstance(owner, ModelChoiceField):
            owner.label_from_instance = display_name  # type: ignore[assignment]
            if owner.queryset is not None and owner.queryset.filter(pk=self.acting_user.pk).exists():
                owner.required = False
                owner.help_text = "Who handles it; leave empty to handle it yourself."
            else:
                # The administrator is not a handler (roles.handlers), so never the owner by default.
                owner.help_text = "Who handles it."
                owner.error_messages["required"] = "Choose who handles it."
        category = self.fields.get("category")
        if isinstance(category, ModelChoiceField):
            # Inactive categories are not offered, but a complaint keeps the one it has.
            category.queryset = Category.objects.filter(Q(is_active=True) | Q(pk=self.instance.category_id))
        if "received_at" in self.fields:
            self.fields["received_at"].required = False
            self.fields["received_at"].help_text = "Leave empty for now."

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self.errors or not hasattr(self, "cleaned_data"):
            return
        try:
            self.instance = self._log() if self.instance.pk is None else self._edit()
        except workflow.StaleComplaintError as exc:
            self.add_error(None, exc.message)
            self._accept_current_version()
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)

    def _log(self) -> Complaint:
        data = self.cleaned_data
        return workflow.complaint_log(
            user=self.acting_user,
            customer=data["customer"],
            channel=data["channel"],
            category=data["category"],
            severity=data["severity"],
            summary=data["summary"],
            description=data.get("description", ""),
            desired_remedy=data.get("desired_remedy", ""),
            received_at=data.get("received_at"),
            owner=data.get("owner"),
        )

    def _edit(self) -> Complaint:
        changes = {name: self.cleaned_data[name] for name in self.changed_data if name in workflow.EDITABLE_FIELDS}
        if not changes:
            return self.instance
        return workflow.complaint_edit(
            complaint=self.instance,
            user=self.acting_user,
            expected_version=self.cleaned_data.get("expected_version"),
            **changes,
        )

    def _accept_current_version(self) -> None:
        """Let the next submit go through: the person has now seen the latest state."""
        current = Complaint.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        # The change form has no multi-valued fields, so a plain dict keeps everything that was typed.
        self.data = {**self.data, self.add_prefix("expected_version"): str(current)}

    def save(self, commit: bool = True) -> Complaint:
        """Return the complaint the workflow stored while validating."""
        return self.instance

    def save_m2m(self) -> None:
        """Do nothing: complaints have no many-to-many fields."""


class ReadOnlyInline(ReadOnlyInlineBase):
    """An inline that only shows rows: the audit trail is never added to, changed or deleted here."""

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


@admin.register(Complaint)
class ComplaintAdmin(SuperusersOnly[Complaint], NeverDeleted[Complaint], ComplaintAdminBase):
    form = ComplaintAdminForm
    list_display = (
        "reference_display",
        "summary",
        "customer",
        "customer_group",
        "category",
        "severity",
        "stage",
        "step_due_at",
        "owner",
        "received_at",
        "is_escalated",
    )
    list_display_links = ("reference_display", "summary")
    list_filter = (
        MineFilter,
        "stage",
        "severity",
        "channel",
        "category",
        "customer__group",
        EscalatedFilter,
        "outcome",
    )
    list_select_related = ("customer", "category", "owner")
    search_fields = ("summary", "customer__name", "customer__email")
    search_help_text = "Search by reference (C-000123), summary, or the customer's name or e-mail."
    date_hierarchy = "received_at"
    autocomplete_fields = ("customer",)
    # Counting every match is slow on a big table; the admin then says "Show all" instead.
    show_full_result_count = False
    # "View on site" opens the complaint page (Complaint.get_absolute_url), where staff work on it.
    inlines = (RecoveryActionInline, ComplaintEventInline)
    never_deleted_because = (
        "Complaints are not deleted: with their steps and timeline they are the record of how each "
        "customer was treated, and the reports count them."
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        queryset = selectors.complaints_visible_to(request.user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Complaint], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return _search_by_reference(queryset, results, search_term, lookup="pk"), may_have_duplicates

    def get_fieldsets(self, request: HttpRequest, obj: Complaint | None = None) -> Any:
        if obj is None:
            return (
                (None, {"fields": ("customer", ("channel", "category", "severity"), "summary", "description")}),
                (None, {"fields": ("desired_remedy", ("received_at", "owner"))}),
            )
        details: tuple[Any, ...] = (
            "reference_display",
            "customer",
            ("channel", "category", "severity"),
            "summary",
            "description",
            "desired_remedy",
        )
        if self.has_change_permission(request, obj):
            details = (*details, "expected_version")
        return (
            (None, {"fields": details}),
            (
                "Recovery",
                {"fields": (("stage", "step_due_at"), ("round", "round_started_at", "round_first_step"))},
            ),
            ("People", {"fields": (("owner", "logged_by", "received_at"),)}),
            ("Escalation", {"fields": (("escalated_to", "escalated_at"), "escalation_reason")}),
            ("Outcome", {"fields": (("outcome", "satisfaction", "closed_at"), "root_cause", "corrective_action")}),
            ("Record", {"classes": ("collapse",), "fields": (("version", "created_at", "updated_at"),)}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Complaint | None = None) -> tuple[str, ...]:
        return () if obj is None else WORKFLOW_FIELDS

    def get_inlines(self, request: HttpRequest, obj: Complaint | None) -> Any:
        # Read-only rows have nothing to submit. Leaving them out of a POST means a
        # missing or tampered management form can never fail the request after the
        # workflow has written (it writes while the form is validated).
        if obj is None or obj.pk is None or request.method == "POST":
            return ()
        return self.inlines

    def get_form(
        self, request: HttpRequest, obj: Complaint | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Complaint]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, ComplaintAdminForm):
            form.acting_user = request.user
        return form

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "owner":
            kwargs["queryset"] = roles.handlers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, str | list[str]]:
        initial = super().get_changeform_initial_data(request)
        if roles.handlers().filter(pk=request.user.pk).exists():
            initial["owner"] = str(request.user.pk)
        return initial

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and roles.can_work(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Complaint | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_handle(request.user, obj)

    def save_model(self, request: HttpRequest, obj: Complaint, form: Any, change: Any) -> None:
        """Do nothing: the form's workflow call has already stored the complaint and its event."""

    @admin.display(description="reference", ordering="pk")
    def reference_display(self, complaint: Complaint) -> str:
        return complaint.reference

    @admin.display(description="group", ordering="customer__group")
    def customer_group(self, complaint: Complaint) -> str:
        return complaint.customer.get_group_display()

    @admin.display(description="escalated", boolean=True, ordering="escalated_at")
    def is_escalated(self, complaint: Complaint) -> bool:
        return complaint.is_escalated


# --- the audit trail: read-only ---------------------------------------------------------------------


class ReadOnlyAdminMixin:
    """Rows only the workflow writes: viewable, never added or changed here (and NeverDeleted)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RecoveryAction)
class RecoveryActionAdmin(
    SuperusersOnly[RecoveryAction], NeverDeleted[RecoveryAction], ReadOnlyAdminMixin, RecoveryActionAdminBase
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
    SuperusersOnly[ComplaintEvent], NeverDeleted[ComplaintEvent], ReadOnlyAdminMixin, ComplaintEventAdminBase
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


# --- the emails CareDesk owes: read-only, with one operator action -------------------------------------


@admin.register(Reminder)
class ReminderAdmin(SuperusersOnly[Reminder], NeverDeleted[Reminder], ReadOnlyAdminMixin, ReminderAdminBase):
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
        skipped = len(ids) - count
        self.message_user(
            request,
            f"{count} reminder(s) will be sent within a minute."
            + (f" {skipped} were skipped: only failed reminders can be sent again." if skipped else ""),
        )

    def has_send_again_permission(self, request: HttpRequest) -> bool:
        return roles.is_manager(request.user)


@admin.register(Survey)
class SurveyAdmin(SuperusersOnly[Survey], NeverDeleted[Survey], ReadOnlyAdminMixin, SurveyAdminBase):
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
    SuperusersOnly[ManagerDigest], NeverDeleted[ManagerDigest], ReadOnlyAdminMixin, ManagerDigestAdminBase
):
    never_deleted_because = "Digests are not deleted: they record what each manager was sent."
    list_display = ("day", "recipient", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status",)
    list_select_related = ("recipient",)
    date_hierarchy = "day"
    show_full_result_count = False
