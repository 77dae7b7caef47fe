"""Training screens: My training, reading and taking a module, its result; managers' module list,
module form (create, edit as a new version) and assign form.

Everyone in a role (front line, managers) has My training and may take a module; managers' URLs are
`role_required(is_manager)` (403 for everyone else). An attempt is shown to its taker and to managers only
(404 otherwise).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts import roles
from common.csv_export import stream_csv
from common.errors import DomainError
from common.forms import focus_first_error
from common.views import role_required
from training import matrix as training_matrix
from training import selectors, services
from training.coaching import selectors as coaching_selectors
from training.forms import (
    AssignForm,
    ModuleForm,
    QuestionForm,
    QuestionFormSet,
    SectionForm,
    SectionFormSet,
    module_draft,
    version_initial,
)
from training.models import ModuleVersion, TrainingModule

_STARTED_SALT = "training.started"
_STARTED_MAX_AGE = 24 * 3600


@role_required(roles.can_work)
@require_safe
def my_training(request: HttpRequest) -> HttpResponse:
    """What I must do and by when (overdue first), what I passed and when it expires, my coaching reviews."""
    today = timezone.localdate()
    context = {
        "mine": selectors.my_training(request.user, today=today),
        "reviews": coaching_selectors.reviews_of_handler(request.user),
    }
    return render(request, "training/my_training.html", context)


def _take_page(
    request: HttpRequest, module: TrainingModule, *, chosen: dict[str, str], status: int = 200, error: str = ""
) -> HttpResponse:
    version = module.current_version
    assert version is not None  # noqa: S101 - modules_listed() has only modules with a version
    questions = selectors.version_check(version)
    check = [
        (question, [(choice, chosen.get(str(question.pk)) == str(choice.pk)) for choice in question.choices.all()])
        for question in questions
    ]
    context = {
        "module": module,
        "version": version,
        "sections": version.sections.order_by("order"),
        "check": check,
        "error": error,
        "token": selectors.next_token(request.user, version),
        "started": signing.dumps(timezone.now().timestamp(), salt=_STARTED_SALT),
        "attempts": selectors.attempts_of(request.user, module)[:5],
        "is_manager": roles.is_manager(request.user),
    }
    return render(request, "training/module.html", context, status=status)


def _version_number(value: str) -> int:
    """Return the version number a form was built from; -1 (no version) when it was tampered with."""
    text = value.strip() or "0"
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else -1


def _started_at(value: str) -> datetime | None:
    try:
        timestamp = signing.loads(value, salt=_STARTED_SALT, max_age=_STARTED_MAX_AGE)
    except signing.BadSignature:
        return None
    return datetime.fromtimestamp(float(timestamp), tz=timezone.get_current_timezone())


@role_required(roles.can_work)
@require_http_methods(["GET", "POST"])
def module_take(request: HttpRequest, slug: str) -> HttpResponse:
    """Read the module, answer its check; after sending, the result (its own page, so a reload sends nothing)."""
    module = selectors.get_module(slug)
    if request.method == "GET":
        return _take_page(request, module, chosen={})
    chosen = {key.removeprefix("q"): str(request.POST.get(key, "")) for key in request.POST if key.startswith("q")}
    try:
        version = ModuleVersion.objects.get(pk=int(request.POST.get("version", "0")), module=module)
    except (ValueError, ModuleVersion.DoesNotExist):
        return _take_page(request, module, chosen={}, status=400, error="This form is out of date. Try again.")
    try:
        attempt = services.attempt_submit(
            user=request.user,
            version=version,
            answers=chosen,
            token=request.POST.get("token", ""),
            started_at=_started_at(request.POST.get("started", "")),
        )
    except DomainError as error:
        return _take_page(request, selectors.get_module(slug), chosen=chosen, status=400, error=error.message)
    return redirect("training:attempt_detail", attempt.pk)


@role_required(roles.can_work)
@require_safe
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One attempt: each answer right or wrong with its explanation, the score and whether it passed."""
    attempt = selectors.get_attempt_for(request.user, pk)
    module = attempt.version.module
    context = {
        "attempt": attempt,
        "module": module,
        "rows": selectors.attempt_review(attempt),
        "own": attempt.user_id == request.user.pk,
        "current": module.current_version_id == attempt.version_id and not module.archived,
    }
    return render(request, "training/attempt.html", context)


# --- managers -----------------------------------------------------------------------------------


@role_required(roles.is_manager)
@require_safe
def module_list(request: HttpRequest) -> HttpResponse:
    return render(request, "training/module_list.html", {"modules": selectors.modules_for_managers()})


def _more_rows(data: QueryDict, prefix: str) -> QueryDict:
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    data[key] = str(int(data.get(key, "0") or 0) + 1)
    return data


def _module_form_page(
    request: HttpRequest,
    *,
    form: ModuleForm,
    sections: Any,
    questions: Any,
    module: TrainingModule | None,
    status: int = 200,
    problems: dict[str, list[str]] | None = None,
) -> HttpResponse:
    focus_first_error(form)
    context = {
        "form": form,
        "sections": sections,
        "questions": questions,
        "module": module,
        "problems": problems or {},
    }
    return render(request, "training/module_form.html", context, status=status)


