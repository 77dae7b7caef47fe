"""Two-step sign-in: setting it up, signing in with a code or a recovery code, the lockout, and who must have it.

alice (front line) may set it up; maria (manager) and root (administrator) must, when
REQUIRE_2FA_FOR_MANAGERS is on (the suite's default is off, as in the demo). Codes are computed from the
device's own key, as the person's app would.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_step
from tests.factories import UserFactory
from tests.helpers.pages import assert_error_next_to, text
from tests.helpers.two_step import code_for, code_page, codes_shown, enter_code, give_app, password

QUEUE = reverse("recovery:my_queue")
SETUP = reverse("accounts:two_step_setup")
STEP = 31  # seconds: the next code (a code is good once, and for 30 s either side)


@pytest.fixture
def now() -> Any:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def required(settings: Any) -> None:
    settings.REQUIRE_2FA_FOR_MANAGERS = True


def staff_manager(maria: Any) -> Any:
    maria.is_staff = True
    maria.save()
    return maria


def root() -> Any:
    return UserFactory(username="root", is_superuser=True, is_staff=True)


# --- Setting it up ---------------------------------------------------------------------------------------


def test_setting_up_shows_a_qr_code_and_the_secret_and_turns_on_only_with_a_right_first_code(client, alice, now):
    client.force_login(alice)

    page = client.get(SETUP).content.decode()
    waiting = TOTPDevice.objects.get(user=alice)
    assert not waiting.confirmed
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in page
    assert two_step.secret_text(waiting) in page
    # Reloading shows the same secret: the app may already hold it.
    assert two_step.secret_text(waiting) in client.get(SETUP).content.decode()

    refused = client.post(SETUP, {"code": "000000" if code_for(waiting) != "000000" else "111111"})
    assert refused.status_code == 200
    assert_error_next_to(refused.content.decode(), "code", "That is not the code your app shows for CareDesk now.")
    assert not two_step.has_two_step(alice)

    now.shift(2)  # django-otp waits a second after a wrong code
    response = client.post(SETUP, {"code": code_for(waiting)})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:recovery_codes")
    assert two_step.has_two_step(alice)
    shown = codes_shown(client.get(response["Location"]).content.decode())
    assert len(shown) == two_step.RECOVERY_CODE_COUNT
    assert sorted(c.replace("-", "") for c in shown) == sorted(
        StaticToken.objects.filter(device__user=alice).values_list("token", flat=True)
    )
    # Shown once: the next visit says how many are left, not what they are.
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert codes_shown(again) == []
    assert "You have 10 unused recovery codes" in text(again)


def test_setting_up_verifies_this_session_and_gives_it_a_new_key(client, alice, now):
    client.force_login(alice)
    client.get(SETUP)
    before = client.session.session_key

    client.post(SETUP, {"code": code_for(TOTPDevice.objects.get(user=alice))})

    assert client.session.session_key != before
    assert client.get(QUEUE).status_code == 200


def test_moving_to_a_new_phone_replaces_the_app_and_the_recovery_codes(client, alice, now):
    old, old_codes = give_app(alice)
    client.force_login(alice)
    now.shift(STEP)
    enter_code(client, code_for(old))

    client.get(SETUP)
    new = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert two_step.authenticator_of(alice) == old  # the present app works until the new one is confirmed
    client.post(SETUP, {"code": code_for(new)})

    assert list(TOTPDevice.objects.filter(user=alice)) == [new]
    assert not StaticToken.objects.filter(token__in=old_codes).exists()


def test_the_account_page_is_in_the_menu_for_everyone_signed_in(client, alice, olivia):
    for person in (alice, olivia):
        client.force_login(person)
        page = client.get(QUEUE if person is alice else reverse("accounts:account")).content.decode()
        assert f'href="{reverse("accounts:account")}"' in page
        account = client.get(reverse("accounts:account"))
        assert account.status_code == 200
        assert "Set up two-step sign-in" in text(account.content.decode())


# --- Signing in with a code ------------------------------------------------------------------------------


def test_after_the_password_a_person_with_an_app_needs_a_code_and_reaches_nothing_else(client, alice, customer, now):
    device, _ = give_app(alice)
    response = password(client, alice)
    assert response.status_code == 302

    for url in (QUEUE, reverse("customers:customer_list"), reverse("accounts:account"), reverse("admin:index")):
        refused = client.get(url)
        assert refused.status_code == 302, url
        assert refused["Location"] == code_page(url), url
    assert client.post(reverse("customers:customer_quick_create"), {"name": "Nobody"}).status_code == 302
    page = client.get(code_page(QUEUE))
    assert page.status_code == 200
    assert "Two-step sign-in" in text(page.content.decode())
    # Nothing it cannot reach: no menu, no policy banner asking to read the policy.
    assert 'class="nav-link' not in page.content.decode()
    assert 'id="policy-banner"' not in page.content.decode()

    now.shift(STEP)
    signed_in = enter_code(client, code_for(device), next_url=QUEUE)

    assert signed_in.status_code == 302
    assert signed_in["Location"] == QUEUE
    queue = client.get(QUEUE)
    assert queue.status_code == 200
    assert 'id="policy-banner"' in queue.content.decode()


def test_an_htmx_request_waiting_for_a_code_is_sent_to_the_code_page(client, alice):
    give_app(alice)
    password(client, alice)
    response = client.get(QUEUE, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("accounts:login_code")


def test_a_wrong_code_is_refused_next_to_the_field_and_a_code_cannot_be_used_twice(client, alice, now):
    device, _ = give_app(alice)
    password(client, alice)
    now.shift(STEP)
    code = code_for(device)

    wrong = enter_code(client, "12345" if code != "12345" else "54321")
    assert wrong.status_code == 200
    assert_error_next_to(wrong.content.decode(), "code", "That code is not right.")
    now.shift(2)
    assert enter_code(client, code).status_code == 302

    other = Client()
    password(other, alice)
    replayed = enter_code(other, code)
    assert replayed.status_code == 200
    assert other.get(QUEUE).status_code == 302


def test_a_recovery_code_signs_in_once(client, alice):
    _, codes = give_app(alice)
    password(client, alice)

    # Typed as shown on the page, with its dash, in capitals.
    assert enter_code(client, two_step.show_recovery_code(codes[0]).upper()).status_code == 302
    assert client.get(QUEUE).status_code == 200
    assert two_step.recovery_codes_left(alice) == 9

    again = Client()
    password(again, alice)
    assert enter_code(again, codes[0]).status_code == 200
    assert again.get(QUEUE).status_code == 302


def test_the_code_page_sends_on_a_person_without_an_app(client, alice):
    client.force_login(alice)
    response = client.get(code_page(QUEUE))
    assert response.status_code == 302
    assert response["Location"] == QUEUE


def test_the_code_page_never_sends_anyone_to_another_site(client, alice, now):
    device, _ = give_app(alice)
    password(client, alice)
    now.shift(STEP)
    response = enter_code(client, code_for(device), next_url="https://evil.example/")
    assert response["Location"] == QUEUE


# --- Lockout ------------------------------------------------------------------------------------------


def test_wrong_codes_lock_out_like_wrong_passwords(client, settings, alice, now):
    settings.AXES_FAILURE_LIMIT = 3
    give_app(alice)
    password(client, alice)

    responses = []
    for _ in range(3):
        responses.append(enter_code(client, "000000"))
        now.shift(STEP)

    assert [r.status_code for r in responses] == [200, 200, 429]
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 3
    page = text(responses[-1].content.decode())
    assert "Too many failed sign-ins" in page
    assert "as alice" in page
    # The half-done sign-in is over, and the password is refused while the pause lasts.
    assert client.get(QUEUE)["Location"].startswith(reverse("login"))
    assert password(Client(), alice).status_code == 429


def test_a_right_password_does_not_wipe_out_the_wrong_codes_before_it(settings, alice, now):
    settings.AXES_FAILURE_LIMIT = 3
    give_app(alice)
    attacker = Client()
    password(attacker, alice)
    enter_code(attacker, "000000")
    now.shift(STEP)
    enter_code(attacker, "000000")
    now.shift(STEP)

    again = Client()
    assert password(again, alice).status_code == 302  # the password was right…
    assert enter_code(again, "000000").status_code == 429  # …but the count went on


def test_without_an_app_the_right_password_still_clears_the_count(settings, alice):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert password(Client(), alice, secret="wrong").status_code == 200
    assert password(Client(), alice).status_code == 302
    for _ in range(2):
        assert password(Client(), alice, secret="wrong").status_code == 200
    assert password(Client(), alice).status_code == 302


def test_a_right_code_clears_the_count(settings, alice, now):
    settings.AXES_FAILURE_LIMIT = 3
    device, _ = give_app(alice)
    person = Client()
    password(person, alice)
    enter_code(person, "000000")
    now.shift(STEP)
    enter_code(person, "000000")
    now.shift(STEP)
    assert enter_code(person, code_for(device)).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_the_code_page_refuses_while_the_username_is_locked(settings, alice, now):
    settings.AXES_FAILURE_LIMIT = 3
    device, _ = give_app(alice)
    person = Client()
    password(person, alice)
    # Meanwhile someone at the same address fails alice's password until it is paused.
    other = Client()
    for _ in range(3):
        password(other, alice, secret="wrong")
    now.shift(STEP)

    response = person.get(code_page(QUEUE))

    assert response.status_code == 429
    assert "Too many failed sign-ins" in text(response.content.decode())
    assert enter_code(person, code_for(device)).status_code == 302  # signed out: sent to sign in
    assert person.get(QUEUE)["Location"].startswith(reverse("login"))


def test_the_pause_after_wrong_codes_ends_by_itself(settings, alice, now):
    settings.AXES_FAILURE_LIMIT = 2
    device, _ = give_app(alice)
    person = Client()
    password(person, alice)
    enter_code(person, "000000")
    now.shift(STEP)
    assert enter_code(person, "000000").status_code == 429

    now.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
    assert password(person, alice).status_code == 302
    assert enter_code(person, code_for(device)).status_code == 302
    assert person.get(QUEUE).status_code == 200


# --- Required for managers and administrators ------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "administrator"])
def test_when_required_a_manager_or_administrator_without_an_app_reaches_only_its_setup(
    client, required, maria, customer, now, who
):
    person = staff_manager(maria) if who == "manager" else root()
    assert password(client, person).status_code == 302

    for url in (
        QUEUE,
        reverse("recovery:dashboard"),
        reverse("accounts:account"),
        reverse("accounts:two_step_off"),
        reverse("admin:index"),
        reverse("admin:auth_user_changelist"),
        reverse("customers:customer_detail", args=[customer.pk]),
    ):
        refused = client.get(url)
        assert refused.status_code == 302, url
        assert refused["Location"] == SETUP, url
    page = client.get(SETUP).content.decode()
    assert "Two-step sign-in is required for managers and administrators" in text(page)
    assert 'class="nav-link' not in page  # no menu of pages it cannot reach yet
    assert 'id="policy-banner"' not in page

    client.post(SETUP, {"code": code_for(TOTPDevice.objects.get(user=person))})

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("recovery:dashboard")).status_code == 200


def test_when_required_the_front_line_may_still_sign_in_with_a_password_alone(client, required, alice):
    assert password(client, alice).status_code == 302
    assert client.get(QUEUE).status_code == 200
    assert "Set up two-step sign-in" in text(client.get(reverse("accounts:account")).content.decode())


def test_when_not_required_a_manager_signs_in_with_a_password_alone(client, settings, maria):
    settings.REQUIRE_2FA_FOR_MANAGERS = False
    assert password(client, maria).status_code == 302
    assert client.get(reverse("recovery:dashboard")).status_code == 200


def test_signing_out_works_while_a_step_is_owed(client, required, maria):
    password(client, maria)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_manager_made_while_signed_in_is_sent_to_setup_within_minutes(client, required, alice, now):
    password(client, alice)
    assert client.get(QUEUE).status_code == 200

    alice.groups.add(Group.objects.get(name="Managers"))
    now.shift(timedelta(minutes=6))
    assert client.get(QUEUE)["Location"] == SETUP


def test_an_app_set_up_in_another_browser_asks_this_one_for_a_code_within_minutes(client, alice, now):
    password(client, alice)
    elsewhere = Client()
    password(elsewhere, alice)
    elsewhere.get(SETUP)
    elsewhere.post(SETUP, {"code": code_for(TOTPDevice.objects.get(user=alice))})

    now.shift(timedelta(minutes=6))
    assert client.get(QUEUE)["Location"] == code_page(QUEUE)
    assert elsewhere.get(QUEUE).status_code == 200


# --- Turning it off --------------------------------------------------------------------------------------


def test_the_front_line_may_turn_it_off_and_then_sign_in_with_a_password(client, alice, now):
    device, _ = give_app(alice)
    password(client, alice)
    now.shift(STEP)
    enter_code(client, code_for(device))
    assert "Your password alone will sign you in" in text(client.get(reverse("accounts:two_step_off")).content.decode())

    response = client.post(reverse("accounts:two_step_off"))

    assert response["Location"] == reverse("accounts:account")
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticToken.objects.filter(device__user=alice).exists()
    assert client.get(QUEUE).status_code == 200
    fresh = Client()
    password(fresh, alice)
    assert fresh.get(QUEUE).status_code == 200


def test_turning_it_off_is_refused_while_required_for_the_role(client, required, maria, now):
    device, _ = give_app(maria)
    password(client, maria)
    now.shift(STEP)
    enter_code(client, code_for(device))
    page = text(client.get(reverse("accounts:two_step_off")).content.decode())
    assert "required for managers and administrators, so it stays on" in page
    assert "Turn off two-step sign-in</button>" not in page

    response = client.post(reverse("accounts:two_step_off"), follow=True)

    assert "so it stays on" in text(response.content.decode())
    assert two_step.has_two_step(maria)


def test_new_recovery_codes_replace_the_old_ones(client, alice, now):
    device, old = give_app(alice)
    password(client, alice)
    now.shift(STEP)
    enter_code(client, code_for(device))

    response = client.post(reverse("accounts:recovery_codes"), follow=True)

    new = [c.replace("-", "") for c in codes_shown(response.content.decode())]
    assert len(new) == two_step.RECOVERY_CODE_COUNT
    assert set(new).isdisjoint(old)
    assert sorted(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True)) == sorted(new)


def test_an_app_removed_by_the_administrator_does_not_shut_the_person_out(client, alice, now):
    device, _ = give_app(alice)
    password(client, alice)
    device.delete()
    assert client.get(QUEUE).status_code == 200


def test_the_administrator_deletes_a_lost_authenticator_and_never_sees_secrets_or_codes(client, alice, now):
    device, codes = give_app(alice)
    administrator = Client()
    administrator.force_login(root())

    pages = [
        administrator.get(reverse("admin:otp_totp_totpdevice_changelist")),
        administrator.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])),
        administrator.get(reverse("admin:otp_static_staticdevice_changelist")),
    ]
    assert [page.status_code for page in pages] == [200, 200, 200]
    shown = "".join(page.content.decode() for page in pages)
    assert device.key not in shown
    assert two_step.secret_text(device).replace(" ", "") not in shown
    assert not any(code in shown for code in codes)
    assert ">10<" in shown  # codes left
    response = administrator.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302

    password(client, alice)
    assert client.get(QUEUE).status_code == 200
