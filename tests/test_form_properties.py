"""Any input to any form either validates or yields field errors: never an exception.

For every form CareDesk has (the screens', the sign-in pages', the admin's), hypothesis generates
request data: any subset of the form's field names (its formsets' rows and management fields too,
and a name it does not have), each with one to three values, drawn from arbitrary text, lone
surrogates, the hostile-input corpus, numbers of any size, dates and times that do or do not exist,
and the ids of real rows. `is_valid()` must return True or False without raising; when False, every
error belongs to one of the form's fields (or the whole form); when True, what the view does next with
the cleaned data (the service's arguments, the draft, the filters) must not raise either.

Each example runs in a savepoint that is rolled back (the admin's forms write through the services
while validating). 50 examples per form, derandomised under the "ci" profile (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import roles
from accounts.forms import CodeForm, PasswordChangeForm, SetupCodeForm, SignInForm
from common.errors import DomainError
from config.admin import AdministratorSignInForm
from customers.admin import CustomerAdminForm
from customers.forms import CustomerEditForm, CustomerFilterForm, CustomerForm, CustomerQuickForm
from customers.models import CustomerGroup
from customers.personal_data.forms import ErasureForm
from intake.forms import TakeForm
from intake.public_forms import PublicComplaintForm, StatusMessageForm
from intake.services import public_complaint_submit
from intake.views.public import FORM_FIELD
from policy.forms import PublishForm
from recovery.admin.complaints import ComplaintAdminForm
from recovery.admin.reference import RecoveryPolicyAdminForm
from recovery.filters import ComplaintFilter
from recovery.forms.complaint import (
    AssignForm,
    CloseForm,
    CustomerEmailsForm,
    EditForm,
    EscalateForm,
    NoteForm,
    ReopenForm,
)
from recovery.forms.dashboard import DashboardFilterForm, ReviewMonthForm
from recovery.forms.handover import HandOverForm
from recovery.forms.log import ComplaintLogForm
from recovery.forms.steps import STEP_FORMS, SkipForm
from recovery.forms.survey import SurveyForm
from recovery.models import Category, Complaint, RecoveryPolicy
from recovery.selectors import categories_for, complaints_visible_to
from recovery.staff_admin import StaffChangeForm
from recovery.workflow import complaint_customer_wrote, complaint_take
from tests.factories import UserFactory, log_complaint
from tests.helpers.coaching import closed_complaint
from tests.payloads import CORPUS, REFUSED_IN_CODE
from training.coaching.forms import CalibrationForm, ReplyForm, ReviewForm
from training.coaching.services import steps_done
from training.forms import (
    AssignForm as TrainingAssignForm,
)
from training.forms import (
    ModuleForm,
    QuestionForm,
    QuestionFormSet,
    SectionForm,
    SectionFormSet,
    module_draft,
)

pytestmark = pytest.mark.django_db

FIXED = [
    "",
    " ",
    "on",
    "off",
    "yes",
    "no",
    "true",
    "0",
    "1",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "0.001",
    "2026-03-29T01:30",  # skipped by the clocks in Europe/London
    "2026-10-25T01:30",  # happened twice
    "2026-02-30",
    "2026-03",
    "9999-12-31",
    "0001-01-01T00:00",
    "2026-13-45T99:99",
    "C-000001",
    "apologize",
    "voucher",
    "well_done",
    "agree",
    "Front line",
    "end_user",
    "retained",
]

TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(sorted(CORPUS.values())),
    st.tuples(st.text(max_size=5), st.sampled_from(sorted(REFUSED_IN_CODE.values())), st.text(max_size=5)).map("".join),
    st.from_regex(r"\A-?[0-9]{1,30}(\.[0-9]{1,5})?\Z"),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(FIXED),
)


class World:
    """The people and rows the forms are built with; the complaints made when a form first needs them."""

    def __init__(self, alice: Any, maria: Any, customer: Any) -> None:
        self.alice, self.maria, self.customer = alice, maria, customer
        self.admin = UserFactory(username="root", is_superuser=True, is_staff=True)
        people = [str(pk) for pk in get_user_model().objects.values_list("pk", flat=True)]
        categories = [str(pk) for pk in Category.objects.values_list("pk", flat=True)]
        self.ids = [*people, *categories, str(customer.pk)]

    @cached_property
    def complaint(self) -> Complaint:
        return log_complaint(user=self.alice, customer=self.customer)

    @cached_property
    def closed(self) -> Complaint:
        return closed_complaint(self.alice, self.customer)

    @cached_property
    def inboxed(self) -> Complaint:
        """A complaint a customer sent with the public form: nobody's yet, in the inbox."""
        return public_complaint_submit(
            name="Ivy Inbox",
            email="ivy@example.org",
            phone="",
            group=CustomerGroup.END_USER,
            what_happened="The lift was out of order all week.",
            desired_remedy="",
            consents_to_contact=True,
        )


Build = Callable[[World, QueryDict], Any]
After = Callable[[World, Any], object]


@dataclass(frozen=True)
class FormCase:
    name: str
    build: Build
    after: After = lambda world, form: None  # what the view does with a valid form


