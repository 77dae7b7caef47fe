"""The customer's status link: a signed, expiring token naming a `StatusLink` row, which can be revoked.

Made like the survey's link (`common.signed_links`, with its own salt, `STATUS_LINK_DAYS` to expire), so only
CareDesk can make one. Revoking the row makes every token for it stop working at once.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from common.errors import DomainError
from common.signed_links import LinkExpired, LinkInvalid, link_id, link_token
from common.urls import absolute_url
from intake.models import StatusLink
from recovery.models import Complaint

SALT = "caredesk.intake.status"


class LinkProblem(StrEnum):
    """Why a status link cannot be used; each has its own friendly page."""

    INVALID = "invalid"
    EXPIRED = "expired"
    REVOKED = "revoked"


class StatusLinkError(DomainError):
    def __init__(self, problem: LinkProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


def status_link_for(complaint: Complaint) -> StatusLink:
    """Return the complaint's status link in force, making one the first time it is needed."""
    link = StatusLink.objects.filter(complaint=complaint, revoked_at__isnull=True).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return StatusLink.objects.create(complaint=complaint)
    except IntegrityError:  # made by someone else a moment ago: one link in force per complaint
        return StatusLink.objects.get(complaint=complaint, revoked_at__isnull=True)


def status_token(link: StatusLink) -> str:
    return link_token(link.pk, salt=SALT)


def status_path(complaint: Complaint) -> str:
    """Return the path of the complaint's status page (for the page after the form)."""
    return reverse("status:status", args=[status_token(status_link_for(complaint))])


def status_url(complaint: Complaint) -> str:
    """Return the full address of the complaint's status page (for emails)."""
    return absolute_url("status:status", status_token(status_link_for(complaint)))


def open_status_link(token: str) -> StatusLink:
    """Return the link the token names, with its complaint and customer, or raise StatusLinkError saying why not."""
    try:
        pk = link_id(token, salt=SALT, max_age=timedelta(days=settings.STATUS_LINK_DAYS))
    except LinkExpired as exc:
        raise StatusLinkError(LinkProblem.EXPIRED, "This link has expired.") from exc
    except LinkInvalid as exc:
        raise StatusLinkError(LinkProblem.INVALID, "This link is not valid.") from exc
    link = StatusLink.objects.select_related("complaint__customer", "complaint__category").filter(pk=pk).first()
    # An erased customer's link leads nowhere, like the survey's.
    if link is None or link.complaint.customer.is_erased:
        raise StatusLinkError(LinkProblem.INVALID, "This link is not valid.")
    if link.revoked_at is not None:
        raise StatusLinkError(LinkProblem.REVOKED, "This link no longer works.")
    return link


@transaction.atomic
def status_link_revoke(*, complaint: Complaint, user: Any) -> int:
    """Stop the complaint's status link working (managers); the next email or request makes a new one."""
    if not roles.is_manager(user):
        raise DomainError("Only a manager can revoke a customer's status link.")
    return StatusLink.objects.filter(complaint=complaint, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user
    )
