"""Admin for customers and organisations: administrators only (staff use the customer screens).

Customers are added and changed through `customers.services`, as everywhere
else, so the admin cannot store a customer the services would refuse; a
refusal is shown next to the field it is about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from common.admin import NeverDeleted, ReadOnly, SuperusersOnly
from common.errors import DomainError
from customers.models import Customer, Organization, PersonalDataRecord
from customers.services import EDITABLE_FIELDS, customer_create, customer_update

# Django's admin and form classes are generic only to the type checker.
if TYPE_CHECKING:
    CustomerFormBase = forms.ModelForm[Customer]
    OrganizationAdminBase = admin.ModelAdmin[Organization]
    CustomerAdminBase = admin.ModelAdmin[Customer]
    PersonalDataRecordAdminBase = admin.ModelAdmin[PersonalDataRecord]
else:
    CustomerFormBase = forms.ModelForm
    OrganizationAdminBase = admin.ModelAdmin
    CustomerAdminBase = admin.ModelAdmin
    PersonalDataRecordAdminBase = admin.ModelAdmin


class CustomerAdminForm(CustomerFormBase):
    """Validate like any model form, then let the service write; its refusals become form errors.

    The write happens as the last step of validation, so a refusal can still be
    shown next to its field; the service stores nothing when it refuses.
    """

    # Set per request by CustomerAdmin.get_form (each call builds a new form class).
    acting_user: Any = None

    class Meta:
        model = Customer
        fields = EDITABLE_FIELDS

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self.errors or not hasattr(self, "cleaned_data"):
            return
        try:
            self.instance = self._write()
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)

    def _write(self) -> Customer:
        values = {name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data}
        if self.instance.pk is None:
            return customer_create(user=self.acting_user, **values)
        changes = {name: values[name] for name in self.changed_data if name in values}
        if not changes:
            return self.instance
        return customer_update(customer=self.instance, user=self.acting_user, **changes)

    def save(self, commit: bool = True) -> Customer:
        """Return the customer the service stored while validating."""
        return self.instance

    def save_m2m(self) -> None:
        """Do nothing: customers have no many-to-many fields."""


@admin.register(Organization)
class OrganizationAdmin(SuperusersOnly[Organization], OrganizationAdminBase):
    list_display = ("name", "customer_count", "created_at")
    search_fields = ("name",)
    date_hierarchy = "created_at"
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return super().get_queryset(request).annotate(customer_count=Count("customers"))

    @admin.display(description="customers", ordering="customer_count")
    def customer_count(self, organization: Organization) -> int:
        return int(getattr(organization, "customer_count", 0))


@admin.register(Customer)
class CustomerAdmin(SuperusersOnly[Customer], NeverDeleted[Customer], CustomerAdminBase):
    form = CustomerAdminForm
    list_display = ("name", "group", "organization", "email", "phone", "consents_to_contact", "created_at", "erased_at")
    list_filter = ("group", "consents_to_contact", ("erased_at", admin.EmptyFieldListFilter))
    list_select_related = ("organization",)
    search_fields = ("name", "email", "phone", "organization__name")
    date_hierarchy = "created_at"
    autocomplete_fields = ("organization",)
    raw_id_fields = ("staff_user",)
    readonly_fields = ("created_at", "created_by", "erased_at")
    fieldsets = (
        (None, {"fields": ("name", "group", "organization", ("email", "phone"), "consents_to_contact")}),
        ("Employees", {"fields": ("staff_user",)}),
        ("Record", {"fields": (("created_at", "created_by"), "erased_at")}),
    )
    never_deleted_because = (
        "Customers are not deleted: their complaints are the record of how they were treated, and the reports "
        "count them. To remove a person's data, a manager erases it from the customer's page, which keeps the figures."
    )

    def get_fieldsets(self, request: HttpRequest, obj: Customer | None = None) -> Any:
        # Who created a customer, and when, is only known once it exists.
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else fieldsets[:-1]

    def get_form(
        self, request: HttpRequest, obj: Customer | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Customer]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, CustomerAdminForm):
            form.acting_user = request.user
        return form

    def save_model(self, request: HttpRequest, obj: Customer, form: Any, change: Any) -> None:
        """Do nothing: the form's call to the service has already stored the customer."""


@admin.register(PersonalDataRecord)
class PersonalDataRecordAdmin(
    SuperusersOnly[PersonalDataRecord],
    NeverDeleted[PersonalDataRecord],
    ReadOnly[PersonalDataRecord],
    PersonalDataRecordAdminBase,
):
    list_display = ("customer", "kind", "actor", "created_at", "complaints")
    list_filter = ("kind",)
    list_select_related = ("customer", "actor")
    date_hierarchy = "created_at"
    never_deleted_because = "Records of exports and erasures are kept: they show who did what with a person's data."