def step_form(step: str) -> Build:
    return lambda w, data: STEP_FORMS[step](data)


def step_after(world: World, form: Any) -> object:
    return form.step_kwargs()


def signed_in_request() -> Any:
    return RequestFactory().post("/login/", REMOTE_ADDR="192.0.2.10")


def staff_form(world: World, data: QueryDict) -> Any:
    form_class = type("StaffForm", (StaffChangeForm,), {"acting_user": world.admin})
    return form_class(data, instance=world.alice)


def customer_admin_form(world: World, data: QueryDict) -> Any:
    return type("CustomerForm", (CustomerAdminForm,), {"acting_user": world.maria})(data)


def complaint_admin_form(world: World, data: QueryDict) -> Any:
    return type("ComplaintForm", (ComplaintAdminForm,), {"acting_user": world.admin})(data)


def complaint_admin_edit(world: World, data: QueryDict) -> Any:
    return type("ComplaintForm", (ComplaintAdminForm,), {"acting_user": world.admin})(data, instance=world.complaint)


def public_complaint_form(world: World, data: QueryDict) -> PublicComplaintForm:
    form = PublicComplaintForm(data)
    form.refusal()  # the view reads the spam checks from every submission first, valid or not
    return form


def public_complaint_after(world: World, form: PublicComplaintForm) -> object:
    """File it as the view does; a DomainError the view shows on the form's field it names (or the form)."""
    data = form.cleaned_data
    try:
        return public_complaint_submit(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            group=data["group"],
            what_happened=data["what_happened"],
            desired_remedy=data["desired_remedy"],
            consents_to_contact=data["consents_to_contact"],
        )
    except DomainError as exc:
        field = FORM_FIELD.get(exc.field or "", exc.field)
        form.add_error(field if field in form.fields else None, exc.message)
        return None


def status_message_after(world: World, form: StatusMessageForm) -> object:
    try:
        return complaint_customer_wrote(complaint=world.inboxed.pk, text=form.cleaned_data["text"], via="status_page")
    except DomainError as exc:
        form.add_error("text", exc.message)
        return None


def take_form(manager: bool) -> Build:
    def build(world: World, data: QueryDict) -> TakeForm:
        user = world.maria if manager else world.alice
        return TakeForm(data, complaint=world.inboxed, user=user, manager=manager)

    return build


def take_after(world: World, form: TakeForm) -> object:
    """Take it as the view does; a DomainError (a stale version, say) the view shows on the form."""
    data = form.cleaned_data
    user = world.maria if "to" in form.fields else world.alice
    try:
        return complaint_take(
            complaint=form.complaint,
            user=user,
            to=data.get("to") or None,
            category=data["category"],
            severity=data["severity"],
            expected_version=data["expected_version"],
        )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


class Formsets:
    """The module form with its two formsets, as the module screen validates them."""

    def __init__(self, data: QueryDict) -> None:
        self.form = ModuleForm(data, editing=True)
        self.sections = SectionFormSet(data, prefix="sections")
        self.questions = QuestionFormSet(data, prefix="questions")

    def is_valid(self) -> bool:
        return self.form.is_valid() & self.sections.is_valid() & self.questions.is_valid()


def formsets_after(world: World, forms_: Formsets) -> object:
    sections = [s for s in forms_.sections.forms if not s.is_blank()]
    questions = [q for q in forms_.questions.forms if not q.is_blank()]
    return module_draft(forms_.form, sections, questions)


