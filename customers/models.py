"""Customers and the organisations some of them belong to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Upper

from common.phones import phone_key
from common.validators import no_control_characters


class CustomerGroup(models.TextChoices):
    """The five groups every customer belongs to; only employees are internal."""

    END_USER = "end_user", "End-user"
    PROSPECT = "prospect", "Prospect"
    DISTRIBUTOR = "distributor", "Distributor"
    SUPPLIER = "supplier", "Supplier"
    EMPLOYEE = "employee", "Employee"


GROUP_HELP = {
    CustomerGroup.END_USER: "Uses our products or services today.",
    CustomerGroup.PROSPECT: "May buy tomorrow; treat them as a customer already.",
    CustomerGroup.DISTRIBUTOR: "Buys from us or sells on our behalf.",
    CustomerGroup.SUPPLIER: "Sells to us; we are their customer and they are ours.",
    CustomerGroup.EMPLOYEE: "A colleague: the internal customer. Their complaints are confidential.",
}


class Organization(models.Model):
    """A company a customer belongs to: typically a distributor or a supplier."""

    name = models.CharField(max_length=200, validators=[no_control_characters])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Upper("name"), name="organization_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """Anyone we deal with in the course of our job."""

    name = models.CharField(max_length=200, validators=[no_control_characters])
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True, validators=[no_control_characters])
    phone_normalized = models.CharField(
        max_length=40,
        blank=True,
        editable=False,
        help_text="The phone number in international form (+447700900348), else its digits; kept by save().",
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="customers"
    )
    group = models.CharField(max_length=20, choices=CustomerGroup.choices)
    consents_to_contact = models.BooleanField(
        "consents to follow-up contact",
        default=False,
        help_text="The customer agreed to be contacted about this and later complaints.",
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For employees: the colleague's own CareDesk account.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a manager erased this customer's personal data (customers.personal_data); empty until then.",
    )

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["name"], name="customer_name_idx"),
            models.Index(fields=["email"], name="customer_email_idx"),
            models.Index(fields=["phone_normalized"], name="customer_phone_normalized_idx"),
            models.Index(fields=["group"], name="customer_group_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group__in=CustomerGroup.values),
                name="customer_group_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(staff_user__isnull=True) | models.Q(group=CustomerGroup.EMPLOYEE),
                name="customer_staff_user_only_for_employees",
                violation_error_message="Only an employee can be linked to a staff account.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The normalised number follows the typed one on every save (services, admin, fixtures alike), so
        # search and the duplicate check never see a stale one. National numbers are read in PHONE_REGION.
        self.phone_normalized = phone_key(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_normalized"}
        super().save(*args, **kwargs)

    @property
    def is_internal(self) -> bool:
        """Return True for employees, the internal customers."""
        return self.group == CustomerGroup.EMPLOYEE

    @property
    def is_erased(self) -> bool:
        """Return True once the customer's personal data has been erased (for good)."""
        return self.erased_at is not None


ERASURE_REASON_MAX = 1_000


class DataRequestKind(models.TextChoices):
    """What a manager did with a customer's personal data."""

    EXPORTED = "exported", "Exported"
    ERASED = "erased", "Erased"


class PersonalDataRecord(models.Model):
    """A manager exported or erased a customer's personal data: who, when and why, never the data itself.

    Written by `customers.personal_data` in the transaction that does the work; shown on the customer page.
    An erasure has a reason and happens once per customer (database rules).
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="data_records")
    kind = models.CharField(max_length=10, choices=DataRequestKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    reason = models.TextField(blank=True, validators=[MaxLengthValidator(ERASURE_REASON_MAX), no_control_characters])
    complaints = models.PositiveIntegerField(default=0, help_text="How many complaints the export or erasure covered.")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DataRequestKind.values), name="data_record_kind_valid"),
            models.CheckConstraint(
                condition=~models.Q(kind=DataRequestKind.ERASED) | ~models.Q(reason=""),
                name="data_record_erasure_has_reason",
            ),
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(kind="erased"), name="data_record_one_erasure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} customer {self.customer_id} on {self.created_at:%Y-%m-%d %H:%M}"
