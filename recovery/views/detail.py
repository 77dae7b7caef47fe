"""The complaint page and its actions.

Every action posts a small form to its own URL. Without JavaScript the view
redirects back to the complaint page with a message (post/redirect/get); with
htmx it answers with the page's work region (tracker, next step, timeline)
plus out-of-band updates of the header, the side actions and the messages, so
every form on the page carries the complaint's new version.

When the workflow refuses, the form comes back with the reason next to the
field it is about and with what the person typed. When someone else changed
the complaint first (StaleComplaintError) the form comes back with the fresh
state, a message saying so, and the typed text carrying the new version, so
it can be sent again if it still makes sense.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe
from django_htmx.http import HttpResponseClientRedirect

from accounts import roles
from common.errors import DomainError
from common.forms import focus_first_error
from common.money import format_money
from common.people import display_name
from common.views import role_required
from customers.models import GROUP_HELP, CustomerGroup
from policy import selectors as policy_selectors
from recovery import page_links, permissions, selectors, timeline, workflow
from recovery.definitions import REPEAT_WINDOW
from recovery.forms.complaint import (
    AssignForm,
    CloseForm,
    CustomerEmailsForm,
    EditForm,
    EscalateForm,
    NoteForm,
    ReopenForm,
)
from recovery.forms.steps import STEP_FORMS, AtoneForm, FollowUpForm, SkipForm, StepForm
from recovery.models import (
    AtonementKind,
    Complaint,
    Outcome,
    Stage,
    Survey,
)
from recovery.selectors import RecoveryProgress

# The forms the page may offer, one slot each; a slot is empty when the user may not take that action.
SLOTS = permissions.ACTIONS

STEP_ACTIONS: dict[str, Callable[..., Complaint]] = {
    Stage.APOLOGIZE: workflow.complaint_apologize,
    Stage.REINSTATE: workflow.complaint_reinstate,
    Stage.EMPATHIZE: workflow.complaint_empathize,
    Stage.ATONE: workflow.complaint_atone,
    Stage.FOLLOW_UP: workflow.complaint_follow_up,
}


def _people_for_assign(complaint: Complaint) -> Any:
    # A colleague cannot handle their own complaint.
    may_be_given = permissions.people_who_may_be_given_q(complaint.customer)
    return roles.handlers().exclude(pk=complaint.owner_id).filter(may_be_given)


def _people_for_escalate(user: Any, complaint: Complaint) -> Any:
    return roles.managers().exclude(pk=user.pk).filter(permissions.people_who_may_be_given_q(complaint.customer))


def _build_form(
    slot: str,
    *,
    user: Any,
    complaint: Complaint,
    data: QueryDict | None = None,
    progress: RecoveryProgress | None = None,
    survey: Survey | None = None,
) -> forms.Form | None:
    """Return the form for `slot`: bound to `data` when given, else blank for the complaint as it is now."""
    initial: dict[str, Any] = {"expected_version": complaint.version}
    # Several forms share field names (reason, to …); their ids must not clash, or labels point elsewhere.
    ids = f"id_{slot}_%s"
    if slot == "step":
        step = data.get("step") if data is not None else complaint.stage
        form_class = STEP_FORMS.get(step or "") or STEP_FORMS.get(complaint.stage)
        if form_class is FollowUpForm and survey is not None and survey.answered_at is not None:
            # The customer's own survey answer is the starting point; the owner confirms it with them.
            initial["satisfaction"] = str(survey.satisfaction)
            initial["retained"] = "yes" if survey.would_return else "no"
            initial["customer_comment"] = survey.comment
        return form_class(data, initial=initial, auto_id=ids) if form_class is not None else None
    if slot == "skip":
        initial["step"] = complaint.stage
        return SkipForm(data, initial=initial, auto_id=ids)
    if slot == "note":
        return NoteForm(data, auto_id=ids)
    if slot == "assign":
        form = AssignForm(data, initial=initial, auto_id=ids, people=_people_for_assign(complaint))
        if complaint.escalated_to is not None:
            name = display_name(complaint.escalated_to)
            form.fields["to"].help_text = f"Reassigning it ends the escalation to {name} (the timeline keeps it)."
        return form
    if slot == "escalate":
        return EscalateForm(data, initial=initial, auto_id=ids, people=_people_for_escalate(user, complaint))
    if slot == "close":
        initial["root_cause"] = complaint.root_cause
        initial["corrective_action"] = complaint.corrective_action
        follow_up = progress.current_action(Stage.FOLLOW_UP) if progress is not None else None
        if follow_up is not None and follow_up.retained is not None:
            initial["outcome"] = Outcome.RETAINED if follow_up.retained else Outcome.LOST
        return CloseForm(data, initial=initial, auto_id=ids)
    if slot == "reopen":
        return ReopenForm(data, initial=initial, auto_id=ids)
    if slot == "edit":
        initial.update(EditForm.initial_for(complaint))
        return EditForm(data, initial=initial, auto_id=ids, categories=selectors.categories_for(complaint))
    if slot == "emails":
        initial["enabled"] = "off" if complaint.customer_emails_enabled else "on"
        return CustomerEmailsForm(data, initial=initial, auto_id=ids)
    raise ValueError(slot)


def _limit_escalation(
    user: Any, complaint: Complaint, form: forms.Form, refusal: workflow.AboveEmpowermentLimitError
) -> forms.Form | None:
    """Return the escalation to offer with an atonement above the empowerment limit, its reason filled in."""
    if not permissions.allowed_actions(user, complaint).escalate:
        return None
    kind = form.cleaned_data.get("kind") or ""
    what = AtonementKind(kind).label.lower() if kind in AtonementKind.values else "atonement"
    reason = (
        f"Please approve an atonement of {format_money(refusal.proposed)} ({what}): it is above my empowerment "
        f"limit of {format_money(refusal.limit.amount)} (service policy v{refusal.limit.version})."
    )
    return EscalateForm(
        initial={"expected_version": complaint.version, "reason": reason},
        auto_id="id_limit_escalate_%s",
        people=_people_for_escalate(user, complaint),
    )


def _render(
    request: HttpRequest,
    complaint: Complaint,
    *,
    bound: Mapping[str, forms.Form] | None = None,
    limit_escalation: forms.Form | None = None,
) -> HttpResponse:
    """Render the complaint page, or its swappable parts for htmx, with `bound` forms in their slots."""
    user = request.user
    bound = bound or {}
    progress = selectors.complaint_progress(complaint)
    survey = selectors.complaint_survey(complaint)
    allowed = permissions.allowed_actions(user, complaint)
    page_forms: dict[str, forms.Form | None] = {}
    for slot in SLOTS:
        if slot in bound:
            page_forms[slot] = bound[slot]
        elif getattr(allowed, slot):
            page_forms[slot] = _build_form(slot, user=user, complaint=complaint, progress=progress, survey=survey)
        else:
            page_forms[slot] = None
    is_htmx = bool(getattr(request, "htmx", False))
    step_form = page_forms["step"]
    if isinstance(step_form, AtoneForm) and not roles.is_manager(user):
        # What this front-line person may give on their own, read only when the atonement form is shown.
        limit = policy_selectors.current_limit()
        if limit is not None:
            step_form.show_limit(limit)
    if is_htmx and isinstance(step_form, StepForm) and not step_form.is_bound:
        step_form.focus_first()
    for form in bound.values():
        focus_first_error(form)
    context = {
        "complaint": complaint,
        "customer": complaint.customer,
        "group_help": GROUP_HELP.get(CustomerGroup(complaint.customer.group), ""),
        "history": selectors.customer_history(user, complaint),
        "repeat_window_days": REPEAT_WINDOW.days,
        "progress": progress,
        "timeline": [timeline.describe(e, progress.actions_by_id) for e in selectors.complaint_timeline(complaint)],
        "forms": page_forms,
        "allowed": allowed,
        "survey": survey,
        "customer_reachable": bool(complaint.customer.consents_to_contact and complaint.customer.email),
        "limit_escalation": limit_escalation,
        # Other apps' sections (a coaching review …): the full page only, htmx answers never swap them.
        "page_sections": [] if is_htmx else page_links.sections_for(user, complaint),
    }
    template = "recovery/partials/detail_region.html" if is_htmx else "recovery/detail.html"
    return render(request, template, context)


# --- views ---------------------------------------------------------------------------------


@require_safe
@role_required(roles.can_work)
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a complaint: who complained, where the recovery stands, what to do next and what happened."""
    complaint = selectors.get_complaint_for(request.user, pk)
    return _render(request, complaint)


