"""The service policy's empowerment limit in the recovery: front line up to it, a manager above it."""

from __future__ import annotations

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from policy.bootstrap import ensure_first_version
from policy.models import PolicyVersion
from policy.services import policy_publish
from recovery.models import AtonementKind, RecoveryAction, Stage
from recovery.workflow import complaint_atone
from tests.helpers.forms import post_step
from tests.helpers.pages import error_next_to
from tests.helpers.workflow import advance, assert_refused


@pytest.fixture(autouse=True)
def first_policy(db: None) -> None:
    """Version 1 of the policy, as the data migration makes it (a transactional test before may have flushed it)."""
    ensure_first_version(apps)


@pytest.fixture
def at_atone(alice, complaint):
    return advance(complaint, alice, Stage.ATONE)


def atone(complaint, user, value):
    return complaint_atone(complaint=complaint, user=user, kind=AtonementKind.REFUND, value=value, note="Refund")


def stored_value(complaint):
    return RecoveryAction.objects.get(complaint=complaint, step=Stage.ATONE).atonement_value


# --- the workflow --------------------------------------------------------------------------------


def test_front_line_above_the_limit_is_refused_naming_it_and_offering_a_manager(alice, at_atone):
    error = assert_refused(
        lambda: atone(at_atone, alice, "75"),
        match="£75.00 is above your empowerment limit of £50.00 (service policy v1)",
        field="value",
        complaint=at_atone,
    )

    assert "A manager can approve it: escalate the complaint to a manager with the value you propose." in error.message
    assert not RecoveryAction.objects.filter(complaint=at_atone, step=Stage.ATONE).exists()


@pytest.mark.parametrize("value", ["50", "50.00", "49.995", "0", 12])
def test_front_line_up_to_the_limit_is_recorded(alice, at_atone, value):
    atone(at_atone, alice, value)

    assert stored_value(at_atone) <= Decimal("50.00")


def test_a_value_that_rounds_above_the_limit_is_refused(alice, at_atone):
    assert_refused(lambda: atone(at_atone, alice, "50.005"), match="£50.01 is above", field="value", complaint=at_atone)


def test_a_manager_may_record_any_value(maria, at_atone):
    atone(at_atone, maria, "5000")

    assert stored_value(at_atone) == Decimal("5000.00")


def test_the_limit_in_force_is_the_latest_version(alice, maria, at_atone):
    policy_publish(user=maria, title="Policy", body="Text.", change_summary="Up to 100.", empowerment_limit="100")

    atone(at_atone, alice, "75")

    assert stored_value(at_atone) == Decimal("75.00")


def test_a_lower_limit_in_a_new_version_names_that_version(alice, maria, at_atone):
    policy_publish(user=maria, title="Policy", body="Text.", change_summary="Down to 20.", empowerment_limit="20")

    assert_refused(
        lambda: atone(at_atone, alice, "25"),
        match="above your empowerment limit of £20.00 (service policy v2)",
        field="value",
        complaint=at_atone,
    )


def test_nothing_offered_needs_no_limit(alice, at_atone):
    complaint_atone(complaint=at_atone, user=alice, kind=AtonementKind.NOTHING, note="Customer declined anything")

    assert stored_value(at_atone) is None


def test_someone_who_may_not_act_hears_that_rather_than_the_limit(bob, at_atone):
    error = assert_refused(lambda: atone(at_atone, bob, "75"), match="", complaint=at_atone)

    assert "limit" not in error.message


def test_with_no_policy_published_no_limit_is_set(alice, at_atone):
    PolicyVersion.objects.all().delete()

    atone(at_atone, alice, "75")

    assert stored_value(at_atone) == Decimal("75.00")


# --- the complaint page ---------------------------------------------------------------------------


def complaint_page(client, complaint, **headers):
    response = client.get(reverse("recovery:complaint_detail", args=[complaint.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_front_line_see_their_limit_next_to_the_atonement_value(client, alice, at_atone):
    client.force_login(alice)

    html = complaint_page(client, at_atone)

    value_block = html[html.index('id="div_id_step_value"') :]
    assert "Your limit: £50.00 (service policy v1)" in value_block[: value_block.index("</div>\n</div>") + 20]


def test_managers_see_no_limit(client, maria, at_atone):
    client.force_login(maria)

    assert "Your limit" not in complaint_page(client, at_atone)


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx"])
def test_refused_above_the_limit_the_form_comes_back_with_the_message_and_an_escalation(
    client, alice, maria, at_atone, headers
):
    client.force_login(alice)

    response = post_step(client, at_atone, Stage.ATONE, headers=headers, value="75", note="Refund the lot")

    assert response.status_code == 200
    html = response.content.decode()
    message = error_next_to(html, "step", "value")
    assert "£75.00 is above your empowerment limit of £50.00 (service policy v1)" in message
    assert 'value="75"' in html  # what was typed is kept
    escalate = re.search(r'<form[^>]*id="limit-escalation".*?</form>', html, re.S)
    assert escalate is not None, "no escalation offered"
    form = escalate.group(0)
    assert reverse("recovery:complaint_escalate", args=[at_atone.pk]) in form
    assert "Escalate to a manager" in form
    assert "£75.00" in form  # the proposed value, in the reason
    assert not RecoveryAction.objects.filter(complaint=at_atone, step=Stage.ATONE).exists()


def test_the_escalation_offered_goes_through_with_its_reason(client, alice, maria, at_atone):
    client.force_login(alice)
    html = post_step(client, at_atone, Stage.ATONE, value="75").content.decode()
    reason = re.search(r'<textarea name="reason"[^>]*id="id_limit_escalate_reason"[^>]*>(.*?)</textarea>', html, re.S)
    assert reason is not None

    response = client.post(
        reverse("recovery:complaint_escalate", args=[at_atone.pk]),
        {"to": maria.pk, "reason": html_lib.unescape(reason.group(1).strip()), "expected_version": at_atone.version},
    )

    assert response.status_code == 302
    at_atone.refresh_from_db()
    assert at_atone.escalated_to == maria
    assert "£75.00" in at_atone.escalation_reason
