"""The module form (module fields, sections, questions with choices), the check, and the assign form.

Forms lay out and validate the shape of what was typed; the content rules (a right answer per
question, a pass mark from 1 to 100 …) are `training.content.draft_problems`, reported by the service
and put back next to the fields they concern by the view.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from accounts import roles
from common.forms import PersonChoiceField, PlainTextField
from training.content import (
    BODY_MAX,
    CHOICE_MAX,
    EXPLANATION_MAX,
    MAX_CHOICES,
    QUESTION_MAX,
    SECTION_TITLE_MAX,
    STEP_CHOICES,
    SUMMARY_MAX,
    TITLE_MAX,
    Audience,
    ModuleDraft,
    QuestionDraft,
    SectionDraft,
)
from training.models import ModuleVersion


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class ModuleForm(forms.Form):
    title = PlainTextField(limit=TITLE_MAX, required=True, widget=forms.TextInput)
    summary = PlainTextField(limit=SUMMARY_MAX, rows=2, help_text="One or two lines shown in the lists.")
    audience = forms.ChoiceField(choices=Audience.choices, initial=Audience.EVERYONE, widget=forms.RadioSelect)
    steps = forms.MultipleChoiceField(
        choices=STEP_CHOICES, required=False, widget=forms.CheckboxSelectMultiple, label="Recovery steps covered"
    )
    required = forms.BooleanField(
        required=False, label="Required: assigned to everyone who meets customers, now and when they join"
    )
    renewal_months = forms.IntegerField(
        required=False, label="Renewal (months)", help_text="Leave empty if a pass never runs out."
    )
    pass_mark = forms.IntegerField(initial=80, label="Pass mark (%)", help_text="From 1 to 100.")

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["needs_retaking"] = forms.BooleanField(
                required=False,
                label="Needs retaking: everyone who passed an earlier version takes this one again",
            )
        self.helper = _helper()


class SectionForm(forms.Form):
    title = PlainTextField(limit=SECTION_TITLE_MAX, widget=forms.TextInput, label="Section title")
    body = PlainTextField(limit=BODY_MAX, rows=6, label="Text (Markdown)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("title", "").strip() or data.get("body", "").strip())

    def draft(self) -> SectionDraft:
        return SectionDraft(self.cleaned_data.get("title", ""), self.cleaned_data.get("body", "").replace("\r\n", "\n"))


CHOICE_FIELDS = tuple(f"choice_{n}" for n in range(1, MAX_CHOICES + 1))


class QuestionForm(forms.Form):
    text = PlainTextField(limit=QUESTION_MAX, rows=2, label="Question")
    answer = forms.TypedChoiceField(
        choices=[("", "(none)")] + [(str(n), f"Choice {n}") for n in range(1, MAX_CHOICES + 1)],
        coerce=int,
        empty_value=None,
        required=False,
        label="The right answer",
    )
    explanation = PlainTextField(limit=EXPLANATION_MAX, rows=1, label="One-line explanation, shown after answering")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n, name in enumerate(CHOICE_FIELDS, start=1):
            self.fields[name] = PlainTextField(limit=CHOICE_MAX, widget=forms.TextInput, label=f"Choice {n}")
        self.order_fields(["text", *CHOICE_FIELDS, "answer", "explanation"])
        self.helper = _helper()

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(str(data.get(name) or "").strip() for name in ("text", *CHOICE_FIELDS))

    def draft(self) -> QuestionDraft:
        data = self.cleaned_data
        filled = [(n, data[name]) for n, name in enumerate(CHOICE_FIELDS, start=1) if data.get(name, "").strip()]
        marked = data.get("answer")
        answer = next((index for index, (n, _) in enumerate(filled) if n == marked), None)
        return QuestionDraft(
            data.get("text", ""), tuple(text for _, text in filled), answer, data.get("explanation", "")
        )


SectionFormSet = forms.formset_factory(SectionForm, extra=0, max_num=30, absolute_max=30)
QuestionFormSet = forms.formset_factory(QuestionForm, extra=0, max_num=30, absolute_max=30)


def version_initial(version: ModuleVersion) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The module form, sections and questions filled in from a stored version."""
    module = {
        "title": version.title,
        "summary": version.summary,
        "audience": version.audience,
        "steps": list(version.steps),
        "required": version.required,
        "renewal_months": version.renewal_months,
        "pass_mark": version.pass_mark,
    }
    sections = [{"title": s.title, "body": s.body} for s in version.sections.order_by("order")]
    questions = []
    for question in version.questions.prefetch_related("choices").order_by("order"):
        row: dict[str, Any] = {"text": question.text, "explanation": question.explanation}
        for n, choice in enumerate(question.choices.all(), start=1):
            row[f"choice_{n}"] = choice.text
            if choice.is_correct:
                row["answer"] = n
        questions.append(row)
    return module, sections, questions


def module_draft(form: ModuleForm, sections: list[SectionForm], questions: list[QuestionForm]) -> ModuleDraft:
    data = form.cleaned_data
    return ModuleDraft(
        title=data["title"],
        summary=data.get("summary", ""),
        audience=data["audience"],
        steps=tuple(data.get("steps", ())),
        required=data.get("required", False),
        renewal_months=data.get("renewal_months"),
        pass_mark=data["pass_mark"],
        sections=tuple(s.draft() for s in sections),
        questions=tuple(q.draft() for q in questions),
    )


class AssignForm(forms.Form):
    person = PersonChoiceField(queryset=None, required=False, label="A person")
    role = forms.ChoiceField(choices=[("", "—")] + [(r, r) for r in roles.ROLES], required=False, label="Or a role")
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = roles.handlers()  # type: ignore[attr-defined]
        self.fields["due_on"].initial = timezone.localdate() + timedelta(days=14)
        self.helper = _helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("person")) == bool(data.get("role")):
            raise forms.ValidationError("Choose a person or a role (one of them).")
        return data