Perform = Callable[[Any, Complaint, Any], str]


def _act(request: HttpRequest, pk: int, *, slot: str, perform: Perform) -> HttpResponse:
    """Validate the posted form for `slot`, let `perform` call the workflow, and answer as the brief says.

    `perform(user, complaint, form)` returns the message to show when it worked.
    """
    complaint = selectors.get_complaint_for(request.user, pk)
    detail_url = reverse("recovery:complaint_detail", args=[complaint.pk])
    if request.method != "POST":
        return redirect(detail_url)
    form = _build_form(slot, user=request.user, complaint=complaint, data=request.POST)
    if form is None:
        messages.error(request, f"There is no step to record on {complaint.reference} now.")
        return _render(request, complaint)
    escalation = None
    if form.is_valid():
        try:
            done = perform(request.user, complaint, form)
        except workflow.StaleComplaintError as exc:
            complaint = selectors.get_complaint_for(request.user, pk)
            form = _refreshed(slot, request, complaint, form, exc.message)
        except workflow.AboveEmpowermentLimitError as exc:
            form.add_error(exc.field, exc.message)
            escalation = _limit_escalation(request.user, complaint, form, exc)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _done(request, pk, done)
    return _render(request, complaint, bound={slot: form}, limit_escalation=escalation)


def _done(request: HttpRequest, pk: int, message: str) -> HttpResponse:
    """Answer a change that went through: the page again, or the queue when the user may no longer see it."""
    is_htmx = bool(getattr(request, "htmx", False))
    try:
        complaint = selectors.get_complaint_for(request.user, pk)
    except Http404:
        # Handing a colleague's confidential complaint on takes it out of the user's sight.
        messages.success(request, f"{message} You no longer have access to it.")
        queue = reverse("recovery:my_queue")
        return HttpResponseClientRedirect(queue) if is_htmx else redirect(queue)
    messages.success(request, message)
    return _render(request, complaint) if is_htmx else redirect(reverse("recovery:complaint_detail", args=[pk]))


