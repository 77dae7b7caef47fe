"""The reference data in the API: categories, the due times per severity, the customer-service policy.

Read-only, for everyone in a role, from the same selectors as the screens, in a fixed number of queries.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from policy.models import PolicyVersion
from policy.selectors import current_policy
from policy.services import policy_publish
from recovery.models import Category, RecoveryPolicy
from tests.helpers.api import api_client, problem

pytestmark = pytest.mark.django_db

URLS = (
    "/api/v1/categories/",
    "/api/v1/recovery-policies/",
    "/api/v1/policy/",
    "/api/v1/policy/versions/",
    "/api/v1/policy/versions/1/",
)


def publish(manager: Any, number: int, *, limit: str = "75.00") -> PolicyVersion:
    current = current_policy()
    return policy_publish(
        user=manager,
        title=f"Policy {number}",
        body=f"# Policy {number}\n\nBe kind, *fast*.",
        change_summary=f"Change {number}",
        empowerment_limit=Decimal(limit),
        expected_current=current.number if current else None,
    )


@pytest.mark.parametrize("url", URLS)
def test_everyone_in_a_role_reads_it_nobody_else(url: str, alice: Any, maria: Any, olivia: Any) -> None:
    assert problem(api_client().get(url), 401)
    assert problem(api_client(olivia).get(url), 403)
    assert api_client(alice).get(url).status_code == 200
    assert api_client(maria).get(url).status_code == 200


# --- categories -------------------------------------------------------------------------------------------


def test_the_categories_are_the_active_ones_unless_all_are_asked_for(alice: Any) -> None:
    Category.objects.create(name="Aardvarks", is_active=False)
    client = api_client(alice)
    active = client.get("/api/v1/categories/").json()
    assert [c["name"] for c in active] == sorted(c.name for c in Category.objects.filter(is_active=True))
    assert all(c["is_active"] for c in active)
    every = client.get("/api/v1/categories/", {"all": "true"}).json()
    assert every[0] == {
        "id": Category.objects.get(name="Aardvarks").pk,
        "name": "Aardvarks",
        "description": "",
        "is_active": False,
    }
    assert len(every) == Category.objects.count()
    assert problem(client.get("/api/v1/categories/", {"all": "maybe"}), 400)["errors"] == {
        "all": ["Must be a valid boolean."]
    }


# --- the recovery policy's due times ----------------------------------------------------------------------


def test_the_due_times_are_given_per_severity_least_severe_first(alice: Any) -> None:
    rows = api_client(alice).get("/api/v1/recovery-policies/").json()
    assert [row["severity"] for row in rows] == ["low", "medium", "high", "critical"]
    medium = RecoveryPolicy.objects.get(severity="medium")
    assert rows[1] == {
        "severity": "medium",
        "hours_to_apologize": medium.hours_to_apologize,
        "hours_to_reinstate": medium.hours_to_reinstate,
        "hours_to_empathize": medium.hours_to_empathize,
        "days_to_atone": medium.days_to_atone,
        "days_to_follow_up": medium.days_to_follow_up,
        "escalation_grace_hours": medium.escalation_grace_hours,
    }


# --- the customer-service policy --------------------------------------------------------------------------


def test_the_policy_in_force_has_its_markdown_and_empowerment_limit(alice: Any, maria: Any) -> None:
    published = publish(maria, 2, limit="120.50")
    body = api_client(alice).get("/api/v1/policy/").json()
    assert body["number"] == published.number
    assert body["title"] == "Policy 2"
    assert body["body"] == "# Policy 2\n\nBe kind, *fast*."  # the Markdown source, not HTML
    assert body["empowerment_limit"] == "120.50"
    assert body["published_by"]["name"] == "Maria Moreno"
    assert body["in_force"] is True
    assert body["published_at"]
    assert body["url"].endswith(f"/api/v1/policy/versions/{published.number}/")


def test_before_any_version_there_is_no_policy(alice: Any) -> None:
    PolicyVersion.objects.all().delete()
    body = problem(api_client(alice).get("/api/v1/policy/"), 404)
    assert body["detail"] == "No version of the service policy has been published yet."


def test_the_versions_are_listed_newest_first_with_readers_counted_for_managers(alice: Any, maria: Any) -> None:
    first = current_policy()
    assert first is not None
    second = publish(maria, 2)
    alices = api_client(alice).get("/api/v1/policy/versions/").json()
    assert [v["number"] for v in alices] == [second.number, first.number]
    assert "body" not in alices[0]
    assert alices[0]["acknowledgement_count"] is None  # who has read it is the publishers' business
    marias = api_client(maria).get("/api/v1/policy/versions/").json()
    assert marias[0]["acknowledgement_count"] == 1  # the publisher has read what they published

    old = api_client(alice).get(f"/api/v1/policy/versions/{first.number}/").json()
    assert old["number"] == first.number
    assert old["in_force"] is False
    assert old["body"] == first.body
    assert problem(api_client(alice).get("/api/v1/policy/versions/999/"), 404)


# --- a fixed number of queries ----------------------------------------------------------------------------

# The token (with its user) and the user's permissions (two), then one read.
ONE_READ = 4


def test_the_categories_cost_the_same_queries_for_1_and_50(alice: Any, django_assert_num_queries: Any) -> None:
    Category.objects.all().delete()
    Category.objects.create(name="Only")
    client = api_client(alice)
    client.get("/api/v1/categories/")
    with django_assert_num_queries(ONE_READ):
        assert len(client.get("/api/v1/categories/?all=true").json()) == 1
    Category.objects.bulk_create(Category(name=f"Category {n:02}") for n in range(49))
    with django_assert_num_queries(ONE_READ):
        assert len(client.get("/api/v1/categories/?all=true").json()) == 50
    with django_assert_num_queries(ONE_READ):
        assert len(client.get("/api/v1/categories/").json()) == 50


def test_the_due_times_and_the_policy_cost_a_fixed_number_of_queries(
    alice: Any, django_assert_num_queries: Any
) -> None:
    client = api_client(alice)
    client.get("/api/v1/recovery-policies/")
    with django_assert_num_queries(ONE_READ):
        assert len(client.get("/api/v1/recovery-policies/").json()) == 4
    with django_assert_num_queries(ONE_READ):
        assert client.get("/api/v1/policy/").status_code == 200
    with django_assert_num_queries(ONE_READ + 1):  # the version asked for, and the one in force
        assert client.get("/api/v1/policy/versions/1/").status_code == 200


def test_the_versions_cost_the_same_queries_for_1_and_50(
    alice: Any, maria: Any, django_assert_num_queries: Any
) -> None:
    client = api_client(alice)
    client.get("/api/v1/policy/versions/")
    with django_assert_num_queries(ONE_READ):  # whether the reader may publish: permissions already read
        assert len(client.get("/api/v1/policy/versions/").json()) == 1
    for number in range(2, 51):
        publish(maria, number)
    with django_assert_num_queries(ONE_READ):
        assert len(client.get("/api/v1/policy/versions/").json()) == 50
