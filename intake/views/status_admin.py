"""Managers stop a customer's status link working (forwarded to the wrong person, say).

The complaint page shows managers a "Customer's status link" section (registered with
`recovery.page_links` from `IntakeConfig.ready`; recovery imports no intake), leading to a small page that
says whether a link is in force and revokes it with a POST. Revoking is `intake.status_links.status_link_revoke`;
the next acknowledgement or form makes a new link.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import roles
from common.errors import DomainError
from common.views import role_required
from intake.models import StatusLink
from intake.status_links import status_link_revoke
from recovery import selectors
from recovery.models import Complaint
from recovery.page_links import PageLink, PageSection

HEADING = "Customer's status link"


def status_link_section(user: Any, complaint: Complaint) -> PageSection | None:
    """What the complaint page shows a manager about the customer's status link; nothing to anyone else.

    No query: whether a link is in force is for the page it leads to, so the complaint page's count stays.
    """
    if not roles.is_manager(user):
        return None
    url = reverse("status_admin:revoke", args=[complaint.pk])
    return PageSection(HEADING, (PageLink("Revoke the customer's status link…", url),))


@role_required(roles.is_manager)
@require_http_methods(["GET", "HEAD", "POST"])
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask whether to stop the complaint's status link working; on POST, stop it."""
    complaint = selectors.get_complaint_for(request.user, pk)
    if request.method == "POST":
        try:
            revoked = status_link_revoke(complaint=complaint, user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if revoked:
                messages.success(
                    request,
                    f"The customer's status link for {complaint.reference} no longer works. "
                    "Any later email to them carries a new one.",
                )
            else:
                messages.info(request, f"{complaint.reference} had no status link in force: nothing to revoke.")
        return redirect(complaint)
    links = list(StatusLink.objects.filter(complaint=complaint).select_related("revoked_by")[:20])
    context = {
        "complaint": complaint,
        "active": next((link for link in links if link.revoked_at is None), None),
        "revoked": [link for link in links if link.revoked_at is not None],
    }
    return render(request, "intake/status_revoke.html", context)
