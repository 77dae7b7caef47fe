"""Two-step sign-in: an authenticator app's time-based codes, and recovery codes for when the phone is lost.

Built on django-otp: the authenticator is a `TOTPDevice` (one confirmed per person; a new one waits,
unconfirmed, until its first code proves the app has the secret), the recovery codes a `StaticDevice`
whose `StaticToken`s each work once. A person has two-step sign-in when they have a confirmed
authenticator; the recovery codes alone never count.

Required of managers and administrators (superusers) when `REQUIRE_2FA_FOR_MANAGERS` is on; optional for
everyone else. The services here write; what a session must still do is `accounts.sign_in`.
"""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from common.errors import DomainError

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# What a person types: six digits from the app, or a recovery code (eight letters and digits 2–7, as
# django-otp makes them), with any spaces or dashes they copied along.
_TOTP_SHAPE = re.compile(r"\d{6}")
_RECOVERY_SHAPE = re.compile(r"[a-z2-7]{8}")


def is_required_for(user: Any) -> bool:
    """Return True when this person may not go without two-step sign-in (a manager or administrator)."""
    return bool(settings.REQUIRE_2FA_FOR_MANAGERS and user.is_active and (user.is_superuser or roles.is_manager(user)))


def authenticator_of(user: Any) -> TOTPDevice | None:
    """Return the person's confirmed authenticator, or None when two-step sign-in is off."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_two_step(user: Any) -> bool:
    """Return True when the person has two-step sign-in (a confirmed authenticator)."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: Any) -> int:
    """Return how many unused recovery codes the person has."""
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def normalise_code(typed: str) -> str:
    """Return a typed code without spaces or dashes, in lower case (recovery codes are shown grouped)."""
    return re.sub(r"[\s-]", "", typed).lower()


def show_recovery_code(code: str) -> str:
    """Return a recovery code as shown: two groups of four ("abcd-efgh"), easier to copy by hand."""
    return f"{code[:4]}-{code[4:]}"


def device_for_code(user: Any, code: str) -> TOTPDevice | StaticDevice | None:
    """Return the device a normalised code is for by its shape: six digits the app, else a recovery code."""
    if _TOTP_SHAPE.fullmatch(code):
        return authenticator_of(user)
    if _RECOVERY_SHAPE.fullmatch(code):
        return StaticDevice.objects.filter(user=user, confirmed=True).first()
    return None


def throttled_message(device: TOTPDevice | StaticDevice) -> str | None:
    """Return why the device takes no code just now (django-otp waits longer after each wrong one), or None."""
    allowed, details = device.verify_is_allowed()
    if allowed or details is None or details.get("reason") != VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return None
    seconds = max(1, int((details["locked_until"] - timezone.now()).total_seconds() + 0.999))
    return f"After {details['failure_count']} wrong codes in a row, wait {seconds} seconds before the next try."


def secret_text(device: TOTPDevice) -> str:
    """Return the secret as typed into an app by hand: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """Return the app's set-up link as a QR code in inline SVG (drawn here: no image request, no script)."""
    svg: str = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, light="#fff", svgclass="qr-code", lineclass=None, omitsize=False
    )
    # An image with a name for assistive technology; the page gives the same secret as text.
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)


def authenticator_start(*, user: Any) -> TOTPDevice:
    """Return the authenticator waiting for its first code, made now if there is none.

    One waits per person, so reloading the page shows the same secret the app may already hold.
    """
    waiting = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if waiting is not None:
        return waiting
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def authenticator_confirm(*, user: Any, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the waiting authenticator with its first code; return it and a new set of recovery codes.

    It replaces any earlier authenticator (a new phone), and the earlier recovery codes stop working.
    A wrong code is counted by django-otp's throttle, kept even though this raises.
    """
    waiting = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if waiting is None:
        raise DomainError("This set-up is no longer open: start again.", field="code")
    code = normalise_code(code)
    if (message := throttled_message(waiting)) is not None:
        raise DomainError(message, field="code")
    if not _TOTP_SHAPE.fullmatch(code) or not waiting.verify_token(code):
        raise DomainError(
            "That is not the code your app shows for CareDesk now. Type the six digits it shows, "
            "or scan the QR code again.",
            field="code",
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=waiting.pk).delete()
        waiting.confirmed = True
        waiting.save(update_fields=["confirmed"])
        codes = recovery_codes_make(user=user)
    return waiting, codes


@transaction.atomic
def recovery_codes_make(*, user: Any) -> list[str]:
    """Give the person a new set of recovery codes, each good once; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": RECOVERY_NAME, "confirmed": True})
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_step_turn_off(*, user: Any) -> None:
    """Remove the person's authenticator and recovery codes; refused while their role requires them."""
    if is_required_for(user):
        raise DomainError(
            "Two-step sign-in is required for managers and administrators, so it stays on. "
            "To move it to a new phone, set it up again."
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
