"""Two-step sign-in in a real browser, with axe-core over every page of it.

Maria manages, and two-step sign-in is required for managers. Her password alone takes her to its
set-up page and nowhere else. She types the key shown under the QR code into her "app" (here: django-otp's
own TOTP over that key, as an authenticator computes it), confirms with its code, and is shown her ten
recovery codes once. She signs out; signing in again asks for a code after the password, and the app's
code lets her in. Next time she mistypes the code, is told so next to the field, and uses a recovery
code instead. Her account page says it is on and that it cannot be turned off for her role.
"""

from __future__ import annotations

import re
import time
from base64 import b32decode
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from playwright.sync_api import Page, expect

from tests.browser.accessibility import AxeAudit, OnlyThisServer
from tests.browser.helpers import PASSWORD, QUEUE_URL, alice, maria, sign_in, wait_for_page

pytestmark = pytest.mark.django_db(transaction=True)

SETUP_URL = re.compile(r"/account/two-step/$")
CODES_URL = re.compile(r"/account/two-step/recovery-codes/$")
CODE_URL = re.compile(r"/login/code/\?next=")
ACCOUNT_URL = re.compile(r"/account/$")


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """Return the code an authenticator app shows for the typed-in key (a later one, `steps_ahead` × 30 s)."""
    key = b32decode(secret.replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def password(page: Page) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    wait_for_page(page, re.compile(r"/login/$"))


def test_a_manager_sets_up_two_step_sign_in_and_signs_in_with_a_code(
    live_server: Any, starter_data: None, new_context: Any, new_page: Any, base_url: str, settings: Any
) -> None:
    settings.REQUIRE_2FA_FOR_MANAGERS = True
    person = maria()
    audit = AxeAudit()
    network = OnlyThisServer(base_url)
    page = network.watch(new_page(new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})))

    # The password alone leads to the set-up, and every other page leads back to it.
    password(page)
    wait_for_page(page, SETUP_URL)
    expect(page.get_by_text("Two-step sign-in is required for managers and administrators")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    audit.check(page, "two-step set-up, required")
    page.goto("/dashboard/")
    wait_for_page(page, SETUP_URL)

    secret = page.locator("#secret").inner_text()
    code_box = page.get_by_label("Code from your app")
    code_box.fill("000000" if app_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Confirm and turn on").click()
    wait_for_page(page, SETUP_URL)
    expect(page.get_by_text("That is not the code your app shows for CareDesk now.")).to_be_visible()
    expect(page.get_by_label("Code from your app")).to_be_focused()
    audit.check(page, "two-step set-up, wrong code")
    page.wait_for_timeout(1100)  # django-otp takes no code for a second after a wrong one: a person's pause
    page.get_by_label("Code from your app").fill(app_code(secret))
    page.get_by_role("button", name="Confirm and turn on").click()

    wait_for_page(page, CODES_URL)
    codes = page.locator("ul.recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert sorted(c.replace("-", "") for c in codes) == sorted(
        StaticToken.objects.filter(device__user=person).values_list("token", flat=True)
    )
    audit.check(page, "recovery codes, shown once")
    page.get_by_role("link", name="I have kept them: back to my account").click()
    wait_for_page(page, ACCOUNT_URL)
    expect(page.get_by_text("cannot be turned off")).to_be_visible()
    audit.check(page, "your account, two-step sign-in on")
    page.get_by_role("link", name="Recovery codes").click()
    wait_for_page(page, CODES_URL)
    expect(page.locator("ul.recovery-codes li")).to_have_count(0)
    audit.check(page, "recovery codes, how many left")
    page.goto("/account/two-step/off/")
    audit.check(page, "turn off, refused for a manager")
    page.goto("/account/password/")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    audit.check(page, "change password, with errors")
    sign_out(page)

    # Next time: the password, then the app's code.
    password(page)
    page.goto("/dashboard/")
    wait_for_page(page, CODE_URL)
    audit.check(page, "two-step code page")
    page.get_by_label("Code").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Sign in").click()
    wait_for_page(page, re.compile(r"/dashboard/$"))
    sign_out(page)

    # And with a mistyped code, then a recovery code.
    password(page)
    wait_for_page(page, CODE_URL)
    page.get_by_label("Code").fill("12345")
    page.get_by_role("button", name="Sign in").click()
    wait_for_page(page, re.compile(r"/login/code/"))
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    expect(page.get_by_label("Code")).to_be_focused()
    audit.check(page, "two-step code page, wrong code")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    wait_for_page(page, QUEUE_URL)
    assert not StaticToken.objects.filter(device__user=person, token=codes[0].replace("-", "")).exists()

    audit.assert_clean(at_least=8)
    assert network.elsewhere == [], f"pages asked for something elsewhere: {network.elsewhere}"


def test_the_front_line_finds_their_account_in_the_menu_and_may_set_up_two_step_sign_in(
    live_server: Any, starter_data: None, new_context: Any, new_page: Any, base_url: str, settings: Any
) -> None:
    settings.REQUIRE_2FA_FOR_MANAGERS = True  # required for managers only: optional for alice
    alice()
    audit = AxeAudit()
    page = new_page(new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}))
    sign_in(page, "alice")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alice Archer (your account)").click()
    wait_for_page(page, ACCOUNT_URL)
    expect(page.get_by_text("Your password alone signs you in.")).to_be_visible()
    audit.check(page, "your account, two-step sign-in off")
    page.get_by_role("link", name="Set up two-step sign-in").click()
    wait_for_page(page, SETUP_URL)
    expect(page.get_by_role("link", name="Cancel")).to_be_visible()  # optional: she may leave
    audit.check(page, "two-step set-up, optional")
    page.get_by_role("link", name="Cancel").click()
    wait_for_page(page, ACCOUNT_URL)
    page.get_by_role("link", name="Change password").click()
    wait_for_page(page, re.compile(r"/account/password/$"))
    audit.check(page, "change password")

    audit.assert_clean(at_least=3)
