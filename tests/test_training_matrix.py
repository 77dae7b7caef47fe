"""The training matrix: each cell's status rule, the filters, who may see it, its CSV, and a fixed query count."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.roles import FRONT_LINE
from tests.helpers.training import answers, current, draft
from training import services
from training.matrix import MatrixFilters, Status, cell_status, training_matrix
from training.models import Assignment, Attempt, TrainingModule

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
NOON = datetime(2026, 6, 15, 12, tzinfo=timezone.get_current_timezone())


# --- the rule, on its own --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passed_at", "renewal", "due_on", "expected"),
    [
        (None, None, None, Status.NOT_ASSIGNED),
        (None, 12, TODAY, Status.DUE),  # due today is not overdue yet
        (None, 12, TODAY - timedelta(days=1), Status.OVERDUE),
        (NOON - timedelta(days=30), 12, None, Status.PASSED),
        (NOON - timedelta(days=3000), None, None, Status.PASSED),  # no renewal period: never expires
        (NOON.replace(year=2025), 12, None, Status.EXPIRED),  # expires on the day, a year on
        (NOON.replace(year=2025) + timedelta(days=1), 12, None, Status.PASSED),  # expires tomorrow
        (NOON.replace(year=2025), 12, TODAY + timedelta(days=30), Status.EXPIRED),  # renewal due: still expired
        (NOON.replace(year=2025), 12, TODAY - timedelta(days=1), Status.OVERDUE),  # renewal overdue wins
        (NOON - timedelta(days=30), 12, TODAY + timedelta(days=5), Status.DUE),  # asked again over a pass
    ],
)
def test_cell_status_rule(passed_at, renewal, due_on, expected):
    assert cell_status(passed_at=passed_at, renewal_months=renewal, due_on=due_on, today=TODAY) is expected


# --- the rule, through the matrix on real rows --------------------------------------------------


@pytest.fixture
def listening(maria: Any) -> TrainingModule:
    """An optional module with a 12-month renewal (so nobody has it assigned automatically)."""
    return services.module_create(user=maria, draft=draft(renewal_months=12))


def take(person: Any, module: TrainingModule, *, right: bool = True, token: str = "t1") -> Attempt:  # noqa: S107 - a form token
    version = current(module)
    return services.attempt_submit(
        user=person, version=version, answers=answers(version, right=None if right else 0), token=token
    )


def cell_of(person: Any, module: TrainingModule, *, today: date | None = None) -> Any:
    grid = training_matrix(today=today or timezone.localdate(), filters=MatrixFilters(module=module.slug))
    [row] = [row for row in grid.rows if row.person.pk == person.pk]
    [cell] = row.cells
    return cell


def test_no_assignment_and_no_attempt_is_not_assigned(alice, listening):
    assert cell_of(alice, listening).status is Status.NOT_ASSIGNED


def test_failed_attempts_only_are_not_assigned_or_still_due(alice, maria, listening):
    take(alice, listening, right=False, token="a")
    take(alice, listening, right=False, token="b")
    assert cell_of(alice, listening).status is Status.NOT_ASSIGNED
    services.assignment_create(module=listening, person=alice, due_on=timezone.localdate(), by=maria)
    take(alice, listening, right=False, token="c")
    assert cell_of(alice, listening).status is Status.DUE


def test_an_assignment_is_due_then_overdue(alice, maria, listening):
    due_on = timezone.localdate() + timedelta(days=3)
    services.assignment_create(module=listening, person=alice, due_on=due_on, by=maria)
    cell = cell_of(alice, listening)
    assert (cell.status, cell.due_on) == (Status.DUE, due_on)
    assert cell_of(alice, listening, today=due_on).status is Status.DUE
    assert cell_of(alice, listening, today=due_on + timedelta(days=1)).status is Status.OVERDUE


def test_a_pass_is_passed_until_it_expires(alice, maria, listening):
    services.assignment_create(
        module=listening, person=alice, due_on=timezone.localdate() + timedelta(days=3), by=maria
    )
    attempt = take(alice, listening)
    cell = cell_of(alice, listening)
    assert (cell.status, cell.passed_at, cell.due_on) == (Status.PASSED, attempt.submitted_at, None)
    expires_on = timezone.localdate(attempt.submitted_at).replace(year=timezone.localdate().year + 1)
    assert cell.expires_on == expires_on
    assert cell_of(alice, listening, today=expires_on - timedelta(days=1)).status is Status.PASSED
    assert cell_of(alice, listening, today=expires_on).status is Status.EXPIRED


def test_a_pass_before_a_needs_retaking_edit_no_longer_counts(alice, maria, listening):
    take(alice, listening)
    assert cell_of(alice, listening).status is Status.PASSED
    services.module_edit(
        module=listening,
        user=maria,
        draft=draft(renewal_months=12, summary="Changed."),
        based_on=1,
        needs_retaking=True,
    )
    cell = cell_of(alice, listening)
    assert (cell.status, cell.passed_at) == (Status.DUE, None)  # the retake assignment


# --- the page: who sees it, the filters, the links ------------------------------------------------


def matrix_url(**query: str) -> str:
    url = reverse("training:matrix")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def attempts_url(person: Any, module: TrainingModule) -> str:
    return reverse("training:person_attempts", args=[person.pk, module.slug])


@pytest.mark.parametrize("name", ["matrix", "matrix_csv", "person_attempts"])
def test_front_line_staff_get_403(client, alice, bob, listening, name):
    client.force_login(alice)
    args = [bob.pk, listening.slug] if name == "person_attempts" else []
    assert client.get(reverse(f"training:{name}", args=args)).status_code == 403


def test_only_managers_see_the_matrix_link(client, alice, maria):
    client.force_login(maria)
    assert reverse("training:matrix").encode() in client.get(reverse("training:module_list")).content
    client.force_login(alice)
    for url in (reverse("training:my_training"), reverse("training:module_take", args=["five-step-recovery"])):
        page = client.get(url)
        assert page.status_code == 200
        assert reverse("training:matrix") not in page.content.decode()


def test_the_page_shows_each_person_and_module_with_a_status_in_words(client, alice, bob, maria, listening):
    take(bob, listening)
    client.force_login(maria)
    page = client.get(matrix_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "<caption>" in html
    assert 'scope="row"' in html
    assert 'scope="col"' in html
    for name in ("Alice Archer", "Bob Baker", "Maria Moreno", "Listening first", "The five-step recovery"):
        assert name in html
    # A cell says its status in words and links to that person's attempts at that module.
    assert f'href="{attempts_url(bob, listening)}"' in html
    assert '✓</span> Passed<span class="visually-hidden">: Bob Baker, Listening first (attempts)' in html
    legend = html.split('id="matrix-legend"')[1].split("</ul>")[0]
    for status in Status:
        assert status.label in legend


def people_in(page: Any) -> set[str]:
    return {row.person.username for row in page.context["matrix"].rows}


def test_filters_by_role_and_by_module(client, alice, bob, maria, mark, listening):
    client.force_login(maria)
    assert people_in(client.get(matrix_url())) == {"alice", "bob", "maria", "mark"}
    assert people_in(client.get(matrix_url(role="front-line"))) == {"alice", "bob"}
    assert people_in(client.get(matrix_url(role="managers"))) == {"maria", "mark"}
    assert people_in(client.get(matrix_url(role="nonsense"))) == {"alice", "bob", "maria", "mark"}
    page = client.get(matrix_url(module=listening.slug, role="managers"))
    assert [m.slug for m in page.context["matrix"].modules] == [listening.slug]
    assert "Listening first</th>" in page.content.decode()
    assert "The five-step recovery</th>" not in page.content.decode()
    assert f'<option value="{listening.slug}" selected>' in page.content.decode()
    assert len(client.get(matrix_url()).context["matrix"].modules) == TrainingModule.objects.count()


def test_outsiders_and_leavers_are_not_rows(client, maria, alice, olivia):
    get_user_model().objects.filter(pk=alice.pk).update(is_active=False)
    client.force_login(maria)
    assert people_in(client.get(matrix_url())) == {"maria"}


def test_a_cell_links_to_the_persons_attempts(client, alice, maria, listening):
    take(alice, listening, right=False, token="a")
    take(alice, listening, token="b")
    client.force_login(maria)
    page = client.get(attempts_url(alice, listening))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alice Archer: Listening first" in html
    rows = html.split('id="person-attempts"')[1].split("</tbody>")[0].split("<tr>")[2:]
    assert len(rows) == 2
    assert "100%" in rows[0]
    assert "Passed" in rows[0]
    assert "0%" in rows[1]
    assert "Not passed" in rows[1]
    for attempt in Attempt.objects.filter(user=alice):
        assert reverse("training:attempt_detail", args=[attempt.pk]) in html
    assert client.get(reverse("training:person_attempts", args=[99999, listening.slug])).status_code == 404


# --- CSV -----------------------------------------------------------------------------------------


def csv_of(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_csv_has_a_header_and_a_row_per_cell_with_the_page_filters(client, alice, bob, maria, listening):
    take(bob, listening)
    services.assignment_create(module=listening, person=alice, due_on=timezone.localdate(), by=maria)
    alice.first_name = "=HYPERLINK(1)"
    alice.save()
    client.force_login(maria)
    response = client.get(reverse("training:matrix_csv") + f"?role=front-line&module={listening.slug}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="training-matrix-')
    header, *rows = csv_of(response)
    assert header == [
        "Person",
        "Username",
        "Role",
        "Module",
        "Status",
        "Due on",
        "Last passed",
        "Pass expires on",
    ]
    by_user = {row[1]: row for row in rows}
    assert set(by_user) == {"alice", "bob"}
    assert by_user["alice"][0] == "'=HYPERLINK(1) Archer"  # never a formula
    assert by_user["alice"][2:6] == ["Front line", "Listening first", "Due", timezone.localdate().isoformat()]
    assert by_user["bob"][4] == "Passed"
    assert by_user["bob"][6]
    assert by_user["bob"][7]
    everyone = csv_of(client.get(reverse("training:matrix_csv")))[1:]
    assert len(everyone) == 3 * TrainingModule.objects.count()  # alice, bob, maria × every module
    assert {row[2] for row in everyone} == {"Front line", "Manager"}


# --- a fixed number of queries ---------------------------------------------------------------------


def _staff_with_history(count: int, modules: list[TrainingModule]) -> None:
    """`count` front-line people (bulk: no signals), each with a mix of passes, fails and assignments."""
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"staff{i:03}", first_name="Staff", last_name=f"{i:03}") for i in range(count)]
    )
    group = Group.objects.get(name=FRONT_LINE)
    through = get_user_model().groups.through
    through.objects.bulk_create([through(user_id=user.pk, group_id=group.pk) for user in users])
    now, today = timezone.now(), timezone.localdate()
    attempts, assignments = [], []
    for i, user in enumerate(users):
        for j, module in enumerate(modules):
            kind = (i + j) % 5
            if kind in (0, 1):  # passed, recently or long ago (expired where there is renewal)
                at = now - timedelta(days=10 if kind == 0 else 800)
                attempts.append(
                    Attempt(
                        user=user,
                        version=module.current_version,
                        score=100,
                        passed=True,
                        started_at=at,
                        submitted_at=at,
                        token=f"p{j}",
                    )
                )
            elif kind in (2, 3):  # due or overdue, after a failed attempt
                attempts.append(
                    Attempt(
                        user=user,
                        version=module.current_version,
                        score=0,
                        passed=False,
                        started_at=now,
                        submitted_at=now,
                        token=f"f{j}",
                    )
                )
                due_on = today + timedelta(days=5 if kind == 2 else -5)
                assignments.append(Assignment(user=user, module=module, due_on=due_on, reason="manual"))
    Attempt.objects.bulk_create(attempts)
    Assignment.objects.bulk_create(assignments)


@pytest.mark.parametrize("staff", [2, 200])
def test_the_matrix_runs_a_fixed_number_of_queries(client, maria, listening, django_assert_num_queries, staff):
    modules = list(TrainingModule.objects.select_related("current_version"))
    assert len(modules) >= 5
    _staff_with_history(staff, modules)
    client.force_login(maria)
    with django_assert_num_queries(QUERIES_PAGE):
        page = client.get(matrix_url())
    assert page.status_code == 200
    matrix = page.context["matrix"]
    assert len(matrix.rows) == staff + 1  # and maria
    assert {status for status, n in matrix.counts().items() if n} == set(Status)
    assert "Staff 000" in page.content.decode()
    assert f"Staff {staff - 1:03}" in page.content.decode()
    with django_assert_num_queries(QUERIES_CSV):
        response = client.get(reverse("training:matrix_csv"))
        rows = csv_of(response)[1:]
    assert len(rows) == (staff + 1) * len(modules)


# Signing in: the session, the user, their own and their groups' permissions (4); the policy banner (1);
# then the matrix's four reads: the modules, the people, the passes that count, the open assignments
# (training/matrix.py). +1 the menu's inbox count (intake), on the page only: the CSV has no menu.
QUERIES_PAGE = 10
QUERIES_CSV = 8
