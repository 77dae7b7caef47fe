"""The service policy's services and selectors: publishing, reading, acknowledging, the empowerment limit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import FRONT_LINE, MANAGERS
from common.errors import DomainError
from policy import first_version, selectors
from policy.bootstrap import ensure_first_version
from policy.models import PolicyAcknowledgement, PolicyVersion
from policy.services import policy_acknowledge, policy_publish


@pytest.fixture(autouse=True)
def first_policy(db: None) -> None:
    """Version 1 of the policy, as the data migration makes it (a transactional test before may have flushed it)."""
    ensure_first_version(apps)


def publish(user: Any, **changes: Any) -> PolicyVersion:
    arguments: dict[str, Any] = {
        "title": "Our customer-service policy",
        "body": "## Who the customer is\n\nEveryone we serve.",
        "change_summary": "The limit goes up to 75.",
        "empowerment_limit": "75",
    }
    arguments.update(changes)
    return policy_publish(user=user, **arguments)


def test_a_new_installation_has_version_1_published_by_careDesk(db):
    current = selectors.current_policy()

    assert current is not None
    assert (current.number, current.title, current.published_by) == (1, first_version.TITLE, None)
    assert current.empowerment_limit == Decimal("50.00")
    assert "apologize" in current.body.lower()
    assert "five groups" in current.body.lower()
    assert selectors.empowerment_limit() == Decimal("50.00")


def test_the_managers_role_may_publish_and_the_front_line_may_not(starter_data):
    def codenames(role: str) -> set[str]:
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    assert "publish_policy" in codenames(MANAGERS)
    assert "publish_policy" not in codenames(FRONT_LINE)


def test_a_manager_publishes_the_next_version_which_is_then_in_force(maria):
    version = publish(maria, empowerment_limit="75.005")

    assert version.number == 2
    assert selectors.current_policy() == version
    assert version.published_by == maria
    assert selectors.empowerment_limit() == Decimal("75.01")  # to the penny, half up
    assert selectors.current_limit() == selectors.EmpowermentLimit(Decimal("75.01"), 2)


def test_the_publisher_has_read_what_they_publish(maria):
    version = publish(maria)

    assert selectors.needs_acknowledgement(maria) is None
    assert PolicyAcknowledgement.objects.get(version=version).user == maria


@pytest.mark.parametrize("persona", ["alice", "olivia"])
def test_only_a_manager_may_publish(request, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(DomainError, match="Only a manager can publish"):
        publish(user)
    assert PolicyVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "   "}, "title", "Give the policy a title."),
        ({"body": ""}, "body", "Write the policy: its text cannot be empty."),
        ({"change_summary": None}, "change_summary", "Say in a line what changed."),
        ({"empowerment_limit": "-1"}, "empowerment_limit", "The empowerment limit cannot be negative."),
        ({"empowerment_limit": ""}, "empowerment_limit", "Enter the empowerment limit"),
        ({"empowerment_limit": "lots"}, "empowerment_limit", "Enter the empowerment limit as an amount"),
        ({"empowerment_limit": "NaN"}, "empowerment_limit", "Enter the empowerment limit as an amount"),
        ({"empowerment_limit": "1e12"}, "empowerment_limit", "must be at most"),
        ({"title": "t" * 201}, "title", "at most 200 characters"),
        ({"body": "Bell \x07 from a paste"}, "body", "control characters"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_stored(maria, changes, field, message):
    with pytest.raises(DomainError, match=message) as refused:
        publish(maria, **changes)

    assert refused.value.field == field
    assert PolicyVersion.objects.count() == 1
    assert not PolicyAcknowledgement.objects.exists()


def test_a_version_published_meanwhile_is_not_silently_replaced(maria, mark):
    publish(mark, expected_current=1)

    with pytest.raises(DomainError, match="Version 2 was published while you were writing"):
        publish(maria, expected_current=1)
    assert PolicyVersion.objects.count() == 2


def test_a_published_version_cannot_be_changed(db):
    version = selectors.current_policy()
    assert version is not None
    version.empowerment_limit = Decimal("1000")

    with pytest.raises(ValueError, match="cannot be changed"):
        version.save()
    assert selectors.empowerment_limit() == Decimal("50.00")


def test_acknowledging_twice_records_it_once(alice):
    version = selectors.current_policy()
    assert version is not None

    first = policy_acknowledge(user=alice, version=version)
    second = policy_acknowledge(user=alice, version=version)

    assert first.pk == second.pk
    assert first.acknowledged_at == second.acknowledged_at
    assert PolicyAcknowledgement.objects.filter(user=alice).count() == 1


def test_someone_without_a_role_is_not_asked_and_may_not_acknowledge(olivia):
    version = selectors.current_policy()
    assert version is not None

    assert selectors.needs_acknowledgement(olivia) is None
    with pytest.raises(DomainError, match="Only staff"):
        policy_acknowledge(user=olivia, version=version)
    assert not PolicyAcknowledgement.objects.exists()


def test_a_new_version_asks_again_and_earlier_acknowledgements_are_kept(alice, maria):
    first = selectors.current_policy()
    assert first is not None
    assert selectors.needs_acknowledgement(alice) == first
    policy_acknowledge(user=alice, version=first)
    assert selectors.needs_acknowledgement(alice) is None

    second = publish(maria)

    assert selectors.needs_acknowledgement(alice) == second
    assert PolicyAcknowledgement.objects.filter(user=alice, version=first).exists()
    policy_acknowledge(user=alice, version=second)
    assert selectors.needs_acknowledgement(alice) is None
    assert PolicyAcknowledgement.objects.filter(user=alice).count() == 2


def test_acknowledgements_list_who_has_with_the_time_and_the_active_staff_who_have_not(alice, bob, maria, olivia):
    version = selectors.current_policy()
    assert version is not None
    leaver = get_user_model().objects.create(username="lena", first_name="Lena", last_name="Left")
    leaver.groups.add(Group.objects.get(name=FRONT_LINE))
    policy_acknowledge(user=bob, version=version)
    policy_acknowledge(user=leaver, version=version)
    get_user_model().objects.filter(pk=leaver.pk).update(is_active=False)

    readers = selectors.acknowledgements_for(version)

    assert [(r.user.username, r.still_staff) for r in readers.have] == [("bob", True), ("lena", False)]
    assert all(r.acknowledged_at is not None for r in readers.have)
    assert [person.username for person in readers.have_not] == ["alice", "maria"]  # olivia is no staff


def test_with_no_version_at_all_nothing_is_asked_and_no_limit_is_set(alice):
    PolicyVersion.objects.all().delete()

    assert selectors.current_policy() is None
    assert selectors.needs_acknowledgement(alice) is None
    assert selectors.empowerment_limit() is None
