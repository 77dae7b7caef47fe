"""Writes for the service policy: publishing a new version, and saying one has read it.

Keyword-only arguments, the acting user passed in, one transaction each; a refusal is a DomainError
with a message a person can read (and the form field it belongs to).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import roles
from common.errors import DomainError
from common.money import format_money
from common.validators import single_line, visible_or_empty
from policy import permissions
from policy.models import LIMIT_MAX, PolicyAcknowledgement, PolicyVersion

NOT_AN_AMOUNT = "Enter the empowerment limit as an amount, like 50 or 49.99."


def _text(value: Any, *, field: str, missing: str, one_line: bool = False) -> str:
    text = visible_or_empty(value)
    if not text:
        raise DomainError(missing, field=field)
    if one_line:
        try:
            single_line(text)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field=field) from None
    return text.replace("\r\n", "\n")


def _limit(value: Any) -> Decimal:
    if value in (None, ""):
        raise DomainError(
            "Enter the empowerment limit (0 if front-line staff may give nothing).", field="empowerment_limit"
        )
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(NOT_AN_AMOUNT, field="empowerment_limit") from None
    if not amount.is_finite():
        raise DomainError(NOT_AN_AMOUNT, field="empowerment_limit")
    if amount < 0:
        raise DomainError("The empowerment limit cannot be negative.", field="empowerment_limit")
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount > LIMIT_MAX:
        raise DomainError(
            f"The empowerment limit must be at most {format_money(LIMIT_MAX)}.", field="empowerment_limit"
        )
    return amount


@transaction.atomic
def policy_publish(
    *,
    user: Any,
    title: str,
    body: str,
    change_summary: str,
    empowerment_limit: Any,
    expected_current: int | None = None,
) -> PolicyVersion:
    """Publish a new version of the policy (managers only); every member of staff is then asked to read it.

    `expected_current` is the version number the manager's form was built from: if someone published
    another version meanwhile, the call is refused rather than silently replacing what they wrote.
    The publisher has read what they publish, so their acknowledgement is recorded with it.
    """
    if not permissions.can_publish(user):
        raise DomainError("Only a manager can publish a new version of the service policy.")
    version = PolicyVersion(
        title=_text(title, field="title", missing="Give the policy a title.", one_line=True),
        body=_text(body, field="body", missing="Write the policy: its text cannot be empty."),
        change_summary=_text(change_summary, field="change_summary", missing="Say in a line what changed."),
        empowerment_limit=_limit(empowerment_limit),
        published_by=user,
        published_at=timezone.now(),
    )
    # Lock the version in force, so two managers publishing at once are told rather than both numbered alike.
    latest = PolicyVersion.objects.select_for_update().order_by("-number").values_list("number", flat=True).first()
    latest = latest or 0
    if expected_current is not None and latest != expected_current:
        raise DomainError(
            f"Version {latest} was published while you were writing this one. "
            "Read it, then publish yours again if it still applies (what you typed is kept below)."
        )
    version.number = latest + 1
    try:
        version.full_clean(exclude=["published_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise DomainError.from_validation_error(exc) from None
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        raise DomainError(
            "Another manager published a version at the same moment. Read it, then publish yours again."
        ) from None
    if roles.can_work(user):
        PolicyAcknowledgement.objects.create(user=user, version=version, acknowledged_at=version.published_at)
    return version


@transaction.atomic
def policy_acknowledge(*, user: Any, version: PolicyVersion) -> PolicyAcknowledgement:
    """Record that the user has read `version`; saying it twice (a double click, two tabs) records it once."""
    if not roles.can_work(user):
        raise DomainError("Only staff who work with customers are asked to read the service policy.")
    acknowledgement, _ = PolicyAcknowledgement.objects.get_or_create(
        user=user, version=version, defaults={"acknowledged_at": timezone.now()}
    )
    return acknowledgement
