"""Complaints in the admin: logged and corrected through the workflow, every workflow field read-only.

Adding a complaint calls `workflow.complaint_log`, changing one calls `workflow.complaint_edit` with
only the editable details; the workflow's refusals are shown next to the field they concern.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils import timezone

from accounts import roles
from common.admin import NeverDeleted, SuperusersOnly
from common.errors import DomainError
from common.people import display_name
from recovery import definitions, permissions, selectors, workflow
from recovery.admin.audit import ComplaintEventInline, RecoveryActionInline
from recovery.admin.base import _search_by_reference
from recovery.models import Category, Complaint

# Django's admin and form classes are generic only to the type checker.
if TYPE_CHECKING:
    ComplaintFormBase = forms.ModelForm[Complaint]
    ComplaintAdminBase = admin.ModelAdmin[Complaint]
else:
    ComplaintFormBase = forms.ModelForm
    ComplaintAdminBase = admin.ModelAdmin


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


class MineFilter(admin.SimpleListFilter):
    """Show only the complaints the user owns."""

    title = "owner"
    parameter_name = "mine"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Mine")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(owner=request.user) if self.value() == "yes" else queryset


class EscalatedFilter(admin.SimpleListFilter):
    """Escalated as the staff screens mean it (`recovery.definitions.escalated`)."""

    title = "escalated"
    parameter_name = "escalated"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        escalated = definitions.escalated(timezone.now())
        if self.value() == "yes":
            return queryset.filter(escalated)
        if self.value() == "no":
            return queryset.exclude(escalated)
        return queryset


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
                # The administrator is not a handler (roles.handlers), so never the owner by default. (The
                # column may be empty, for complaints in the inbox, but a complaint logged here has an owner.)
                owner.required = True
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
        return complaint.escalated_now
