"""Who may see and do what with a complaint: each rule once, in every form the code needs.

- `can_view(user, complaint)` next to `visible_q(user)`: the same rule as a check on one complaint
  and as the filter every list, search, export and detail read starts from
  (`selectors.complaints_visible_to`). Complaints from employees are confidential: only managers
  and the owner see them.
- `can_handle(user, complaint)`: who does the recovery steps, the owner or a manager, never the
  complainant (`is_complainant`: a colleague's own complaint is handled by someone else, even when
  they manage). Every action but a note needs it, reassigning included. It has no queryset form:
  no list asks which complaints someone may handle (a person's queue is what they own).
- `may_be_given(person, customer)`, with `may_be_given_q` (complaints) and
  `people_who_may_be_given_q` (people): the same rule from the other side, nobody is given their
  own complaint to handle (as its owner, by reassignment, escalation or hand-over).
- `can_take(user, complaint)`: who may take a complaint from the inbox (one nobody owns yet) and make
  it theirs: anyone who sees it and may be given it. Until someone owns it, nobody does its steps.
- `allowed_actions(user, complaint)`: what the user may do to the complaint as it stands. The
  complaint page offers exactly these forms and `recovery.workflow` refuses anything else with the
  reason given here; the order of the five steps (which step comes next, what a closed complaint
  still allows) is the workflow's and is checked after these.

The roles themselves (`is_manager`, `can_work`) are project-wide, in `accounts.roles`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from accounts.roles import can_work, is_manager
from common.people import display_name
from customers.models import Customer, CustomerGroup
from recovery.models import SKIPPABLE_STEPS, STEPS, Complaint, Stage

# The same words for a complaint someone may not see as for one that does not exist.
NOT_FOUND = "This complaint does not exist, or you do not have access to it."

# Every action on a complaint, as the page's form slots and the workflow's checks name them.
ACTIONS = ("step", "skip", "note", "assign", "escalate", "close", "reopen", "edit", "emails")
# The actions that are handling the complaint: the owner's or a manager's.
HANDLING = ("step", "skip", "escalate", "close", "reopen", "edit", "emails")
# What waits for an owner: a complaint in the inbox is taken (or assigned by a manager) before its steps.
NEEDS_OWNER = ("step", "skip", "escalate", "close", "reopen")


def can_view(user: Any, complaint: Complaint) -> bool:
    """Return True when the user may see the complaint (employees' complaints are confidential)."""
    if not can_work(user):
        return False
    if is_manager(user) or complaint.owner_id == user.pk:
        return True
    return bool(complaint.customer.group != CustomerGroup.EMPLOYEE)


def visible_q(user: Any) -> Q:
    """Return the filter on complaints that keeps those the user may see: `can_view` for a queryset."""
    if not can_work(user):
        return Q(pk__in=[])
    if is_manager(user):
        return Q()
    return ~Q(customer__group=CustomerGroup.EMPLOYEE) | Q(owner=user)


def is_complainant(user: Any, complaint: Complaint) -> bool:
    """Return True when the user is the colleague who complained (the customer's staff account)."""
    return not may_be_given(user, complaint.customer)


def may_be_given(person: Any, customer: Customer) -> bool:
    """Return True unless `person` is the customer's staff account: nobody is given their own complaint."""
    return customer.staff_user_id is None or customer.staff_user_id != person.pk


def may_be_given_q(person: Any) -> Q:
    """Return the filter on complaints that keeps those `person` may be given: `may_be_given` for a queryset."""
    return ~Q(customer__staff_user=person)


def people_who_may_be_given_q(customer: Customer) -> Q:
    """Return the filter on users that keeps those who may be given `customer`'s complaints."""
    return Q() if customer.staff_user_id is None else ~Q(pk=customer.staff_user_id)


def can_handle(user: Any, complaint: Complaint) -> bool:
    """Return True when the user may do the recovery steps: the owner or a manager, never the complainant."""
    if is_complainant(user, complaint):
        return False  # a colleague's own complaint is handled by someone else, even if they manage
    return can_view(user, complaint) and (is_manager(user) or complaint.owner_id == user.pk)


def can_take(user: Any, complaint: Complaint) -> bool:
    """Return True when the user may take the complaint from the inbox: it has no owner and may be theirs."""
    return (
        complaint.owner_id is None
        and complaint.is_open
        and can_view(user, complaint)
        and may_be_given(user, complaint.customer)
    )


@dataclass(frozen=True)
class AllowedActions:
    """What one user may do to one complaint as it stands.

    Each action is True when the page offers it. `refusals` says, for each action this person may
    not take whatever the complaint's stage, why not: the workflow raises that reason.
    """

    step: bool
    skip: bool
    note: bool
    assign: bool
    escalate: bool
    close: bool
    reopen: bool
    edit: bool
    emails: bool
    # The complaint is in the inbox and this user may make it theirs.
    take: bool
    # May do the recovery steps at all (the page says who can when not).
    handle: bool
    # All steps are done, but the complaint was escalated and this user does not manage.
    close_needs_manager: bool
    # The user is the colleague who complained: a colleague handles it, they may add notes.
    complainant: bool
    refusals: Mapping[str, str] = field(default_factory=dict)


def _refusals(user: Any, complaint: Complaint, *, handle: bool, manager: bool) -> dict[str, str]:
    """Return why the user may not take each action they may not, whatever the complaint's stage."""
    if not can_view(user, complaint):
        return dict.fromkeys(ACTIONS, NOT_FOUND)
    refusals: dict[str, str] = {}
    # Reassigning is handling too: the owner hands on their own, a manager anyone's, the complainant none.
    if not handle and is_complainant(user, complaint):
        reason = f"{complaint.reference} is your own complaint, so a colleague handles it."
        refusals.update(dict.fromkeys((*HANDLING, "assign"), reason))
    elif not handle and complaint.owner_id is None:
        reason = f"{complaint.reference} is in the inbox: take it first (or a manager assigns it)."
        refusals.update(dict.fromkeys(HANDLING, reason))
        refusals["assign"] = "Only a manager can give an inbox complaint to someone else; you can take it yourself."
    elif not handle:
        reason = f"Only the owner ({display_name(complaint.owner)}) or a manager can work on {complaint.reference}."
        refusals.update(dict.fromkeys(HANDLING, reason))
        refusals["assign"] = "Only a manager can reassign a colleague's complaint."
    if complaint.owner_id is None:
        # Nobody's steps until somebody owns it: the inbox's "take it" or a manager's assignment comes first.
        reason = f"{complaint.reference} is in the inbox: take it or assign it before working on it."
        for action in NEEDS_OWNER:
            refusals.setdefault(action, reason)
    if complaint.stage == Stage.CLOSE and complaint.is_escalated and not manager:
        refusals.setdefault("close", f"{complaint.reference} was escalated, so a manager has to close it.")
    return refusals


def allowed_actions(user: Any, complaint: Complaint) -> AllowedActions:
    """Return what `user` may do to `complaint` now: what the page offers and the workflow accepts."""
    handle = can_handle(user, complaint)
    manager = is_manager(user)
    refusals = _refusals(user, complaint, handle=handle, manager=manager)
    is_open = complaint.is_open
    needs_manager = complaint.stage == Stage.CLOSE and complaint.is_escalated and not manager

    def may(action: str) -> bool:
        return action not in refusals

    return AllowedActions(
        step=may("step") and complaint.stage in STEPS,
        skip=may("skip") and complaint.stage in SKIPPABLE_STEPS,
        note=may("note"),
        assign=may("assign") and is_open,
        escalate=may("escalate") and is_open,
        close=may("close") and complaint.stage == Stage.CLOSE,
        reopen=may("reopen") and complaint.stage == Stage.CLOSED,
        edit=may("edit"),
        emails=may("emails") and is_open,  # a closed complaint sends its customer nothing more
        take=can_take(user, complaint),
        handle=handle,
        close_needs_manager=needs_manager,
        complainant=is_complainant(user, complaint),
        refusals=refusals,
    )
