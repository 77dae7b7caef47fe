"""Sessions: they end after SESSION_IDLE_MINUTES unused, get a new key at each step of signing in, and end
on a password change (elsewhere) and when the account is switched off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import sign_in
from tests.helpers.two_step import code_for, enter_code, give_app, password

QUEUE = reverse("recovery:my_queue")


@pytest.fixture
def now() -> Any:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def signed_in(client: Client) -> bool:
    response = client.get(QUEUE)
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    return False


def session_writes(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE).status_code == 200
    return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)


def test_a_session_unused_for_the_idle_time_ends(client, alice, now):
    assert settings.SESSION_IDLE_MINUTES == 8 * 60
    password(client, alice)
    now.shift(timedelta(hours=8, seconds=1))
    assert not signed_in(client)


def test_a_session_in_use_lasts_past_the_idle_time(client, alice, now):
    password(client, alice)
    for _ in range(6):  # a day at work, a page every four hours
        now.shift(timedelta(hours=4))
        assert signed_in(client)


def test_the_idle_time_is_a_setting(client, settings, alice, now):
    settings.SESSION_IDLE_MINUTES = 30
    settings.SESSION_COOKIE_AGE = 30 * 60
    password(client, alice)
    now.shift(timedelta(minutes=29))
    assert signed_in(client)
    now.shift(timedelta(minutes=31))
    assert not signed_in(client)


def test_use_is_written_down_at_most_every_five_minutes(client, alice, now):
    password(client, alice)
    assert session_writes(client) == 0  # signing in just saved it
    now.shift(timedelta(minutes=4))
    assert session_writes(client) == 0
    now.shift(timedelta(minutes=2))
    assert session_writes(client) == 1
    assert session_writes(client) == 0
    assert sign_in.renewal_seconds() == 300


def test_signing_in_gives_a_new_session_key_and_so_does_the_code(client, alice, now):
    device, _ = give_app(alice)
    session = client.session
    session["visited"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key

    password(client, alice)
    after_password = client.session.session_key
    now.shift(31)
    enter_code(client, code_for(device))
    after_code = client.session.session_key

    assert len({before, after_password, after_code}) == 3


def test_a_password_change_keeps_this_session_and_ends_the_others(client, alice):
    elsewhere = Client()
    password(client, alice)
    password(elsewhere, alice)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw", "new_password1": "a-new-Pass-phrase-9", "new_password2": "a-new-Pass-phrase-9"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    assert signed_in(client)
    assert not signed_in(elsewhere)
    assert password(Client(), alice, secret="a-new-Pass-phrase-9").status_code == 302


def test_a_password_change_keeps_this_session_verified(client, alice, now):
    device, _ = give_app(alice)
    password(client, alice)
    now.shift(31)
    enter_code(client, code_for(device))

    client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw", "new_password1": "a-new-Pass-phrase-9", "new_password2": "a-new-Pass-phrase-9"},
    )

    assert signed_in(client)


def test_a_refused_password_change_keeps_what_was_typed_and_says_why(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "a-new-Pass-phrase-9", "new_password2": "different-Pass-9"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your old password was entered incorrectly" in page
    assert "autofocus" in page.split('name="old_password"')[1].split(">")[0]
    alice.refresh_from_db()
    assert alice.check_password("pw")


def test_switching_an_account_off_ends_its_open_session_at_the_next_request(client, alice):
    password(client, alice)
    assert signed_in(client)

    alice.is_active = False
    alice.save()

    assert not signed_in(client)


def test_an_ordinary_page_costs_a_password_only_session_nothing_and_a_verified_one_one_query(client, alice, bob, now):
    # bob signs in with his password alone; alice has an app and gives its code. Same page, both empty queues.
    device, _ = give_app(alice)
    verified = Client()
    password(verified, alice)
    now.shift(31)
    enter_code(verified, code_for(device))
    password(client, bob)

    def page_queries(person: Client) -> int:
        person.get(QUEUE)
        with CaptureQueriesContext(connection) as queries:
            assert person.get(QUEUE).status_code == 200
        return len(queries.captured_queries)

    # django-otp reads the device that verified the session (it may have been deleted since).
    assert page_queries(verified) == page_queries(client) + 1
