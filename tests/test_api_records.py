"""The dashboard figures, the inbox (and taking a complaint from it) and the training records in the API.

The same rules as the screens: the dashboard and the training matrix are for managers; the inbox leaves
out employees' complaints for the front line; taking is the workflow's (who, when stale, when taken
already); each list costs a fixed number of queries whatever it holds.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from customers.models import CustomerGroup
from recovery.dashboard import dashboard_for
from recovery.forms.dashboard import DashboardFilterForm
from recovery.models import Category, Complaint, Severity
from recovery.workflow import complaint_take
from tests.factories import front_line_user, log_complaint
from tests.helpers.api import api_client, problem
from tests.helpers.intake import file_from_public_form, take_data
from training.models import Assignment, AssignmentReason, TrainingModule
from training.services import assignment_create

pytestmark = pytest.mark.django_db

DASHBOARD = "/api/v1/dashboard/"
INBOX = "/api/v1/inbox/"
MY_TRAINING = "/api/v1/training/assignments/"
MATRIX = "/api/v1/training/matrix/"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # the dashboard's figures are cached per set of filters


# --- the dashboard ------------------------------------------------------------------------------------------


def test_the_dashboard_is_for_managers(alice: Any, maria: Any, olivia: Any) -> None:
    assert problem(api_client().get(DASHBOARD), 401)
    assert problem(api_client(olivia).get(DASHBOARD), 403)
    assert problem(api_client(alice).get(DASHBOARD), 403)["detail"] == "Only managers can do this."
    assert api_client(maria).get(DASHBOARD).status_code == 200


def test_the_dashboard_gives_the_pages_figures_for_the_same_filters(alice: Any, maria: Any, customer: Any) -> None:
    for _ in range(3):
        log_complaint(user=alice, customer=customer, severity=Severity.HIGH)
    log_complaint(user=alice, customer=customer, severity=Severity.LOW)
    params = {"period": "30", "severity": "high"}
    body = api_client(maria).get(DASHBOARD, params).json()

    now = timezone.now()
    board = dashboard_for(DashboardFilterForm(params).dashboard_filters(now), now=now)
    today = timezone.localdate()
    assert body["filters"] == {
        "start": (today - timedelta(days=29)).isoformat(),
        "end": today.isoformat(),
        "days": 30,
        "group": "",
        "severity": "high",
        "category": None,
        "handler": None,
    }
    assert set(body["figures"]) == set(board.figures)
    for key, figure in board.figures.items():
        assert body["figures"][key]["value"] == figure.value, key
        assert body["figures"][key]["display"] == figure.display, key
    received = body["figures"]["received"]
    assert received["value"] == 3
    assert received["unit"] == "count"
    assert received["label"] == "Complaints received"
    assert received["page_url"].endswith(figures_url := board.figures["received"].url)
    assert "severity=high" in figures_url
    assert body["figures"]["recovery_rate"]["unit"] == "share"
    assert [row["label"] for row in body["open_by_stage"]][:1] == ["Apologize"]
    assert [h["name"] for h in body["handlers"]] == ["Alice Archer"]
    assert body["handlers"][0]["handled"] == 3


def test_a_refused_dashboard_filter_is_a_400_with_the_pages_message(maria: Any) -> None:
    client = api_client(maria)
    body = problem(client.get(DASHBOARD, {"date_from": "2026-03-10", "date_to": "2026-03-01"}), 400)
    assert body["errors"] == {"date_to": ["The ‘to’ date is before the ‘from’ date."]}
    assert "period" in problem(client.get(DASHBOARD, {"period": "7"}), 400)["errors"]
    assert "category" in problem(client.get(DASHBOARD, {"category": "999999"}), 400)["errors"]
    # A blank value is not "the default" here: the schema says what may be sent.
    assert problem(client.get(DASHBOARD, {"period": ""}), 400)["errors"] == {
        "period": ["Choose one of the options in the list."]
    }
    assert problem(client.get(DASHBOARD, {"date_from": "1/3/2026"}), 400)["errors"] == {
        "date_from": ["Give the date as YYYY-MM-DD, for example 2026-03-01."]
    }


# The token (with its user) and the permissions (two), then recovery's figures (one query folds the complaints
# logged since into the daily roll-up) and training's panel, computed because the cache was emptied: the
# same whatever the number of complaints.
DASHBOARD_QUERIES = 17


def test_the_dashboard_costs_the_same_queries_for_1_and_50_complaints(
    alice: Any, maria: Any, customer: Any, django_assert_num_queries: Any
) -> None:
    client = api_client(maria)
    client.get(DASHBOARD)
    log_complaint(user=alice, customer=customer)
    cache.clear()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(DASHBOARD).json()["figures"]["received"]["value"] == 1
    for _ in range(49):
        log_complaint(user=alice, customer=customer)
    cache.clear()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(DASHBOARD).json()["figures"]["received"]["value"] == 50
    # Within the cache time the figures are not computed again: as for the page.
    with django_assert_num_queries(3):
        assert client.get(DASHBOARD).json()["figures"]["received"]["value"] == 50


# --- the inbox ----------------------------------------------------------------------------------------------


def take_url(complaint: Complaint) -> str:
    return f"{INBOX}{complaint.pk}/take/"


def test_the_inbox_lists_what_nobody_has_taken_employees_complaints_for_managers_only(
    alice: Any, bob: Any, maria: Any, olivia: Any, complaint: Any
) -> None:
    waiting = file_from_public_form(1)
    colleagues = file_from_public_form(2, group=CustomerGroup.EMPLOYEE, name="Eve Employee")
    assert problem(api_client().get(INBOX), 401)
    assert problem(api_client(olivia).get(INBOX), 403)

    rows = api_client(alice).get(INBOX).json()
    assert rows["count"] == 1
    assert [row["reference"] for row in rows["results"]] == [waiting.reference]
    assert rows["results"][0]["owner"] is None
    managers = [row["reference"] for row in api_client(maria).get(INBOX).json()["results"]]
    assert set(managers) == {waiting.reference, colleagues.reference}
    assert complaint.reference not in managers  # owned: not in the inbox


def test_the_inbox_lists_the_most_severe_first_then_the_newest(alice: Any, maria: Any) -> None:
    low = file_from_public_form(1)
    critical = file_from_public_form(2)
    newer_low = file_from_public_form(3)
    category = Category.objects.get(name="Delivery")
    for filed, severity in ((low, Severity.LOW), (critical, Severity.CRITICAL), (newer_low, Severity.LOW)):
        # A manager's re-assessment without taking is not a thing: set the severity as the suggestion would.
        Complaint.objects.filter(pk=filed.pk).update(severity=severity, category=category)
    rows = api_client(alice).get(INBOX).json()["results"]
    assert [row["reference"] for row in rows] == [critical.reference, newer_low.reference, low.reference]


def test_taking_a_complaint_makes_it_yours_with_the_assessment(alice: Any) -> None:
    waiting = file_from_public_form()
    category = Category.objects.exclude(pk=waiting.category_id).filter(is_active=True).first()
    assert category is not None
    response = api_client(alice).post(
        take_url(waiting), take_data(waiting, category=category.pk, severity="high"), format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["owner"]["username"] == "alice"
    assert body["category"]["id"] == category.pk
    assert body["severity"] == "high"
    assert body["version"] > waiting.version
    waiting.refresh_from_db()
    assert waiting.owner == alice
    assert api_client(alice).get(INBOX).json()["results"] == []


def test_taking_is_refused_as_the_workflow_refuses_it(alice: Any, bob: Any, maria: Any) -> None:
    waiting = file_from_public_form()
    client = api_client(bob)
    body = problem(
        client.post(take_url(waiting), take_data(waiting, expected_version=waiting.version + 5), format="json"), 409
    )
    assert body["current_version"] == waiting.version

    body = problem(client.post(take_url(waiting), take_data(waiting, to=alice.pk), format="json"), 422)
    assert (body["detail"], body["field"]) == ("Only a manager can give an inbox complaint to someone else.", "to")

    complaint_take(complaint=waiting, user=alice, category=waiting.category, severity=waiting.severity)
    body = problem(client.post(take_url(waiting), take_data(waiting), format="json"), 422)
    assert body["detail"] == f"Alice Archer has just taken {waiting.reference}."
    waiting.refresh_from_db()
    assert waiting.owner == alice


def test_taking_checks_the_fields_as_the_take_form(alice: Any) -> None:
    waiting = file_from_public_form()
    body = problem(api_client(alice).post(take_url(waiting), {}, format="json"), 400)
    assert body["errors"] == {
        "category": ["Choose a category."],
        "severity": ["Choose a severity."],
        "expected_version": ["Send the complaint's `version` as you read it as `expected_version`."],
    }
    inactive = Category.objects.create(name="Retired", is_active=False)
    body = problem(
        api_client(alice).post(take_url(waiting), take_data(waiting, category=inactive.pk), format="json"), 400
    )
    assert body["errors"] == {"category": ["Choose one of the categories listed."]}
    waiting.refresh_from_db()
    assert waiting.owner is None


def test_a_manager_gives_an_inbox_complaint_to_a_colleague(alice: Any, maria: Any) -> None:
    waiting = file_from_public_form()
    response = api_client(maria).post(take_url(waiting), take_data(waiting, to=alice.pk), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["owner"]["username"] == "alice"


def test_an_employees_complaint_in_the_inbox_is_absent_to_the_front_line(alice: Any, maria: Any) -> None:
    colleagues = file_from_public_form(group=CustomerGroup.EMPLOYEE, name="Eve Employee")
    body = problem(api_client(alice).post(take_url(colleagues), take_data(colleagues), format="json"), 404)
    assert colleagues.reference not in body["detail"]
    colleagues.refresh_from_db()
    assert colleagues.owner is None


# The token (with its user), the permissions (two), the count and the page.
INBOX_QUERIES = 5


def test_the_inbox_costs_the_same_queries_for_1_and_50_complaints(alice: Any, django_assert_num_queries: Any) -> None:
    file_from_public_form(0)
    client = api_client(alice)
    client.get(INBOX)
    with django_assert_num_queries(INBOX_QUERIES):
        assert len(client.get(INBOX).json()["results"]) == 1
    for n in range(1, 50):
        file_from_public_form(n)
    with django_assert_num_queries(INBOX_QUERIES):
        assert len(client.get(f"{INBOX}?page_size=100").json()["results"]) == 50


# --- training records ---------------------------------------------------------------------------------------


def overdue(assignment: Assignment) -> None:
    """Make the assignment a day past its due date (as if the day had gone by)."""
    Assignment.objects.filter(pk=assignment.pk).update(due_on=timezone.localdate() - timedelta(days=1))


def _module() -> TrainingModule:
    module = TrainingModule.objects.filter(archived=False, current_version__isnull=False).order_by("slug").first()
    assert module is not None
    return module


def test_my_training_lists_my_assignments_and_passes(alice: Any, maria: Any) -> None:
    module = _module()
    Assignment.objects.filter(user=alice).delete()
    overdue(assignment_create(module=module, person=alice, due_on=timezone.localdate(), by=maria))
    body = api_client(alice).get(MY_TRAINING).json()
    assert body["user"]["username"] == "alice"
    assert [row["module"]["slug"] for row in body["to_do"]] == [module.slug]
    row = body["to_do"][0]
    assert row["overdue"] is True
    assert row["reason"] == AssignmentReason.MANUAL
    assert row["module"]["title"] == module.current_version.title  # type: ignore[union-attr]
    assert body["passed"] == []


def test_only_managers_read_someone_elses_training(alice: Any, bob: Any, maria: Any, olivia: Any) -> None:
    assert problem(api_client().get(MY_TRAINING), 401)
    assert problem(api_client(olivia).get(MY_TRAINING), 403)
    body = problem(api_client(alice).get(MY_TRAINING, {"user": bob.pk}), 403)
    assert body["detail"] == "Only managers can see someone else's training."
    assert api_client(alice).get(MY_TRAINING, {"user": alice.pk}).json()["user"]["username"] == "alice"
    assert api_client(maria).get(MY_TRAINING, {"user": bob.pk}).json()["user"]["username"] == "bob"
    assert problem(api_client(maria).get(MY_TRAINING, {"user": 999999}), 404)
    assert problem(api_client(maria).get(MY_TRAINING, {"user": "bob"}), 400)["errors"] == {
        "user": ["A valid integer is required."]
    }


def test_the_matrix_is_for_managers_with_the_pages_statuses(alice: Any, bob: Any, maria: Any) -> None:
    assert problem(api_client(alice).get(MATRIX), 403)
    module = _module()
    Assignment.objects.filter(user=alice, module=module).delete()
    overdue(assignment_create(module=module, person=alice, due_on=timezone.localdate(), by=maria))
    body = api_client(maria).get(MATRIX, {"role": "front-line"}).json()
    assert body["role"] == "front-line"
    assert [row["person"]["username"] for row in body["rows"]] == ["alice", "bob"]
    alices = {cell["module"]: cell for cell in body["rows"][0]["cells"]}
    assert alices[module.slug]["status"] == "overdue"
    assert alices[module.slug]["detail"].startswith("was due ")
    assert sum(body["counts"].values()) == len(body["rows"]) * len(body["modules"])
    assert problem(api_client(maria).get(MATRIX, {"role": "martians"}), 400)["errors"]["role"]


# The token (with its user), the permissions (two), then one read for My training's to-do, modules, passes.
MY_TRAINING_QUERIES = 6
# The token, the permissions (two), the matrix's four reads.
MATRIX_QUERIES = 7


def test_the_training_records_cost_the_same_queries_for_1_and_50_people(
    alice: Any, maria: Any, django_assert_num_queries: Any
) -> None:
    client = api_client(maria)
    client.get(MATRIX)
    with django_assert_num_queries(MY_TRAINING_QUERIES):
        assert client.get(MY_TRAINING).status_code == 200
    with django_assert_num_queries(MATRIX_QUERIES):
        first = len(client.get(MATRIX).json()["rows"])
    for n in range(50 - first):
        front_line_user(username=f"staff{n:02}")
    with django_assert_num_queries(MATRIX_QUERIES):
        assert len(client.get(MATRIX).json()["rows"]) == 50
    with django_assert_num_queries(MY_TRAINING_QUERIES + 1):  # + the person asked for
        assert client.get(MY_TRAINING, {"user": alice.pk}).status_code == 200


def test_my_training_costs_the_same_queries_for_1_and_50_assignments(
    alice: Any, maria: Any, django_assert_num_queries: Any
) -> None:
    client = api_client(alice)
    client.get(MY_TRAINING)
    Assignment.objects.filter(user=alice).delete()
    modules = list(TrainingModule.objects.filter(archived=False, current_version__isnull=False))
    assignment_create(module=modules[0], person=alice, due_on=timezone.localdate(), by=maria)
    with django_assert_num_queries(MY_TRAINING_QUERIES):
        assert len(client.get(MY_TRAINING).json()["to_do"]) == 1
    version = modules[0].current_version
    for n in range(49):
        module = TrainingModule.objects.create(slug=f"extra-{n:02}")
        assert version is not None
        copy = type(version).objects.create(
            module=module, number=1, title=f"Extra {n:02}", audience=version.audience, created_by=maria
        )
        TrainingModule.objects.filter(pk=module.pk).update(current_version=copy)
        module.refresh_from_db()
        assignment_create(module=module, person=alice, due_on=timezone.localdate(), by=maria)
    with django_assert_num_queries(MY_TRAINING_QUERIES):
        assert len(client.get(MY_TRAINING).json()["to_do"]) == 50
