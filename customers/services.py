"""Writes for customers and organisations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from common.errors import DomainError
from customers.models import Customer, CustomerGroup, Organization

EDITABLE_FIELDS = ("name", "email", "phone", "organization", "group", "consents_to_contact", "staff_user")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _validate(customer: Customer) -> None:
    if not customer.name:
        raise DomainError("Enter the customer's name.", field="name")
    if customer.group not in CustomerGroup.values:
        raise DomainError("Choose one of the five customer groups.", field="group")
    try:
        customer.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        raise DomainError.from_validation_error(exc) from None


@transaction.atomic
def customer_create(
    *,
    user: Any,
    name: str,
    group: str,
    email: str = "",
    phone: str = "",
    organization: Organization | None = None,
    consents_to_contact: bool = False,
    staff_user: Any = None,
) -> Customer:
    """Create a customer after validating every field; store nothing on error."""
    customer = Customer(
        name=_strip(name),
        email=_strip(email).lower(),
        phone=_strip(phone),
        organization=organization,
        group=group,
        consents_to_contact=consents_to_contact,
        staff_user=staff_user,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    _validate(customer)
    customer.save()
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, user: Any, **changes: Any) -> Customer:
    """Change a customer's details; only the fields in EDITABLE_FIELDS may change."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"These customer fields cannot be changed: {', '.join(sorted(unknown))}.")
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    for field, value in changes.items():
        if field == "email":
            value = _strip(value).lower()
        setattr(locked, field, _strip(value))
    _validate(locked)
    locked.save()
    return locked


@transaction.atomic
def organization_get_or_create(*, name: str) -> Organization:
    """Return the organisation with this name (any case), creating it when new."""
    clean_name = _strip(name)
    if not clean_name:
        raise DomainError("Enter the organisation's name.", field="organization")
    existing = Organization.objects.filter(name__iexact=clean_name).first()
    if existing is not None:
        return existing
    organization = Organization(name=clean_name)
    try:
        organization.full_clean()
    except ValidationError as exc:
        raise DomainError.from_validation_error(exc) from None
    organization.save()
    return organization
