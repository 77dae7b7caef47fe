"""Reads of the service policy: the current version, its empowerment limit, and who has read what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from accounts import roles
from policy.models import PolicyAcknowledgement, PolicyVersion


@dataclass(frozen=True)
class EmpowermentLimit:
    """The atonement value a front-line person may give on their own, and the version that sets it."""

    amount: Decimal
    version: int


@dataclass(frozen=True)
class Reader:
    """Someone who said they have read a version, and when."""

    user: Any
    acknowledged_at: datetime
    still_staff: bool


@dataclass(frozen=True)
class Acknowledgements:
    """Who has read one version (with the time), and which active staff have not yet."""

    version: PolicyVersion
    have: list[Reader]
    have_not: list[Any]


def current_policy() -> PolicyVersion | None:
    """Return the version in force (the latest published), or None before any was published."""
    return PolicyVersion.objects.select_related("published_by").order_by("-number").first()


def get_version(number: int) -> PolicyVersion:
    """Return version `number`, or 404."""
    return get_object_or_404(PolicyVersion.objects.select_related("published_by"), number=number)


def versions() -> QuerySet[PolicyVersion]:
    """Return every version, newest first, with who published it and how many have read it."""
    return (
        PolicyVersion.objects.select_related("published_by")
        .annotate(acknowledgement_count=Count("acknowledgements"))
        .order_by("-number")
    )


def current_limit() -> EmpowermentLimit | None:
    """Return the empowerment limit in force with its version; None before any version was published.

    A new installation has version 1 (data migration 0002), so None happens only in a database emptied
    by hand (or by a test): then no limit is set, and nothing is refused for being above it.
    """
    row = PolicyVersion.objects.order_by("-number").values_list("empowerment_limit", "number").first()
    return EmpowermentLimit(amount=row[0], version=row[1]) if row is not None else None


def empowerment_limit() -> Decimal | None:
    """Return the atonement value a front-line person may give on their own (None: no policy yet)."""
    limit = current_limit()
    return limit.amount if limit is not None else None


def acknowledgement_of(user: Any, version: PolicyVersion) -> PolicyAcknowledgement | None:
    """Return the user's acknowledgement of `version`, if they gave one."""
    if not user.is_authenticated:
        return None
    return PolicyAcknowledgement.objects.filter(user=user, version=version).first()


def needs_acknowledgement(user: Any) -> PolicyVersion | None:
    """Return the current version when this member of staff has not said they have read it; else None.

    One query (none for someone who is not staff): the banner on every page asks it.
    """
    if not roles.can_work(user):
        return None
    current = (
        PolicyVersion.objects.order_by("-number")
        .annotate(read=Exists(PolicyAcknowledgement.objects.filter(version=OuterRef("pk"), user=user)))
        .only("pk", "number", "title")
        .first()
    )
    if current is None or current.read:
        return None
    return current


def acknowledgements_for(version: PolicyVersion) -> Acknowledgements:
    """Return who has read `version` (earliest first) and the active staff who have not, by name. Two queries."""
    staff = list(roles.handlers())
    staff_ids = {person.pk for person in staff}
    rows = PolicyAcknowledgement.objects.filter(version=version).select_related("user").order_by("acknowledged_at")
    have = [Reader(row.user, row.acknowledged_at, row.user_id in staff_ids) for row in rows]
    read_ids = {reader.user.pk for reader in have}
    return Acknowledgements(
        version=version, have=have, have_not=[person for person in staff if person.pk not in read_ids]
    )
