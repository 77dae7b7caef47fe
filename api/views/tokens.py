"""Your API tokens (/account/api-tokens/): make one (shown once), see them, revoke one. Thin: api.tokens decides."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from api import tokens
from api.forms import TokenForm
from common.errors import DomainError
from common.forms import focus_first_error
from common.views import role_required


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(roles.can_work)
def token_list(request: HttpRequest) -> HttpResponse:
    """List the person's tokens and make a new one; the new token is shown on this answer only."""
    new_token = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                _made, new_token = tokens.token_create(
                    user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
                )
            except DomainError as error:
                field = {"expires_at": "expires_on"}.get(error.field or "", error.field)
                form.add_error(field if field in form.fields else None, error.message)
            else:
                form = TokenForm()
    else:
        form = TokenForm()
    focus_first_error(form)
    context = {"form": form, "tokens": tokens.tokens_of(request.user), "new_token": new_token}
    return render(request, "api/tokens.html", context)


@require_POST
@role_required(roles.can_work)
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's tokens: the next request with it gets 401."""
    try:
        revoked = tokens.token_revoke(user=request.user, token_id=pk)
    except DomainError:
        raise Http404("No such token.") from None  # someone else's token looks absent
    messages.success(request, f"“{revoked.name}” is revoked: programs using it are refused from now on.")
    return redirect("api_tokens:list")
