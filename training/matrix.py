"""The training matrix: every person in a role against every module, each cell one status.

`cell_status` is the one rule for what a cell says (the matrix page, its CSV and anything else showing
"where is this person with this module" use it); which passes count and when a pass expires come from
`training.definitions`. `training_matrix` reads the whole matrix in four queries, however many people and
modules: the modules, the people (with whether each manages), the passes that count, the open assignments.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from accounts import roles
from common.people import display_name
from training.definitions import is_expired, latest_passes, pass_expires_on
from training.models import Assignment, TrainingModule
from training.selectors import modules_listed


class Status(StrEnum):
    """A cell's status, most urgent first; `label` and `icon` say it without colour."""

    OVERDUE = "overdue"
    EXPIRED = "expired"
    DUE = "due"
    PASSED = "passed"
    NOT_ASSIGNED = "not-assigned"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def icon(self) -> str:
        return _ICONS[self]

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]

    @property
    def css(self) -> str:
        """A Bootstrap table-cell class: colour only repeats what the icon and the label say."""
        return _CSS[self]


_LABELS = {
    Status.OVERDUE: "Overdue",
    Status.EXPIRED: "Expired",
    Status.DUE: "Due",
    Status.PASSED: "Passed",
    Status.NOT_ASSIGNED: "Not assigned",
}
_ICONS = {Status.OVERDUE: "!", Status.EXPIRED: "↻", Status.DUE: "◷", Status.PASSED: "✓", Status.NOT_ASSIGNED: "–"}
_CSS = {
    Status.OVERDUE: "table-danger",
    Status.EXPIRED: "table-warning",
    Status.DUE: "table-info",
    Status.PASSED: "table-success",
    Status.NOT_ASSIGNED: "",
}
_MEANINGS = {
    Status.OVERDUE: "Assigned, and the due date has gone by without a pass.",
    Status.EXPIRED: "Passed, but the pass ran out (the module's renewal period); to take again.",
    Status.DUE: "Assigned, to pass by the date shown.",
    Status.PASSED: "Passed in a way that counts (not before a “needs retaking” edit), and the pass holds.",
    Status.NOT_ASSIGNED: "Not assigned and no pass that counts (failed attempts alone count for nothing).",
}


def cell_status(*, passed_at: datetime | None, renewal_months: int | None, due_on: date | None, today: date) -> Status:
    """Return where a person is with a module, the most urgent first.

    `passed_at`: their latest pass that counts (`definitions.latest_passes`), or None; `renewal_months`:
    the module's current renewal period; `due_on`: the due date of their open assignment, or None.

    Overdue (an open assignment past its date) › expired (the last pass ran out, renewal due or not)
    › due (an open assignment, even over a pass that holds: a manager asked for it again) › passed
    › not assigned. Failed attempts are not passes: alone, they leave the cell "not assigned".
    """
    if due_on is not None and due_on < today:
        return Status.OVERDUE
    if passed_at is not None and is_expired(pass_expires_on(passed_at, renewal_months), today):
        return Status.EXPIRED
    if due_on is not None:
        return Status.DUE
    if passed_at is not None:
        return Status.PASSED
    return Status.NOT_ASSIGNED


# --- the filters ---------------------------------------------------------------------------------

ROLE_FRONT_LINE = "front-line"
ROLE_MANAGERS = "managers"
ROLE_CHOICES = (("", "Everyone"), (ROLE_FRONT_LINE, roles.FRONT_LINE), (ROLE_MANAGERS, roles.MANAGERS))


@dataclass(frozen=True)
class MatrixFilters:
    role: str = ""  # "", ROLE_FRONT_LINE or ROLE_MANAGERS
    module: str = ""  # a module's slug, or "" for all

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> MatrixFilters:
        """Read the filters from a query string; anything unknown means "all"."""
        role = str(query.get("role", "") or "")
        return cls(
            role=role if role in (ROLE_FRONT_LINE, ROLE_MANAGERS) else "",
            module=str(query.get("module", "") or "")[:80],
        )


