"""Signing in as a person would, with a password and then a code computed from the device's key."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_step

PASSWORD = "pw"  # every factory user's password


def code_for(device: TOTPDevice) -> str:
    """Return the code the person's app shows now for this device."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def give_app(user: Any) -> tuple[TOTPDevice, list[str]]:
    """Give the person a confirmed authenticator and recovery codes, as set-up would; return both."""
    device = TOTPDevice.objects.create(user=user, name=two_step.AUTHENTICATOR_NAME, confirmed=True)
    return device, two_step.recovery_codes_make(user=user)


def password(client: Any, user: Any, *, next_url: str = "", secret: str = PASSWORD) -> Any:
    """Sign in with the password (the first step); return the response."""
    data = {"username": user.get_username(), "password": secret}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def enter_code(client: Any, code: str, *, next_url: str = "") -> Any:
    return client.post(reverse("accounts:login_code"), {"code": code, "next": next_url})


def codes_shown(html: str) -> list[str]:
    """Return the recovery codes listed on the page."""
    block = re.search(r'<ul class="recovery-codes[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    return re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", block.group(1)) if block else []


def code_page(next_url: str = "") -> str:
    url = reverse("accounts:login_code")
    return f"{url}?next={next_url.replace('/', '%2F')}" if next_url else url
