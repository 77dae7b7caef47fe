"""What a signed-in session must still do, how long it lasts unused, and the lockout for the second step.

A sign-in is the password (Django's LoginView, with django-axes) and then, for someone with two-step
sign-in, a code. The step still owed is kept in the session (`STEP_KEY`), so an ordinary request reads
no extra row:

- `CODE`: the person has an authenticator; until a code verifies the session (django-otp's
  `request.user.is_verified()`) it reaches only the code page and sign-out;
- `SETUP`: two-step sign-in is required for their role and they have none; only its set-up and sign-out;
- `DONE`: nothing more.

The step is worked out at sign-in, again whenever the middleware would turn a request away (so a
step gone stale never shuts anyone out), and with each renewal of the idle expiry (so an authenticator
set up, or a role given, in another session reaches this one within minutes).

Idle expiry: a session lasts SESSION_IDLE_MINUTES (SESSION_COOKIE_AGE) from its last save. Saving on
every request would write a row per page, so `note_activity` marks the session changed at most once per
`renewal_seconds()`; it therefore ends between that interval and SESSION_IDLE_MINUTES after the last request.

Lockout: wrong codes are failed sign-ins to django-axes (`user_login_failed` with the username), so
passwords and codes share one count per username and address. The count is cleared when a sign-in is
complete (`AXES_RESET_ON_SUCCESS` is off): after the password for someone without two-step sign-in, after
the code for someone with it, so a right password cannot wipe out the wrong codes before it.
"""

from __future__ import annotations

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django_otp import login as otp_login
from django_otp import verify_token

from accounts import two_step
from common.errors import DomainError

STEP_KEY = "caredesk_step"
SEEN_KEY = "caredesk_seen"
CODE = "code"
SETUP = "setup"
DONE = ""


def step_needed(user: Any) -> str:
    """Return the step this person's sign-in needs after the password."""
    if two_step.has_two_step(user):
        return CODE
    if two_step.is_required_for(user):
        return SETUP
    return DONE


def note_step(request: HttpRequest, user: Any) -> str:
    """Work out the step still owed, keep it in the session and return it."""
    step = step_needed(user)
    if request.session.get(STEP_KEY) != step:
        request.session[STEP_KEY] = step
    return step


def renewal_seconds() -> int:
    """Return how often, at most, a session in use is saved to push its idle expiry back."""
    return min(300, settings.SESSION_COOKIE_AGE // 10)


def note_activity(request: HttpRequest) -> bool:
    """Push the idle expiry back when the last renewal is older than `renewal_seconds()`; return True if so."""
    now = int(time.time())
    seen = request.session.get(SEEN_KEY)
    if isinstance(seen, int) and now - seen < renewal_seconds():
        return False
    request.session[SEEN_KEY] = now  # a changed session is saved, with a new expiry, by SessionMiddleware
    return True


def session_step(request: HttpRequest, user: Any) -> str:
    """Return the step this signed-in session still owes (DONE when none), renewing the idle expiry.

    What SignInMiddleware asks of every page, for callers that authenticate a session themselves
    (the API's session authentication): a session still owing its code reaches nothing.
    """
    if note_activity(request):
        note_step(request, user)  # with each renewal, in case it changed elsewhere
    step: str | None = request.session.get(STEP_KEY)
    if step == DONE or user.is_verified():
        return DONE
    return note_step(request, user)


def _credentials(user: Any) -> dict[str, str]:
    return {"username": user.get_username()}


def clear_failures(request: HttpRequest, user: Any) -> None:
    """Forget the failed tries of this username from this address: the sign-in is complete.

    The same rows axes's own reset on success would delete with AXES_LOCKOUT_PARAMETERS
    [["username", "ip_address"]]; change both together.
    """
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(username=user.get_username(), ip_address=request.axes_ip_address)  # type: ignore[attr-defined]


def is_locked_out(request: HttpRequest, user: Any) -> bool:
    """Return True while django-axes pauses sign-ins for this username from this address."""
    return not AxesProxyHandler.is_allowed(request, _credentials(user))


def lock_out(request: HttpRequest, user: Any) -> HttpResponse:
    """End the half-done sign-in and answer with the lockout page, as for too many wrong passwords."""
    credentials = _credentials(user)
    logout(request)
    response: HttpResponse = get_lockout_response(request, None, credentials)
    return response


def second_step(*, request: HttpRequest, user: Any, code: str) -> None:
    """Verify the session with a code from the authenticator or a recovery code (each works once).

    A refused code is a failed sign-in to django-axes, which may lock the username out from this address
    (`request.axes_locked_out`); a verified session gets a new session key.
    """
    code = two_step.normalise_code(code)
    device = two_step.device_for_code(user, code)
    waiting = two_step.throttled_message(device) if device is not None else None
    verified = None
    if device is not None and waiting is None:
        # django-otp locks the device's row, so one code cannot be used twice at once.
        verified = verify_token(user, device.persistent_id, code)
    if verified is None:
        user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
        raise DomainError(
            waiting
            or "That code is not right. Type the six digits your app shows now (a code works once: if you just"
            " used it, wait for the next), or a recovery code.",
            field="code",
        )
    verify_session(request, verified)
    clear_failures(request, user)


def verify_session(request: HttpRequest, device: Any) -> None:
    """Count this session as verified by the device, under a new session key."""
    otp_login(request, device)
    request.session.cycle_key()


def on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """After the password: note the step still owed and the time; clear the failures if nothing is owed."""
    if request is None or not hasattr(request, "session"):
        return
    note_activity(request)
    if note_step(request, user) != CODE:
        clear_failures(request, user)
