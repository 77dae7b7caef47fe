"""Handing all of one person's open complaints to a colleague (someone leaves, or is away). Managers only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts import roles
from common.errors import DomainError
from common.people import display_name
from common.views import role_required
from recovery import selectors, workflow
from recovery.forms.handover import HandOverForm

# The screen lists this many of the complaints; the count says how many there are.
LISTED = 25


@role_required(roles.is_manager)
def complaints_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one person's open complaints and hand them all to the colleague chosen."""
    owner = get_object_or_404(get_user_model(), pk=pk)
    form = HandOverForm(request.POST or None, people=roles.handlers().exclude(pk=owner.pk))
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["to"]
        try:
            handed = workflow.complaints_hand_over(user=request.user, owner=owner, to=to)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            count = len(handed)
            messages.success(
                request,
                f"Handed {count} open complaint{'s' if count != 1 else ''} "
                f"from {display_name(owner)} to {display_name(to)}.",
            )
            return redirect(f"{reverse('recovery:complaint_list')}?owner={to.pk}&stage=open")
    complaints = selectors.open_complaints_of(request.user, owner)
    context = {
        "owner": owner,
        "owner_name": display_name(owner),
        "count": complaints.count(),
        "complaints": complaints[:LISTED],
        "list_url": f"{reverse('recovery:complaint_list')}?owner={owner.pk}&stage=open",
        "form": form,
    }
    return render(request, "recovery/handover.html", context)
