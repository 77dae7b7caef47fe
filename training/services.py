"""Every write to training: modules and their versions, assignments, attempts.

Each function runs in one transaction and raises `DomainError` (with a human message, and the form
field it belongs to) when it refuses. Managers write modules and assignments; anyone signed in may
take a module. Who must take what automatically is decided in one place, `assign_required(user)`
(called by the signals in `training/signals.py` whenever a person is saved or given a role), its
module-wide twin `_owe_required`, and `renew_expired(now)` (beat, hourly).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accounts import roles
from common.errors import DomainError
from training.content import ModuleDraft, draft_problems, version_fields, write_content
from training.definitions import AUTOMATIC_DUE_DAYS, is_expired, latest_passes, pass_expires_on
from training.models import (
    TOKEN_MAX,
    Assignment,
    AssignmentReason,
    Attempt,
    Choice,
    ModuleVersion,
    Question,
    Section,
    TrainingModule,
)
from training.reminders import reminders_cancel, reminders_schedule


class ModuleContentError(DomainError):
    """A draft that breaks the content rules; `problems` lists every one, for the form."""

    def __init__(self, problems: list[Any]) -> None:
        super().__init__(" ".join(p.message for p in problems), field=problems[0].field)
        self.problems = problems


def _require_manager(user: Any) -> None:
    if not roles.is_manager(user):
        raise DomainError("Only managers may do this.")


def _check(draft: ModuleDraft) -> None:
    problems = draft_problems(draft)
    if problems:
        raise ModuleContentError(problems)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "module"
    slug, n = base, 1
    while TrainingModule.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _store_version(
    module: TrainingModule, draft: ModuleDraft, *, number: int, user: Any, retake: bool
) -> ModuleVersion:
    version = ModuleVersion.objects.create(
        module=module, number=number, created_by=user, needs_retaking=retake, **version_fields(draft)
    )
    write_content(draft, version=version, section_model=Section, question_model=Question, choice_model=Choice)
    module.current_version = version
    module.save(update_fields=["current_version"])
    return version


@transaction.atomic
def module_create(*, user: Any, draft: ModuleDraft) -> TrainingModule:
    """Create a module (version 1); a required one is assigned at once to everyone who meets customers."""
    _require_manager(user)
    _check(draft)
    module = TrainingModule.objects.create(slug=_unique_slug(draft.title))
    _store_version(module, draft, number=1, user=user, retake=False)
    if draft.required:
        _owe_required(module, _people_who_meet_customers(), now=timezone.now())
    return module


@transaction.atomic
def module_edit(
    *, module: TrainingModule, user: Any, draft: ModuleDraft, based_on: int, needs_retaking: bool = False
) -> ModuleVersion:
    """Store the draft as the module's next version; earlier versions and their results stay as they were.

    `based_on` is the version number the form was built from: if someone saved another version since,
    the edit is refused rather than silently replacing theirs. `needs_retaking` brings the module back
    (an assignment) for everyone who passed an earlier version.
    """
    _require_manager(user)
    _check(draft)
    locked = TrainingModule.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=module.pk)
    current = locked.current_version
    number = current.number if current is not None else 0
    if number != based_on:
        raise DomainError(
            f"Someone saved a newer version of this module (version {number}) while you were editing. "
            "Open it again to see their changes."
        )
    version = _store_version(locked, draft, number=number + 1, user=user, retake=needs_retaking)
    now = timezone.now()
    if needs_retaking:
        _owe_retake(locked, now=now)
    if draft.required and not locked.archived:
        _owe_required(locked, _people_who_meet_customers(), now=now)
    module.current_version = version
    return version


# --- who must take what --------------------------------------------------------------------------


def _people_who_meet_customers() -> list[int]:
    """Everyone front-line training is for: the active people in a role (never the administrator)."""
    return list(roles.handlers().values_list("pk", flat=True))


def _open_for(module: TrainingModule, user_ids: Iterable[int]) -> set[int]:
    return set(
        Assignment.objects.filter(module=module, user__in=list(user_ids), closed_at__isnull=True).values_list(
            "user", flat=True
        )
    )


def _create(module: TrainingModule, user_ids: Iterable[int], **fields: Any) -> int:
    rows = [Assignment(module=module, user_id=user_id, **fields) for user_id in user_ids]
    if not rows:
        return 0
    # The one-open-assignment constraint settles a race with another writer: theirs stands.
    Assignment.objects.bulk_create(rows, ignore_conflicts=True)
    # ignore_conflicts leaves the new rows without ids: find them (the open ones of these people).
    opened = _open_assignments(module, [row.user_id for row in rows])
    reminders_schedule(opened.values_list("pk", flat=True))
    return len(rows)


def _open_assignments(module: TrainingModule, user_ids: list[int]) -> QuerySet[Assignment]:
    return Assignment.objects.filter(module=module, user__in=user_ids, closed_at__isnull=True)


def _owe_required(module: TrainingModule, user_ids: list[int], *, now: datetime) -> int:
    """Assign a required module to those of `user_ids` who have no open assignment and no pass that holds."""
    version = module.current_version
    if version is None or not version.required or module.archived or not user_ids:
        return 0
    today = timezone.localdate(now)
    passes = latest_passes([module.pk], user_ids)
    taken = _open_for(module, user_ids)
    owed: dict[str, list[int]] = {AssignmentReason.REQUIRED: [], AssignmentReason.RENEWAL: []}
    for user_id in user_ids:
        if user_id in taken:
            continue
        passed_at = passes.get((user_id, module.pk))
        if passed_at is None:
            owed[AssignmentReason.REQUIRED].append(user_id)
        elif is_expired(pass_expires_on(passed_at, version.renewal_months), today):
            owed[AssignmentReason.RENEWAL].append(user_id)
    due_on = today + timedelta(days=AUTOMATIC_DUE_DAYS)
    return sum(_create(module, ids, reason=reason, due_on=due_on) for reason, ids in owed.items())


def _owe_retake(module: TrainingModule, *, now: datetime) -> int:
    """Bring the module back for every active person who passed an earlier version of it."""
    passed = set(
        Attempt.objects.filter(version__module=module, passed=True, user__is_active=True)
        .exclude(version=module.current_version)
        .values_list("user", flat=True)
    )
    user_ids = sorted(passed - _open_for(module, passed))
    due_on = timezone.localdate(now) + timedelta(days=AUTOMATIC_DUE_DAYS)
    return _create(module, user_ids, reason=AssignmentReason.RETAKE, due_on=due_on)


@transaction.atomic
def assign_required(user: Any) -> int:
    """Assign every required module this person has not passed (or whose pass expired); return how many.

    The one rule for people added later, whatever way: the admin, `seed_demo`, a role change (see
    `training/signals.py`). Does nothing for someone inactive or in no role.
    """
    if user is None or user.pk is None or not roles.handlers().filter(pk=user.pk).exists():
        return 0
    now = timezone.now()
    modules = TrainingModule.objects.filter(archived=False, current_version__required=True).select_related(
        "current_version"
    )
    return sum(_owe_required(module, [user.pk], now=now) for module in modules)


@transaction.atomic
def renew_expired(now: datetime) -> int:
    """Assign again each module whose pass has run out, to the active people who had it to do; return how many.

    A required module comes back for everyone who meets customers; any other module for those it was
    assigned to before.
    """
    today = timezone.localdate(now)
    due_on = today + timedelta(days=AUTOMATIC_DUE_DAYS)
    meet_customers = set(_people_who_meet_customers())
    created = 0
    modules = TrainingModule.objects.filter(archived=False, current_version__renewal_months__isnull=False)
    for module in modules.select_related("current_version"):
        version = module.current_version
        if version is None:  # filtered out above; for the type checker
            continue
        passes = latest_passes([module.pk])
        expired = {
            user_id
            for (user_id, _), passed_at in passes.items()
            if is_expired(pass_expires_on(passed_at, version.renewal_months), today)
        }
        if not expired:
            continue
        active = set(get_user_model().objects.filter(pk__in=expired, is_active=True).values_list("pk", flat=True))
        had_it = set(Assignment.objects.filter(module=module, user__in=active).values_list("user", flat=True))
        owed = (active & meet_customers if version.required else set()) | had_it
        created += _create(
            module, sorted(owed - _open_for(module, owed)), reason=AssignmentReason.RENEWAL, due_on=due_on
        )
    return created


# --- assigning by hand -----------------------------------------------------------------------------


def _check_assignable(module: TrainingModule, due_on: date) -> None:
    if module.archived or module.current_version is None:
        raise DomainError("This module is archived and can no longer be assigned.")
    if due_on < timezone.localdate():
        raise DomainError("The due date is in the past. Choose today or a later day.", field="due_on")


@transaction.atomic
def assignment_create(*, module: TrainingModule, person: Any, due_on: date, by: Any) -> Assignment:
    """Assign a module to one person by a date."""
    _require_manager(by)
    _check_assignable(module, due_on)
    if not person.is_active:
        raise DomainError("This person's account is switched off.", field="person")
    existing = Assignment.objects.filter(module=module, user=person, closed_at__isnull=True).first()
    if existing is not None:
        raise DomainError(
            f"{person.get_full_name() or person.get_username()} already has this module to do, "
            f"due {existing.due_on:%d %b %Y}.",
            field="person",
        )
    assignment = Assignment.objects.create(
        module=module, user=person, due_on=due_on, assigned_by=by, reason=AssignmentReason.MANUAL
    )
    reminders_schedule([assignment.pk])
    return assignment


@dataclass(frozen=True)
class RoleAssigned:
    created: int
    already: int  # members who already had it to do


@transaction.atomic
def assignments_create_for_role(*, module: TrainingModule, role: str, due_on: date, by: Any) -> RoleAssigned:
    """Assign a module to every active member of a role (accounts.roles) who does not already have it to do."""
    _require_manager(by)
    if role not in roles.ROLES:
        raise DomainError(f"Choose one of the roles: {', '.join(roles.ROLES)}.", field="role")
    _check_assignable(module, due_on)
    members = list(
        get_user_model()
        .objects.filter(groups__name=role, is_active=True, is_superuser=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    already = _open_for(module, members)
    created = _create(
        module,
        [pk for pk in members if pk not in already],
        due_on=due_on,
        assigned_by=by,
        reason=AssignmentReason.MANUAL,
    )
    return RoleAssigned(created=created, already=len(already))


# --- taking a module -----------------------------------------------------------------------------


def _choice_id(raw: object) -> int | None:
    """Return a chosen choice's id as a form sends it, or None for anything else.

    Only ASCII digits, and few of them: "²" is a digit to `str.isdigit` but not to `int`, and Python refuses
    to read an int of thousands of digits.
    """
    text = str(raw)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


@transaction.atomic
def attempt_submit(
    *,
    user: Any,
    version: ModuleVersion,
    answers: Mapping[str, str],
    token: str,
    started_at: datetime | None = None,
) -> Attempt:
    """Score the answers to the version's check and store the attempt; a pass closes the person's assignment.

    `answers` maps a question's id to the chosen choice's id (as a form sends them). `token` comes with
    the form: the same form sent twice (a double click, a second tab) returns the attempt already stored.
    """
    if not token or len(token) > TOKEN_MAX or not token.isprintable():
        raise DomainError("This form is out of date. Open the module again.")
    # One person's submissions one at a time, so the token check and the insert are one step.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    existing = Attempt.objects.filter(user=user, token=token).select_related("version").first()
    if existing is not None:
        return existing
    module = TrainingModule.objects.get(pk=version.module_id)
    if module.current_version_id != version.pk or module.archived:
        raise DomainError("This module was changed while you were reading it. Read the new version and try again.")
    questions = list(Question.objects.filter(version=version).prefetch_related("choices").order_by("order"))
    chosen: dict[str, int] = {}
    missing = []
    for question in questions:
        choice_ids = {choice.pk for choice in question.choices.all()}
        choice_id = _choice_id(answers.get(str(question.pk), ""))
        if choice_id is None or choice_id not in choice_ids:
            missing.append(question.order)
            continue
        chosen[str(question.pk)] = choice_id
    if missing:
        listed = ", ".join(str(n) for n in missing)
        raise DomainError(f"Answer every question before you send the check (not answered: {listed}).")
    right = sum(1 for q in questions if any(c.is_correct and c.pk == chosen[str(q.pk)] for c in q.choices.all()))
    score = round(100 * right / len(questions)) if questions else 0
    now = timezone.now()
    attempt = Attempt.objects.create(
        user=user,
        version=version,
        answers=chosen,
        score=score,
        passed=score >= version.pass_mark,
        started_at=min(started_at, now) if started_at is not None else now,
        submitted_at=now,
        token=token,
    )
    if attempt.passed:
        passed = Q(user=user, module=module, closed_at__isnull=True)
        # Cancelled first, while the assignments still match: passed, nothing more to remind.
        reminders_cancel(passed)
        Assignment.objects.filter(passed).update(closed_at=now, passed_by=attempt)
    return attempt
