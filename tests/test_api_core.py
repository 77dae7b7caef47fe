"""The API's own machinery: personal tokens, who gets in, rate limits, problem details, the docs page."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from common.errors import DomainError
from tests.helpers.api import api_client, problem, token_for
from tests.helpers.two_step import give_app, password

pytestmark = pytest.mark.django_db

SCHEMA = "/api/v1/schema/"


def _bearer(raw: str) -> Any:
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


# --- tokens --------------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash(alice: Any) -> None:
    token, raw = tokens.token_create(user=alice, name="Shop")
    assert raw.startswith("cd_")
    assert len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)


def test_a_live_token_authenticates_its_user_and_notes_when_it_was_used(alice: Any) -> None:
    token, raw = tokens.token_create(user=alice, name="Shop")
    assert _bearer(raw).get(SCHEMA).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer cd_not-a-real-token", "Bearer", "Bearer a b", "Bearer wrong-prefix"],
    ids=["unknown", "no token", "two words", "not ours"],
)
def test_a_wrong_token_is_401problem(alice: Any, header: str) -> None:
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=header)
    body = problem(client.get(SCHEMA), 401)
    assert body["type"] == "/api/v1/problems/unauthenticated"


def test_no_credentials_is_401_with_the_scheme_to_use(alice: Any) -> None:
    response = api_client().get(SCHEMA)
    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_stops_at_its_expiry(alice: Any) -> None:
    expiry = timezone.now() + timedelta(days=1)
    _, raw = tokens.token_create(user=alice, name="Short", expires_at=expiry)
    assert _bearer(raw).get(SCHEMA).status_code == 200
    with time_machine.travel(expiry + timedelta(seconds=1)):
        problem(_bearer(raw).get(SCHEMA), 401)


def test_a_revoked_token_stops_at_once(alice: Any) -> None:
    token, raw = tokens.token_create(user=alice, name="Shop")
    assert _bearer(raw).get(SCHEMA).status_code == 200
    tokens.token_revoke(user=alice, token_id=token.pk)
    problem(_bearer(raw).get(SCHEMA), 401)


def test_switching_a_user_off_stops_their_tokens_at_once(alice: Any) -> None:
    raw = token_for(alice)
    client = _bearer(raw)
    assert client.get(SCHEMA).status_code == 200
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    problem(client.get(SCHEMA), 401)


def test_an_account_without_a_role_is_403(olivia: Any) -> None:
    body = problem(api_client(olivia).get(SCHEMA), 403)
    assert "no CareDesk role" in body["detail"]


def test_nobody_revokes_someone_elses_token(alice: Any, bob: Any) -> None:
    token, raw = tokens.token_create(user=alice, name="Shop")
    with pytest.raises(DomainError):
        tokens.token_revoke(user=bob, token_id=token.pk)
    assert _bearer(raw).get(SCHEMA).status_code == 200


@pytest.mark.parametrize("name", ["", "   ", "\u200b", "x" * 101])
def test_a_token_needs_a_sensible_name(alice: Any, name: str) -> None:
    with pytest.raises(DomainError) as refused:
        tokens.token_create(user=alice, name=name)
    assert refused.value.field == "name"
    assert not ApiToken.objects.exists()


def test_a_token_cannot_expire_in_the_past(alice: Any) -> None:
    with pytest.raises(DomainError) as refused:
        tokens.token_create(user=alice, name="Old", expires_at=timezone.now() - timedelta(minutes=1))
    assert refused.value.field == "expires_at"


def test_an_installation_can_cap_how_long_tokens_live(alice: Any, settings: Any) -> None:
    settings.API_TOKEN_MAX_DAYS = 30
    with pytest.raises(DomainError):
        tokens.token_create(user=alice, name="Forever")
    with pytest.raises(DomainError):
        tokens.token_create(user=alice, name="Too long", expires_at=timezone.now() + timedelta(days=31))
    token, _ = tokens.token_create(user=alice, name="Month", expires_at=timezone.now() + timedelta(days=29))
    assert token.pk


# --- the token page ----------------------------------------------------------------------------


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_token_page_shows_a_new_token_once(alice: Any) -> None:
    client = _signed_in(alice)
    page = client.post(reverse("api_tokens:list"), {"name": "Shop integration", "expires_on": ""})
    assert page.status_code == 200
    raw = page.context["new_token"]
    assert raw
    assert raw in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    assert ApiToken.objects.get(user=alice).name == "Shop integration"
    # The token works, and the page never shows it again.
    assert _bearer(raw).get(SCHEMA).status_code == 200
    again = client.get(reverse("api_tokens:list")).content.decode()
    assert raw not in again
    assert "Shop integration" in again


def test_the_token_form_keeps_what_was_typed_and_says_what_is_wrong(alice: Any) -> None:
    client = _signed_in(alice)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    page = client.post(reverse("api_tokens:list"), {"name": "Shop integration", "expires_on": yesterday})
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["new_token"] is None
    assert "Choose today or a later day." in html
    assert 'value="Shop integration"' in html
    assert not ApiToken.objects.exists()
    page = client.post(reverse("api_tokens:list"), {"name": " ", "expires_on": ""})
    assert "Give the token a name" in page.content.decode()


def test_a_token_made_to_expire_on_a_day_lasts_to_its_end(alice: Any) -> None:
    day = timezone.localdate() + timedelta(days=3)
    _signed_in(alice).post(reverse("api_tokens:list"), {"name": "Three days", "expires_on": day.isoformat()})
    expires = timezone.localtime(ApiToken.objects.get().expires_at)
    assert expires.date() == day + timedelta(days=1)
    assert (expires.hour, expires.minute) == (0, 0)


def test_revoking_from_the_page(alice: Any, bob: Any) -> None:
    token, raw = tokens.token_create(user=alice, name="Shop")
    # Someone else's token: refused, still working.
    bobs = _signed_in(bob).post(reverse("api_tokens:revoke", args=[token.pk]))
    assert bobs.status_code == 404
    assert _bearer(raw).get(SCHEMA).status_code == 200
    page = _signed_in(alice).post(reverse("api_tokens:revoke", args=[token.pk]), follow=True)
    assert "is revoked" in page.content.decode()
    problem(_bearer(raw).get(SCHEMA), 401)


def test_the_account_page_leads_to_the_tokens(alice: Any) -> None:
    html = _signed_in(alice).get(reverse("accounts:account")).content.decode()
    assert reverse("api_tokens:list") in html
    assert reverse("api:docs") in html


# --- rate limits, problems, the docs page ---------------------------------------------------------


def test_each_token_has_its_own_rate_limit_then_429_with_retry_after(alice: Any, settings: Any) -> None:
    settings.API_RATE_PER_MINUTE = 3
    first, second = api_client(alice), api_client(alice)
    for _ in range(3):
        assert first.get(SCHEMA).status_code == 200
    response = first.get(SCHEMA)
    body = problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert body["retry_after"] == int(response["Retry-After"])
    # The owner's other token is counted on its own.
    assert second.get(SCHEMA).status_code == 200


def test_an_unknown_path_is_a_404problem(alice: Any) -> None:
    body = problem(api_client(alice).get("/api/v1/no-such-thing/"), 404)
    assert "schema" in body["detail"]


def test_the_api_reads_json_only(alice: Any) -> None:
    response = api_client(alice).post("/api/v1/schema/", {"a": "b"}, format="multipart")
    assert response.status_code in (405, 415)
    problem(response, response.status_code)


def test_a_session_needs_its_csrf_token_to_write(alice: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/api/v1/complaints/", {}, content_type="application/json")
    body = problem(response, 403)
    assert "CSRF" in body["detail"]


def test_the_docs_page_is_for_signed_in_staff_and_loads_nothing_from_elsewhere(alice: Any) -> None:
    assert Client().get(reverse("api:docs"))["Location"].startswith("/login/")
    page = _signed_in(alice).get(reverse("api:docs"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "swagger-ui-bundle.js" in html
    assert "<script>" not in html
    assert "<style>" not in html
    assert "http://" not in html
    assert "https://" not in html
    script = _signed_in(alice).get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert reverse("api:schema") in script.content.decode()


def test_a_session_still_owing_its_second_step_is_nobody_to_the_api(maria: Any) -> None:
    give_app(maria)
    client = Client()
    password(client, maria)  # the password is right; the code is still owed
    problem(client.get(SCHEMA), 401)
    assert client.get(reverse("api:docs"))["Location"].startswith(reverse("accounts:login_code"))


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_a_request_sent_at_once_with_one_key_make_one_complaint(alice: Any, customer: Any) -> None:
    from recovery.models import Category, Complaint
    from tests.helpers.concurrency import run_at_once

    raw = token_for(alice)
    body = {
        "customer": customer.pk,
        "channel": "phone",
        "category": Category.objects.order_by("pk").values_list("pk", flat=True)[0],
        "severity": "medium",
        "summary": "The parcel came a week late",
    }

    def send() -> Any:
        client = _bearer(raw)
        return client.post("/api/v1/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="order-1234-late")

    first, second = run_at_once(send, send)
    assert first.error is None
    assert second.error is None
    assert {first.value.status_code, second.value.status_code} == {201}
    assert first.value.json()["id"] == second.value.json()["id"]
    assert Complaint.objects.count() == 1
    assert {first.value.get("Idempotent-Replayed"), second.value.get("Idempotent-Replayed")} == {None, "true"}