# --- the matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    person: Any
    module: TrainingModule
    status: Status
    due_on: date | None
    passed_at: datetime | None
    expires_on: date | None

    @property
    def detail(self) -> str:
        """The date that goes with the status, as words ("" when none)."""
        if self.status is Status.OVERDUE and self.due_on is not None:
            return f"was due {self.due_on:%-d %b %Y}"
        if self.status is Status.DUE and self.due_on is not None:
            return f"by {self.due_on:%-d %b %Y}"
        if self.status is Status.EXPIRED and self.expires_on is not None:
            again = f", due again by {self.due_on:%-d %b %Y}" if self.due_on is not None else ""
            return f"on {self.expires_on:%-d %b %Y}{again}"
        if self.status is Status.PASSED and self.passed_at is not None:
            return f"until {self.expires_on:%-d %b %Y}" if self.expires_on else "no expiry"
        return ""


@dataclass(frozen=True)
class Row:
    person: Any
    is_manager: bool
    cells: list[Cell]

    @property
    def role(self) -> str:
        return "Manager" if self.is_manager else "Front line"


@dataclass(frozen=True)
class Matrix:
    filters: MatrixFilters
    all_modules: list[TrainingModule]  # for the module filter
    modules: list[TrainingModule]  # the columns
    rows: list[Row]
    today: date

    def cells(self) -> Iterator[Cell]:
        for row in self.rows:
            yield from row.cells

    def counts(self) -> dict[Status, int]:
        """How many cells in each status (every status present, most urgent first)."""
        counts = dict.fromkeys(Status, 0)
        for cell in self.cells():
            counts[cell.status] += 1
        return counts


def staff(role: str = "") -> QuerySet[Any]:
    """The active people in a role (as `roles.handlers`), each with `is_manager`, by name; `role` narrows them
    to the front line (ROLE_FRONT_LINE: not managers) or the managers."""
    people: QuerySet[Any] = roles.handlers().annotate(is_manager=Exists(roles.managers().filter(pk=OuterRef("pk"))))
    if role == ROLE_FRONT_LINE:
        people = people.filter(is_manager=False)
    elif role == ROLE_MANAGERS:
        people = people.filter(is_manager=True)
    return people


def training_matrix(*, today: date, filters: MatrixFilters) -> Matrix:
    """Everyone in a role against every listed module (or those the filters keep): four queries."""
    all_modules = list(modules_listed())
    modules = [m for m in all_modules if not filters.module or m.slug == filters.module]
    people = list(staff(filters.role))
    module_ids = [m.pk for m in modules]
    user_ids = [p.pk for p in people]
    passes = latest_passes(module_ids, user_ids)
    open_due = {
        (user_id, module_id): due_on
        for user_id, module_id, due_on in Assignment.objects.filter(
            closed_at__isnull=True, module__in=module_ids, user__in=user_ids
        ).values_list("user", "module", "due_on")
    }
    rows = []
    for person in people:
        cells = []
        for module in modules:
            version = module.current_version
            renewal = version.renewal_months if version is not None else None
            passed_at = passes.get((person.pk, module.pk))
            due_on = open_due.get((person.pk, module.pk))
            cells.append(
                Cell(
                    person=person,
                    module=module,
                    status=cell_status(passed_at=passed_at, renewal_months=renewal, due_on=due_on, today=today),
                    due_on=due_on,
                    passed_at=passed_at,
                    expires_on=pass_expires_on(passed_at, renewal) if passed_at is not None else None,
                )
            )
        rows.append(Row(person=person, is_manager=bool(person.is_manager), cells=cells))
    return Matrix(filters=filters, all_modules=all_modules, modules=modules, rows=rows, today=today)


def get_person(pk: int) -> Any:
    """Anyone with an account, for a manager looking at their attempts (404 when unknown)."""
    return get_object_or_404(get_user_model(), pk=pk)


CSV_HEADER = ("Person", "Username", "Role", "Module", "Status", "Due on", "Last passed", "Pass expires on")


def csv_rows(matrix: Matrix) -> Iterator[tuple[object, ...]]:
    """One CSV row per cell, in the matrix's order."""
    for row in matrix.rows:
        for cell in row.cells:
            title = cell.module.current_version.title if cell.module.current_version else cell.module.slug
            yield (
                display_name(row.person),
                row.person.get_username(),
                row.role,
                title,
                cell.status.label,
                cell.due_on,
                cell.passed_at,
                cell.expires_on,
            )
