"""Training screens: My training, taking a module, the managers' module form and assign form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.helpers.training import answers, current, draft, module_form_data
from training import services
from training.models import Assignment, Attempt, ModuleVersion, TrainingModule

pytestmark = pytest.mark.django_db

MANAGER_URLS = [
    ("training:module_list", ()),
    ("training:module_create", ()),
    ("training:module_edit", ("five-step-recovery",)),
    ("training:module_assign", ("five-step-recovery",)),
]


def module_url(slug="five-step-recovery"):
    return reverse("training:module_take", args=[slug])


def submit(client, module, chosen, **extra):
    version = current(module)
    page = client.get(module_url(module.slug))
    data = {"version": version.pk, "token": page.context["token"], "started": page.context["started"]}
    data.update({f"q{k}": v for k, v in chosen.items()})
    data.update(extra)
    return client.post(module_url(module.slug), data)


# --- who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "args"), MANAGER_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_front_line_staff_get_403_from_managers_urls(client, alice, name, args, method):
    client.force_login(alice)
    assert getattr(client, method)(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), MANAGER_URLS)
def test_managers_open_their_pages(client, maria, name, args):
    client.force_login(maria)
    assert client.get(reverse(name, args=args)).status_code == 200


def test_front_line_staff_never_see_the_managers_buttons(client, alice, maria):
    client.force_login(alice)
    for url in (reverse("training:my_training"), module_url()):
        page = client.get(url)
        assert page.status_code == 200
        assert reverse("training:module_list") not in page.content.decode()
        assert reverse("training:module_edit", args=["five-step-recovery"]) not in page.content.decode()
    client.force_login(maria)
    assert reverse("training:module_edit", args=["five-step-recovery"]).encode() in client.get(module_url()).content
    assert reverse("training:module_list").encode() in client.get(reverse("training:my_training")).content


def test_the_menu_has_training_for_everyone_in_a_role_and_outsiders_get_403(client, alice, maria, olivia):
    for person in (alice, maria):
        client.force_login(person)
        page = client.get(reverse("training:my_training"))
        assert page.status_code == 200
        entry = {"url": reverse("training:my_training"), "label": "Training", "section": "training:my_training"}
        assert {**entry, "count": 0} in page.context["nav"]["links"]
    client.force_login(olivia)
    assert client.get(reverse("training:my_training")).status_code == 403
    assert client.get(module_url()).status_code == 403


def test_a_person_sees_only_their_own_attempts(client, alice, bob, maria):
    module = TrainingModule.objects.get(slug="five-step-recovery")
    attempt = services.attempt_submit(user=alice, version=current(module), answers=answers(current(module)), token="t")
    url = reverse("training:attempt_detail", args=[attempt.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 200
    client.force_login(maria)
    assert client.get(url).status_code == 200


# --- My training -----------------------------------------------------------------------------


def test_my_training_lists_overdue_first_then_due_then_passed(client, alice, maria):
    today = timezone.localdate()
    Assignment.objects.filter(user=alice, module__slug="who-is-the-customer").update(due_on=today - timedelta(days=2))
    recovery = TrainingModule.objects.get(slug="five-step-recovery")
    services.attempt_submit(user=alice, version=current(recovery), answers=answers(current(recovery)), token="t")
    client.force_login(alice)
    page = client.get(reverse("training:my_training"))
    assert page.status_code == 200
    to_do = [(row.assignment.module.slug, row.overdue) for row in page.context["mine"].to_do]
    assert to_do == [("who-is-the-customer", True), ("our-service-policy", False), ("person-then-problem", False)]
    passed = page.context["mine"].passed
    assert [row.module.slug for row in passed] == ["five-step-recovery"]
    assert passed[0].expires_on is not None
    assert "Overdue" in page.content.decode()


@pytest.mark.parametrize("extra_passes", [0, 4])
def test_my_training_runs_a_fixed_number_of_queries(client, alice, maria, django_assert_num_queries, extra_passes):
    for slug in ["person-then-problem", "when-to-step-back", "who-is-the-customer", "our-service-policy"][
        :extra_passes
    ]:
        module = TrainingModule.objects.get(slug=slug)
        services.attempt_submit(user=alice, version=current(module), answers=answers(current(module)), token=slug)
    client.force_login(alice)
    # session, user, open assignments, modules with their versions, passes, the user's permissions (two: the
    # menu), the policy banner, the coaching reviews of my complaints; +1 the menu's inbox count (intake)
    with django_assert_num_queries(10):
        page = client.get(reverse("training:my_training"))
    assert page.status_code == 200


# --- taking a module ----------------------------------------------------------------------------


def test_the_module_page_renders_the_sections_as_sanitised_markdown(client, alice, maria):
    module = services.module_create(
        user=maria,
        draft=draft(sections=(draft().sections[0].__class__("Hostile", "**Bold** <script>alert(1)</script>"),)),
    )
    client.force_login(alice)
    page = client.get(module_url(module.slug))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize("attempts", [0, 3])
def test_the_module_page_runs_a_fixed_number_of_queries(client, alice, django_assert_num_queries, attempts):
    module = TrainingModule.objects.get(slug="five-step-recovery")
    for n in range(attempts):
        services.attempt_submit(user=alice, version=current(module), answers=answers(current(module)), token=f"t{n}")
    client.force_login(alice)
    # session, user, module with its version, questions, choices, attempts so far (the form token), the
    # user's permissions (user and group: the menu and the managers' buttons), sections, my attempts, the
    # policy banner; +1 the menu's inbox count (intake)
    with django_assert_num_queries(12):
        page = client.get(module_url())
    assert page.status_code == 200


def test_fail_then_pass_shows_each_answer_with_its_explanation(client, alice):
    module = TrainingModule.objects.get(slug="five-step-recovery")
    version = current(module)
    client.force_login(alice)
    failed = submit(client, module, answers(version, right=1))
    assert failed.status_code == 302
    result = client.get(failed["Location"])
    assert result.status_code == 200
    html = result.content.decode()
    assert "not passed yet" in html
    assert "Wrong" in html
    for question in version.questions.all():
        assert escape(question.explanation) in html
    assert "Try again" in html
    passed = submit(client, module, answers(version))
    assert "passed" in client.get(passed["Location"]).content.decode()
    assert list(Attempt.objects.filter(user=alice).values_list("passed", flat=True).order_by("pk")) == [False, True]
    assert not Assignment.objects.filter(user=alice, module=module, closed_at__isnull=True).exists()


def test_sending_the_same_form_twice_records_one_attempt(client, alice):
    module = TrainingModule.objects.get(slug="five-step-recovery")
    version = current(module)
    client.force_login(alice)
    page = client.get(module_url())
    data = {"version": version.pk, "token": page.context["token"], "started": page.context["started"]}
    data.update({f"q{k}": v for k, v in answers(version).items()})
    first = client.post(module_url(), data)
    second = client.post(module_url(), data)
    assert first["Location"] == second["Location"]
    assert Attempt.objects.filter(user=alice).count() == 1


def test_an_unanswered_question_reshows_the_check_with_the_answers_kept(client, alice):
    module = TrainingModule.objects.get(slug="five-step-recovery")
    version = current(module)
    first_question, first_choice = next(iter(answers(version).items()))
    client.force_login(alice)
    page = submit(client, module, {first_question: first_choice})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Answer every question" in html
    assert f'id="c{first_choice}" value="{first_choice}" checked' in html
    assert not Attempt.objects.exists()


# --- managers: the module form ---------------------------------------------------------------


def test_a_manager_creates_a_module_in_the_app(client, maria, alice):
    client.force_login(maria)
    response = client.post(reverse("training:module_create"), module_form_data(required="on"))
    assert response.status_code == 302
    module = TrainingModule.objects.get(slug="handling-a-phone-complaint")
    version = current(module)
    assert (version.audience, version.steps, version.pass_mark, version.required) == (
        "external",
        ["apologize", "empathize"],
        50,
        True,
    )
    assert version.sections.count() == 1
    assert version.questions.get().choices.get(is_correct=True).text == "Listen"
    assert Assignment.objects.filter(user=alice, module=module, closed_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"questions-0-answer": ""}, "Mark the one right answer of question 1"),
        ({"pass_mark": "150"}, "The pass mark is a percentage from 1 to 100"),
        ({"sections-0-title": "", "sections-0-body": ""}, "at least one section with text"),
        ({"questions-0-text": "", "questions-0-choice_1": "", "questions-0-choice_2": ""}, "at least one question"),
        ({"questions-0-choice_2": ""}, "needs at least two choices"),
    ],
)
def test_bad_input_reshows_the_form_with_the_message_and_what_was_typed(client, maria, changes, message):
    client.force_login(maria)
    versions = ModuleVersion.objects.count()
    page = client.post(reverse("training:module_create"), module_form_data(**changes))
    assert page.status_code == 400
    html = page.content.decode()
    assert message in html
    assert 'value="Handling a phone complaint"' in html
    assert "What first?</textarea>" in html or not changes.get("questions-0-choice_1", "x")
    assert ModuleVersion.objects.count() == versions
    assert not TrainingModule.objects.filter(slug="handling-a-phone-complaint").exists()


def test_adding_a_row_saves_nothing_and_keeps_what_was_typed(client, maria):
    client.force_login(maria)
    page = client.post(reverse("training:module_create"), module_form_data(add="questions"))
    assert page.status_code == 200
    assert len(page.context["questions"].forms) == 3
    assert "What first?</textarea>" in page.content.decode()
    assert not TrainingModule.objects.filter(slug="handling-a-phone-complaint").exists()


def test_editing_in_the_app_stores_a_new_version_and_can_ask_for_retaking(client, maria, alice):
    module = TrainingModule.objects.get(slug="when-to-step-back")
    services.attempt_submit(user=alice, version=current(module), answers=answers(current(module)), token="t")
    client.force_login(maria)
    form = client.get(reverse("training:module_edit", args=[module.slug]))
    assert form.status_code == 200
    assert form.context["form"].initial["title"] == "When to step back"
    response = client.post(
        reverse("training:module_edit", args=[module.slug]),
        module_form_data(title="When to step back", based_on="1", needs_retaking="on"),
    )
    assert response.status_code == 302
    assert current(module).number == 2
    assert Assignment.objects.get(user=alice, module=module, closed_at__isnull=True).reason == "retake"


# --- managers: assigning --------------------------------------------------------------------------


def test_a_manager_assigns_a_module_to_a_person_and_to_a_role(client, maria, alice, bob):
    client.force_login(maria)
    url = reverse("training:module_assign", args=["when-to-step-back"])
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert client.post(url, {"person": alice.pk, "due_on": due}).status_code == 302
    assert client.post(url, {"role": "Front line", "due_on": due}).status_code == 302
    assert Assignment.objects.filter(module__slug="when-to-step-back", closed_at__isnull=True).count() == 2


def test_a_due_date_in_the_past_reshows_the_assign_form(client, maria, alice):
    client.force_login(maria)
    url = reverse("training:module_assign", args=["when-to-step-back"])
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    page = client.post(url, {"person": alice.pk, "due_on": past})
    assert page.status_code == 400
    assert "The due date is in the past" in page.content.decode()
    assert f'value="{past}"' in page.content.decode()
    assert not Assignment.objects.filter(module__slug="when-to-step-back").exists()