CASES = [
    FormCase("customer", lambda w, d: CustomerForm(d), lambda w, f: f.service_fields()),
    FormCase("customer quick add", lambda w, d: CustomerQuickForm(d), lambda w, f: f.service_fields()),
    FormCase("customer edit", lambda w, d: CustomerEditForm(d), lambda w, f: f.service_fields()),
    FormCase("customer filters", lambda w, d: CustomerFilterForm(d), lambda w, f: f.values()),
    FormCase("policy", lambda w, d: PublishForm(d)),
    FormCase("log", lambda w, d: ComplaintLogForm(d, user=w.alice)),
    FormCase("hand over", lambda w, d: HandOverForm(d, people=roles.handlers())),
    *[FormCase(f"step {step}", step_form(step), step_after) for step in STEP_FORMS],
    FormCase("skip", lambda w, d: SkipForm(d)),
    FormCase("survey", lambda w, d: SurveyForm(d)),
    FormCase("note", lambda w, d: NoteForm(d)),
    FormCase("assign", lambda w, d: AssignForm(d, people=roles.handlers())),
    FormCase("escalate", lambda w, d: EscalateForm(d, people=roles.managers())),
    FormCase("close", lambda w, d: CloseForm(d)),
    FormCase("reopen", lambda w, d: ReopenForm(d)),
    FormCase("customer emails", lambda w, d: CustomerEmailsForm(d)),
    FormCase(
        "edit",
        lambda w, d: EditForm(d, categories=categories_for()),
        lambda w, f: (f.changes(), f.rebased(w.complaint)),
    ),
    FormCase(
        "complaint filters",
        lambda w, d: ComplaintFilter(d, queryset=complaints_visible_to(w.maria), request=None).form,
    ),
    FormCase(
        "dashboard filters", lambda w, d: DashboardFilterForm(d), lambda w, f: f.dashboard_filters(timezone.now())
    ),
    FormCase(
        "review month",
        lambda w, d: ReviewMonthForm(d, today=date(2026, 6, 15)),
        lambda w, f: f.month_or_default(timezone.now()),
    ),
    FormCase("module", lambda w, d: ModuleForm(d, editing=True)),
    FormCase("section", lambda w, d: SectionForm(d), lambda w, f: f.draft()),
    FormCase("question", lambda w, d: QuestionForm(d), lambda w, f: f.draft()),
    FormCase("module with sections and questions", lambda w, d: Formsets(d), formsets_after),
    FormCase("training assign", lambda w, d: TrainingAssignForm(d)),
    FormCase(
        "coaching review",
        lambda w, d: ReviewForm(d, steps=steps_done(w.closed)),
        lambda w, f: f.ratings(),
    ),
    FormCase("coaching reply", lambda w, d: ReplyForm(d)),
    FormCase("calibration", lambda w, d: CalibrationForm(d, exclude=[w.maria.pk])),
    FormCase("sign in", lambda w, d: SignInForm(signed_in_request(), data=d)),
    FormCase("admin sign in", lambda w, d: AdministratorSignInForm(signed_in_request(), data=d)),
    FormCase("admin customer", customer_admin_form),
    FormCase("admin complaint", complaint_admin_form),
    FormCase("admin complaint edit", complaint_admin_edit),
    FormCase(
        "admin recovery policy",
        lambda w, d: RecoveryPolicyAdminForm(d, instance=RecoveryPolicy.objects.order_by("pk").first()),
    ),
    FormCase("admin staff account", staff_form),
    FormCase("erasure", lambda w, d: ErasureForm(d)),
    FormCase("sign-in code", lambda w, d: CodeForm(d)),
    FormCase("two-step set-up code", lambda w, d: SetupCodeForm(d)),
    FormCase("password change", lambda w, d: PasswordChangeForm(w.alice, d)),
    FormCase("public complaint", public_complaint_form, public_complaint_after),
    FormCase("status message", lambda w, d: StatusMessageForm(d), status_message_after),
    FormCase("take", take_form(manager=False), take_after),
    FormCase("take as a manager", take_form(manager=True), take_after),
]
# Packages whose forms must each have a case above.
PROJECT_PACKAGES = {
    "accounts",
    "common",
    "config",
    "customers",
    "health",
    "intake",
    "policy",
    "recovery",
    "training",
}


def field_names(form: Any) -> list[str]:
    """Return the names the form reads from the request: its fields', its formsets' rows and management fields."""
    if isinstance(form, Formsets):
        names = field_names(form.form)
        for formset in (form.sections, form.questions):
            names += [formset.add_prefix(name) for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MAX_NUM_FORMS")]
            names += [f"{formset.prefix}-{row}-{name}" for row in range(3) for name in formset.empty_form.fields]
        return names
    return [form.add_prefix(name) for name in form.fields]


def errors_belong_to_fields(form: Any) -> bool:
    if isinstance(form, Formsets):
        return all(errors_belong_to_fields(f) for f in (form.form, *form.sections.forms, *form.questions.forms))
    return set(form.errors) <= {*form.fields, NON_FIELD_ERRORS}


def project_form_classes() -> set[str]:
    """Return every form class defined in CareDesk's packages (the URLconf loaded, so every view's forms are)."""
    get_resolver().url_patterns  # noqa: B018 - imports every view, and the forms they use
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_PACKAGES:
                found.add(f"{sub.__module__}.{sub.__qualname__}")
    return found


def test_every_form_has_a_case(world):
    built = [case.build(world, QueryDict()) for case in CASES]
    built += [form.form for form in built if isinstance(form, Formsets)]
    # A form counts as covered with the bases it builds on (the admin makes its own subclass of ours).
    covered = {f"{cls.__module__}.{cls.__qualname__}" for form in built for cls in type(form).__mro__}
    missing = sorted(project_form_classes() - covered)
    assert not missing, (
        "These forms have no case in CASES (tests/test_form_properties.py), so nothing checks that any input "
        "gives field errors rather than an exception: " + ", ".join(missing)
    )


@pytest.fixture
def world(alice, maria, customer) -> World:
    return World(alice, maria, customer)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_input_validates_or_gets_field_errors_never_an_exception(world, case, data):
    names = field_names(case.build(world, QueryDict()))  # also makes the rows the form needs, outside the savepoint
    value = st.one_of(TEXT, st.sampled_from(world.ids))
    posted = data.draw(
        st.dictionaries(st.sampled_from([*names, "unexpected"]), st.lists(value, min_size=1, max_size=3))
    )
    query = QueryDict(mutable=True)
    for name, values in posted.items():
        query.setlist(name, values)

    with transaction.atomic():
        form = case.build(world, query)
        valid = form.is_valid()
        assert valid in (True, False)
        if valid:
            case.after(world, form)
        else:
            assert errors_belong_to_fields(form), form.errors
        transaction.set_rollback(True)