def _apply_problems(
    error: DomainError, form: ModuleForm, sections: list[SectionForm], questions: list[QuestionForm]
) -> dict[str, list[str]]:
    """Put each refusal next to what it is about; return those about the sections or questions as a whole."""
    problems = getattr(error, "problems", None) or [error]
    whole: dict[str, list[str]] = {"sections": [], "questions": []}
    for problem in problems:
        where = problem.field or ""
        if where.startswith("question:"):
            questions[int(where.split(":")[1])].add_error(None, problem.message)
        elif where in whole:
            whole[where].append(problem.message)
        elif where in form.fields:
            form.add_error(where, problem.message)
        else:
            form.add_error(None, problem.message)
    return whole


def _module_form(request: HttpRequest, module: TrainingModule | None) -> HttpResponse:
    editing = module is not None
    if request.method == "GET":
        if module is not None and module.current_version is not None:
            initial, section_rows, question_rows = version_initial(module.current_version)
        else:
            initial, section_rows, question_rows = {}, [{}], [{}, {}]
        return _module_form_page(
            request,
            form=ModuleForm(initial=initial, editing=editing),
            sections=SectionFormSet(prefix="sections", initial=[*section_rows, {}]),
            questions=QuestionFormSet(prefix="questions", initial=[*question_rows, {}]),
            module=module,
        )
    data: QueryDict = request.POST
    adding = request.POST.get("add")
    if adding in ("sections", "questions"):
        data = _more_rows(data, adding)
    form = ModuleForm(data, editing=editing)
    sections = SectionFormSet(data, prefix="sections")
    questions = QuestionFormSet(data, prefix="questions")
    if adding in ("sections", "questions"):
        # Only another empty row: show what was typed again, save nothing.
        return _module_form_page(request, form=form, sections=sections, questions=questions, module=module)
    valid = form.is_valid() & sections.is_valid() & questions.is_valid()
    if not valid:
        return _module_form_page(request, form=form, sections=sections, questions=questions, module=module, status=400)
    kept_sections = [s for s in sections.forms if not s.is_blank()]
    kept_questions = [q for q in questions.forms if not q.is_blank()]
    draft = module_draft(form, kept_sections, kept_questions)
    try:
        with transaction.atomic():
            if module is None:
                module = services.module_create(user=request.user, draft=draft)
                messages.success(request, f"“{draft.title}” is saved.")
            else:
                version = services.module_edit(
                    module=module,
                    user=request.user,
                    draft=draft,
                    based_on=_version_number(request.POST.get("based_on", "")),
                    needs_retaking=form.cleaned_data.get("needs_retaking", False),
                )
                messages.success(request, f"“{draft.title}” is saved as version {version.number}.")
    except DomainError as error:
        problems = _apply_problems(error, form, kept_sections, kept_questions)
        return _module_form_page(
            request, form=form, sections=sections, questions=questions, module=module, status=400, problems=problems
        )
    return redirect("training:module_list")


@role_required(roles.is_manager)
@require_http_methods(["GET", "POST"])
def module_create(request: HttpRequest) -> HttpResponse:
    return _module_form(request, None)


@role_required(roles.is_manager)
@require_http_methods(["GET", "POST"])
def module_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a module: saving stores a new version, the earlier ones and their results stay."""
    return _module_form(request, selectors.get_module_for_managers(slug))


@role_required(roles.is_manager)
@require_http_methods(["GET", "POST"])
def module_assign(request: HttpRequest, slug: str) -> HttpResponse:
    """Assign a module to a person or to a whole role, by a date."""
    module = selectors.get_module(slug)
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["person"]:
                services.assignment_create(module=module, person=data["person"], due_on=data["due_on"], by=request.user)
                messages.success(request, f"Assigned to {data['person'].get_full_name() or data['person']}.")
            else:
                done = services.assignments_create_for_role(
                    module=module, role=data["role"], due_on=data["due_on"], by=request.user
                )
                messages.success(request, f"Assigned to {done.created} people; {done.already} already had it to do.")
            return redirect("training:module_list")
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    focus_first_error(form)
    status = 400 if request.method == "POST" else 200
    return render(request, "training/assign.html", {"form": form, "module": module}, status=status)


@role_required(roles.is_manager)
@require_safe
def matrix(request: HttpRequest) -> HttpResponse:
    """Everyone in a role against every module, each cell a status linking to that person's attempts."""
    filters = training_matrix.MatrixFilters.from_query(request.GET)
    grid = training_matrix.training_matrix(today=timezone.localdate(), filters=filters)
    context = {"matrix": grid, "role_choices": training_matrix.ROLE_CHOICES, "statuses": list(training_matrix.Status)}
    return render(request, "training/matrix.html", context)


@role_required(roles.is_manager)
@require_safe
def matrix_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The matrix as CSV, one row per person and module, with the page's filters."""
    today = timezone.localdate()
    filters = training_matrix.MatrixFilters.from_query(request.GET)
    grid = training_matrix.training_matrix(today=today, filters=filters)
    rows = training_matrix.csv_rows(grid)
    return stream_csv(f"training-matrix-{today:%Y-%m-%d}.csv", training_matrix.CSV_HEADER, rows)


@role_required(roles.is_manager)
@require_safe
def person_attempts(request: HttpRequest, user_pk: int, slug: str) -> HttpResponse:
    """Every attempt one person made at one module, newest first (a matrix cell's link)."""
    person = training_matrix.get_person(user_pk)
    module = selectors.get_module_for_managers(slug)
    context = {"person": person, "module": module, "attempts": selectors.attempts_of(person, module)}
    return render(request, "training/person_attempts.html", context)
