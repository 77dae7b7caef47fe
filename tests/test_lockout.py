"""The sign-in lockout (django-axes): what the page promises is what happens.

After AXES_FAILURE_LIMIT failed sign-ins for one username from one address, signing in is paused
for AXES_COOLOFF_MINUTES. The page says how long, that the pause ends by itself, and that the
administrator can set a new password and lift the pause in the admin; managers cannot, so it does
not send anyone to them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.helpers.pages import text

PASSWORD = "right-password"


def sign_in(client: Client, password: str) -> Any:
    return client.post(reverse("login"), {"username": "alice", "password": password})


def lock_out(client: Client, limit: int) -> Any:
    """Fail to sign in as alice until CareDesk pauses it; return the lockout response."""
    for attempt in range(1, limit + 1):
        response = sign_in(client, "wrong")
        if response.status_code == 429:
            assert attempt == limit
            return response
        assert response.status_code == 200  # the sign-in form again, with its error
    raise AssertionError(f"not locked out after {limit} failures")


def root() -> Any:
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def alice_with_password(alice: Any) -> Any:
    alice.set_password(PASSWORD)
    alice.save()
    return alice


@pytest.mark.parametrize(("minutes", "said"), [(15, "15 minutes"), (90, "1 hour 30 minutes")])
def test_the_lockout_page_says_how_long_and_who_can_help(settings, alice_with_password, minutes, said):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=minutes)
    response = lock_out(Client(), settings.AXES_FAILURE_LIMIT)

    page = text(response.content.decode())
    assert f"paused for {said}" in page
    assert f"The pause ends by itself {said} after the last try" in page
    assert "CareDesk’s administrator can set a new password" in page
    assert "manager" not in page.lower()
    # Even the right password is refused while paused.
    assert sign_in(Client(), PASSWORD).status_code == 429


def test_the_pause_ends_by_itself_the_given_time_after_the_last_try(settings, alice_with_password):
    pause = settings.AXES_COOLOFF_TIME
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        lock_out(Client(), settings.AXES_FAILURE_LIMIT)
    with time_machine.travel(start + pause + timedelta(seconds=1), tick=False):
        response = sign_in(Client(), PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("recovery:my_queue")


def test_a_try_while_paused_starts_the_pause_again(settings, alice_with_password):
    pause = settings.AXES_COOLOFF_TIME
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        lock_out(Client(), settings.AXES_FAILURE_LIMIT)
    last_try = start + pause - timedelta(seconds=30)
    with time_machine.travel(last_try, tick=False):
        assert sign_in(Client(), PASSWORD).status_code == 429
    with time_machine.travel(last_try + pause + timedelta(seconds=1), tick=False):
        assert sign_in(Client(), PASSWORD).status_code == 302


def test_the_administrator_lifts_the_pause_in_the_admin(settings, alice_with_password):
    lock_out(Client(), settings.AXES_FAILURE_LIMIT)
    [attempt] = AccessAttempt.objects.filter(username="alice")
    administrator = Client()
    administrator.force_login(root())

    response = administrator.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [str(attempt.pk)], "post": "yes"},
    )

    assert response.status_code == 302
    assert sign_in(Client(), PASSWORD).status_code == 302


def test_the_administrator_sets_a_new_password_in_the_admin(alice_with_password):
    administrator = Client()
    administrator.force_login(root())

    response = administrator.post(
        reverse("admin:auth_user_password_change", args=[alice_with_password.pk]),
        {"password1": "a-new-Pass-phrase-9", "password2": "a-new-Pass-phrase-9", "usable_password": "true"},
    )

    assert response.status_code == 302
    assert Client().post(reverse("login"), {"username": "alice", "password": "a-new-Pass-phrase-9"}).status_code == 302