def _refreshed(slot: str, request: HttpRequest, complaint: Complaint, posted: forms.Form, message: str) -> forms.Form:
    """Return the posted form again, with what was typed, built on the complaint's new version."""
    data = posted.rebased(complaint) if isinstance(posted, EditForm) else request.POST.copy()
    data["expected_version"] = str(complaint.version)
    form = _build_form(slot, user=request.user, complaint=complaint, data=data) or posted
    form.is_valid()
    form.stale_message = message  # type: ignore[attr-defined]
    return form


def _record_step(user: Any, complaint: Complaint, form: StepForm) -> str:
    updated = STEP_ACTIONS[form.step](complaint=complaint, user=user, **form.step_kwargs())
    after = (
        "All five steps are done: it can be closed now."
        if updated.stage == Stage.CLOSE
        else (f"Next: {updated.get_stage_display()}.")
    )
    return f"{form.done_message} for {updated.reference}. {after}"


@role_required(roles.can_work)
def complaint_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the current step (the form differs per step)."""
    return _act(request, pk, slot="step", perform=_record_step)


def _skip(user: Any, complaint: Complaint, form: SkipForm) -> str:
    step = form.cleaned_data["step"]
    updated = workflow.complaint_skip_step(
        complaint=complaint,
        user=user,
        step=step,
        reason=form.cleaned_data["reason"],
        expected_version=form.cleaned_data["expected_version"],
    )
    return f"“{timeline.step_label(step)}” marked as not needed. Next: {updated.get_stage_display()}."


@role_required(roles.can_work)
def complaint_skip(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark reinstate, empathize or atone as not needed, with the reason."""
    return _act(request, pk, slot="skip", perform=_skip)


