"""Your account (two-step sign-in, password) and the code page of signing in. Thin: the services decide.

Every signed-in person reaches these; each acts only on the person signed in, so no URL takes an id.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from accounts import sign_in, two_step
from accounts.forms import CodeForm, PasswordChangeForm, SetupCodeForm
from common.errors import DomainError
from common.forms import focus_first_error

# New recovery codes wait here between the POST that makes them and the page that shows them, once.
NEW_CODES_KEY = "caredesk_new_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    """Return where to go after the code: the page asked for, if it is on this site, else the queue."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse(settings.LOGIN_REDIRECT_URL)


@require_safe
def account(request: HttpRequest) -> HttpResponse:
    """Show the person's sign-in settings: two-step sign-in and the password."""
    user = request.user
    context = {
        "two_step_on": two_step.has_two_step(user),
        "required": two_step.is_required_for(user),
        "codes_left": two_step.recovery_codes_left(user),
        "idle_hours": settings.SESSION_IDLE_MINUTES / 60,
    }
    return render(request, "accounts/account.html", context)


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponseBase:
    """Ask a person with two-step sign-in for a code after their password; wrong codes count to the lockout."""
    user: Any = request.user
    if user.is_verified() or sign_in.note_step(request, user) != sign_in.CODE:
        return redirect(_next_url(request))
    if sign_in.is_locked_out(request, user):
        return sign_in.lock_out(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_in.second_step(request=request, user=user, code=form.cleaned_data["code"])
        except DomainError as error:
            if getattr(request, "axes_locked_out", False):
                return sign_in.lock_out(request, user)
            form.add_error(error.field, error.message)
        else:
            return redirect(_next_url(request))
    focus_first_error(form)
    # Not signed in yet: the policy banner's "I have read it" would only lead back here.
    context = {"form": form, "next": _next_url(request), "policy_banner": None}
    return render(request, "accounts/login_code.html", context)


@require_http_methods(["GET", "POST"])
def two_step_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan or type the secret, then confirm with a first code."""
    user: Any = request.user
    device = two_step.authenticator_start(user=user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed, codes = two_step.authenticator_confirm(user=user, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            sign_in.verify_session(request, confirmed)
            sign_in.note_step(request, user)
            request.session[NEW_CODES_KEY] = codes
            messages.success(request, "Two-step sign-in is on. Keep your recovery codes somewhere safe.")
            return redirect("accounts:recovery_codes")
    focus_first_error(form)
    context = {
        "form": form,
        "qr_svg": two_step.qr_svg(device),
        "secret": two_step.secret_text(device),
        "replacing": two_step.has_two_step(user),
        "required": two_step.is_required_for(user),
        # Required and not yet done: the page offers nothing else (the middleware lets nothing else through).
        "owes_setup": request.session.get(sign_in.STEP_KEY) == sign_in.SETUP,
    }
    if context["owes_setup"]:
        context["policy_banner"] = None  # its "I have read it" would only lead back here
    return render(request, "accounts/two_step_setup.html", context)


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes once; make a new set (the old ones stop working)."""
    user: Any = request.user
    if not two_step.has_two_step(user):
        messages.info(request, "Recovery codes come with two-step sign-in: set it up first.")
        return redirect("accounts:account")
    if request.method == "POST":
        request.session[NEW_CODES_KEY] = two_step.recovery_codes_make(user=user)
        messages.success(request, "You have new recovery codes; the old ones no longer work.")
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(NEW_CODES_KEY, None)
    context = {
        "codes": [two_step.show_recovery_code(code) for code in codes or ()],
        "codes_left": two_step.recovery_codes_left(user),
    }
    return render(request, "accounts/recovery_codes.html", context)


@require_http_methods(["GET", "POST"])
def two_step_off(request: HttpRequest) -> HttpResponse:
    """Turn two-step sign-in off after asking; refused while the person's role requires it."""
    user: Any = request.user
    if not two_step.has_two_step(user):
        return redirect("accounts:account")
    required = two_step.is_required_for(user)
    if request.method == "POST":
        try:
            two_step.two_step_turn_off(user=user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            sign_in.note_step(request, user)
            messages.success(request, "Two-step sign-in is off: your password alone signs you in.")
        return redirect("accounts:account")
    return render(request, "accounts/two_step_off.html", {"required": required})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change: this session stays signed in, the person's other sessions end."""

    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # saves, then update_session_auth_hash keeps this session
        messages.success(self.request, "Your password is changed. Anywhere else you were signed in, you are not now.")
        return response

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        if form.is_bound and form.errors:
            # Django puts the cursor in the current password; after a refusal it belongs in the field at fault.
            form.fields["old_password"].widget.attrs.pop("autofocus", None)
            focus_first_error(form)
        return form
