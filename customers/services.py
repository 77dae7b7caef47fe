"""Writes for customers and organisations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common.errors import DomainError
from common.phones import is_international, phone_key
from common.validators import single_line, visible_or_empty
from customers import permissions
from customers.models import Customer, CustomerGroup, Organization

EDITABLE_FIELDS = ("name", "email", "phone", "organization", "group", "consents_to_contact", "staff_user")


def _strip(value: Any) -> Any:
    """Return text stripped, and "" when nothing in it is visible (spaces, zero-width characters)."""
    return visible_or_empty(value) if isinstance(value, str) else value


def _one_line(value: str, field: str) -> None:
    try:
        single_line(value)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field=field) from None


def _email(value: Any) -> Any:
    """Return the address stripped and in lower case; no address at all is an empty one."""
    value = _strip(value)
    if value is None:
        return ""
    return value.lower() if isinstance(value, str) else value


def _require(allowed: bool, action: str) -> None:
    if not allowed:
        raise DomainError(f"You do not have permission to {action}.")


def _validate(customer: Customer) -> None:
    if not customer.name:
        raise DomainError("Enter the customer's name.", field="name")
    if customer.group not in CustomerGroup.values:
        raise DomainError("Choose one of the five customer groups.", field="group")
    for field in ("name", "phone"):
        _one_line(getattr(customer, field), field)
    try:
        customer.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        raise DomainError.from_validation_error(exc) from None


class DuplicateCustomerError(DomainError):
    """Someone with this email address or phone number is already a customer: `existing` is who."""

    def __init__(self, message: str, *, field: str, existing: Customer) -> None:
        super().__init__(message, field=field)
        self.existing = existing


def _refuse_duplicate(customer: Customer) -> None:
    """Raise DuplicateCustomerError when another customer has the same email address or phone number.

    Phone numbers are compared in their normalised form, so 07700 900348 and +44 7700 900348 are one
    number; only whole numbers count (not extensions or fragments, which colleagues share).
    """
    others = Customer.objects.exclude(pk=customer.pk).order_by("pk")
    if customer.email:
        existing = others.filter(email=customer.email).first()
        if existing is not None:
            raise DuplicateCustomerError(
                f"{existing.name} already has this email address.", field="email", existing=existing
            )
    number = phone_key(customer.phone)
    if is_international(number):
        existing = others.filter(phone_normalized=number).first()
        if existing is not None:
            raise DuplicateCustomerError(
                f"{existing.name} already has this phone number.", field="phone", existing=existing
            )


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
    allow_duplicate: bool = False,
) -> Customer:
    """Create a customer after validating every field; store nothing on error.

    Someone whose email address or phone number is already on file is refused with
    DuplicateCustomerError (naming that customer) unless `allow_duplicate` says they are a
    different person (a family's shared address, a switchboard number).
    """
    _require(permissions.can_add(user), "add customers")
    customer = Customer(
        name=_strip(name),
        email=_email(email),
        phone=_strip(phone),
        organization=organization,
        group=group,
        consents_to_contact=consents_to_contact,
        staff_user=staff_user,
        created_by=user,
    )
    _validate(customer)
    if not allow_duplicate:
        _refuse_duplicate(customer)
    customer.save()
    return customer


def lock_customer(customer: Customer) -> Customer:
    """Return the customer's row locked for this transaction, as it is now; refused if it is gone."""
    try:
        return Customer.objects.select_for_update().get(pk=customer.pk)
    except Customer.DoesNotExist:
        raise DomainError("This customer no longer exists.") from None


@transaction.atomic
def customer_update(*, customer: Customer, user: Any, **changes: Any) -> Customer:
    """Change a customer's details; only the fields in EDITABLE_FIELDS may change."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"These customer fields cannot be changed: {', '.join(sorted(unknown))}.")
    _require(permissions.can_change(user), "change customers")
    locked = lock_customer(customer)
    if locked.is_erased:
        # An erasure is for good: putting details back would undo it.
        raise DomainError("This customer's personal data was erased; their record can no longer be changed.")
    was_internal, old_staff_user_id = locked.is_internal, locked.staff_user_id
    for field, value in changes.items():
        setattr(locked, field, _email(value) if field == "email" else _strip(value))
    _validate(locked)
    confidentiality_changed = locked.is_internal != was_internal or locked.staff_user_id != old_staff_user_id
    if confidentiality_changed and not permissions.can_change_confidentiality(user):
        # Moving a customer into or out of the employee group changes who may read their
        # complaints (employees' are confidential), so it is a manager's decision.
        field = "group" if locked.is_internal != was_internal else "staff_user"
        raise DomainError(
            "Only a manager can change whether a customer is an employee or their staff account.", field=field
        )
    locked.save()
    return locked


@transaction.atomic
def organization_get_or_create(*, name: str) -> Organization:
    """Return the organisation with this name (any case), creating it when new."""
    clean_name = _strip(name)
    if not clean_name:
        raise DomainError("Enter the organisation's name.", field="organization")
    _one_line(clean_name, "organization")
    organization = Organization(name=clean_name)
    try:
        # Validate before looking the name up: PostgreSQL refuses a NUL even in a query.
        organization.full_clean(validate_constraints=False)
    except ValidationError as exc:
        # The form field is the organisation; its model field is `name`.
        raise DomainError(" ".join(exc.messages), field="organization") from None
    existing = Organization.objects.filter(name__iexact=clean_name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError:
        # Someone added the same name (in any case) between our look-up and our insert: use theirs.
        return Organization.objects.get(name__iexact=clean_name)
    return organization


@transaction.atomic
def customer_for_self_service(
    *, name: str, group: str, email: str = "", phone: str = "", consents_to_contact: bool = False
) -> Customer:
    """Return the customer a complaint filed without staff (the public form, an email) belongs to.

    Someone whose email address is on file is that customer; anyone else becomes a new one. What the
    sender says never changes a customer on file, except that consent given now is recorded (it is only
    ever given here, never withdrawn). Confidentiality wins: a sender who says they work here is never
    matched to a customer on file who is not an employee (their complaint stays confidential as a new
    employee customer), and a customer on file as an employee stays one. The caller never learns
    whether a customer was found, so the public form cannot be used to test addresses.
    """
    address = _email(email)
    if group not in CustomerGroup.values:
        raise DomainError("Choose which kind of customer you are.", field="group")
    existing = None
    if address:
        existing = (
            Customer.objects.select_for_update().filter(email=address, erased_at__isnull=True).order_by("pk").first()
        )
    if existing is not None and (group != CustomerGroup.EMPLOYEE or existing.group == CustomerGroup.EMPLOYEE):
        if consents_to_contact and not existing.consents_to_contact:
            existing.consents_to_contact = True
            existing.save(update_fields=["consents_to_contact"])
        return existing
    customer = Customer(
        name=_strip(name),
        email=address,
        phone=_strip(phone),
        group=group,
        consents_to_contact=consents_to_contact,
        created_by=None,
    )
    _validate(customer)
    customer.save()
    return customer