def _note(user: Any, complaint: Complaint, form: NoteForm) -> str:
    workflow.complaint_add_note(complaint=complaint, user=user, text=form.cleaned_data["text"])
    return "Note added."


@role_required(roles.can_work)
def complaint_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a note (a clarification) to the timeline."""
    return _act(request, pk, slot="note", perform=_note)


def _assign(user: Any, complaint: Complaint, form: AssignForm) -> str:
    to = form.cleaned_data["to"]
    updated = workflow.complaint_assign(
        complaint=complaint, user=user, to=to, expected_version=form.cleaned_data["expected_version"]
    )
    return f"{updated.reference} is now with {display_name(to)}."


@role_required(roles.can_work)
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the complaint to another handler."""
    return _act(request, pk, slot="assign", perform=_assign)


def _escalate(user: Any, complaint: Complaint, form: EscalateForm) -> str:
    to = form.cleaned_data["to"]
    updated = workflow.complaint_escalate(
        complaint=complaint,
        user=user,
        to=to,
        reason=form.cleaned_data["reason"],
        expected_version=form.cleaned_data["expected_version"],
    )
    return f"{updated.reference} was escalated to {display_name(to)}."


@role_required(roles.can_work)
def complaint_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """Step back: hand the complaint to a manager with a reason."""
    return _act(request, pk, slot="escalate", perform=_escalate)


def _close(user: Any, complaint: Complaint, form: CloseForm) -> str:
    data = form.cleaned_data
    updated = workflow.complaint_close(
        complaint=complaint,
        user=user,
        outcome=data["outcome"],
        root_cause=data["root_cause"],
        corrective_action=data["corrective_action"],
        expected_version=data["expected_version"],
    )
    return f"{updated.reference} is closed ({updated.get_outcome_display().lower()})."


@role_required(roles.can_work)
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the complaint after its follow-up, with the outcome."""
    return _act(request, pk, slot="close", perform=_close)


def _reopen(user: Any, complaint: Complaint, form: ReopenForm) -> str:
    data = form.cleaned_data
    updated = workflow.complaint_reopen(
        complaint=complaint,
        user=user,
        to_step=data["to_step"],
        reason=data["reason"],
        expected_version=data["expected_version"],
    )
    return f"{updated.reference} is reopened at “{updated.get_stage_display()}” (round {updated.round})."


@role_required(roles.can_work)
def complaint_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a closed complaint at the step that failed."""
    return _act(request, pk, slot="reopen", perform=_reopen)


def _edit(user: Any, complaint: Complaint, form: EditForm) -> str:
    before = complaint.version
    updated = workflow.complaint_edit(
        complaint=complaint, user=user, expected_version=form.cleaned_data["expected_version"], **form.changes()
    )
    return "Details saved." if updated.version != before else "Nothing changed."


@role_required(roles.can_work)
def complaint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the complaint's details."""
    return _act(request, pk, slot="edit", perform=_edit)


def _customer_emails(user: Any, complaint: Complaint, form: CustomerEmailsForm) -> str:
    enabled = form.cleaned_data["enabled"]
    workflow.complaint_set_customer_emails(
        complaint=complaint, user=user, enabled=enabled, expected_version=form.cleaned_data["expected_version"]
    )
    if enabled:
        return "Emails to the customer are on for this complaint."
    return "Emails to the customer are off for this complaint; any not yet sent are cancelled."


@role_required(roles.can_work)
def complaint_customer_emails(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch this complaint's emails to the customer on or off."""
    return _act(request, pk, slot="emails", perform=_customer_emails)
