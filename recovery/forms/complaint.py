"""Forms for what else happens to a complaint: notes, hand-overs, closing, reopening, corrections.

Validation only; `recovery.workflow` decides whether the change is allowed.
"""

from __future__ import annotations

import json
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from common.forms import PersonChoiceField, PlainTextField
from recovery.forms.steps import VersionedForm
from recovery.models import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    REASON_MAX,
    REMEDY_MAX,
    STEPS,
    SUMMARY_MAX,
    Category,
    Channel,
    Complaint,
    Outcome,
    Severity,
)
from recovery.workflow import EDITABLE_FIELDS


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class NoteForm(forms.Form):
    """A clarification for the timeline; it changes nothing else."""

    text = PlainTextField(
        limit=NOTE_MAX,
        required=True,
        rows=2,
        label="Add a note",
        help_text="A clarification for the timeline, e.g. why the customer got something other than they ordered.",
        error_messages={"required": "Write the note first."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class AssignForm(VersionedForm):
    """Give the complaint to another handler."""

    to = PersonChoiceField(
        queryset=None,
        label="Give it to",
        empty_label="Choose a colleague…",
        error_messages={"required": "Choose a colleague.", "invalid_choice": "Choose one of the colleagues listed."},
    )

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = people  # type: ignore[attr-defined]
        self.helper = _helper()


class EscalateForm(VersionedForm):
    """Step back: hand the complaint to a manager, saying why."""

    to = PersonChoiceField(
        queryset=None,
        label="Manager",
        empty_label="Choose a manager…",
        error_messages={"required": "Choose a manager.", "invalid_choice": "Choose one of the managers listed."},
    )
    reason = PlainTextField(
        limit=REASON_MAX,
        required=True,
        rows=2,
        label="Why",
        help_text="Objectivity matters more than ego: say plainly why someone else should take over.",
        error_messages={"required": "Say why you are escalating."},
    )

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = people  # type: ignore[attr-defined]
        self.helper = _helper()


class CloseForm(VersionedForm):
    """Close the complaint after its follow-up."""

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        help_text="Filled in from the follow-up; change it if you know better.",
        error_messages={"required": "Choose the outcome: retained or lost."},
    )
    root_cause = PlainTextField(limit=NOTE_MAX, label="Root cause", help_text="Why did it go wrong?")
    corrective_action = PlainTextField(
        limit=NOTE_MAX, label="Corrective action", help_text="What changes so it does not happen again?"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ReopenForm(VersionedForm):
    """Reopen a closed complaint at the step that failed."""

    to_step = forms.ChoiceField(
        label="Which step failed?",
        choices=[("", "Choose a step…"), *((s.value, s.label) for s in STEPS)],
        help_text="The complaint goes back to this step; earlier rounds stay in the history.",
        error_messages={"required": "Choose the step that failed."},
    )
    reason = PlainTextField(
        limit=REASON_MAX,
        required=True,
        rows=2,
        label="Why is it reopened?",
        help_text="For example: the customer came back unhappy.",
        error_messages={"required": "Say why it is reopened."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CustomerEmailsForm(VersionedForm):
    """Switch this complaint's emails to the customer (acknowledgement, survey) on or off."""

    enabled = forms.TypedChoiceField(
        choices=[("on", "On"), ("off", "Off")],
        coerce=lambda value: value == "on",
        widget=forms.HiddenInput,
        error_messages={"required": "Choose on or off.", "invalid_choice": "Choose on or off."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# The details a complaint's edit form changes: the ones the workflow lets anyone edit.
EDIT_FIELDS = EDITABLE_FIELDS


class EditForm(VersionedForm):
    """Correct a complaint's details.

    The form carries the values it was shown with (`original`), so only what the
    person changed is saved, and a form sent after someone else's edit can be
    re-based on theirs instead of undoing it.
    """

    summary = PlainTextField(
        limit=SUMMARY_MAX,
        required=True,
        label="Summary",
        widget=forms.TextInput,
        error_messages={"required": "Enter a short summary."},
    )
    description = PlainTextField(limit=DESCRIPTION_MAX, label="Description", rows=4)
    desired_remedy = PlainTextField(limit=REMEDY_MAX, label="Remedy the customer wants", rows=2)
    category: forms.ModelChoiceField[Category] = forms.ModelChoiceField(
        queryset=None,
        label="Category",
        empty_label=None,
        error_messages={"required": "Choose a category.", "invalid_choice": "Choose an active category."},
    )
    severity = forms.ChoiceField(label="Severity", choices=Severity.choices)
    channel = forms.ChoiceField(label="How it reached us", choices=Channel.choices)
    root_cause = PlainTextField(limit=NOTE_MAX, label="Root cause")
    corrective_action = PlainTextField(limit=NOTE_MAX, label="Corrective action")
    original = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]
        self.helper = _helper()

    @staticmethod
    def initial_for(complaint: Complaint) -> dict[str, Any]:
        """Return the form's starting values for `complaint`, including the record of them."""
        initial: dict[str, Any] = {name: getattr(complaint, name) for name in EDIT_FIELDS}
        initial["original"] = json.dumps(EditForm._as_text(initial))
        return initial

    @staticmethod
    def _as_text(values: dict[str, Any]) -> dict[str, str]:
        return {
            name: str(getattr(value, "pk", value)).replace("\r\n", "\n")
            for name, value in values.items()
            if name in EDIT_FIELDS
        }

    def _original(self) -> dict[str, str] | None:
        try:
            original = json.loads(self.cleaned_data.get("original") or "")
        except ValueError:
            return None
        return original if isinstance(original, dict) else None

    def changes(self) -> dict[str, Any]:
        """Return the details the person changed, as the workflow takes them (all of them when unsure)."""
        original = self._original()
        typed = self._as_text(self.cleaned_data)
        return {
            name: self.cleaned_data[name]
            for name in EDIT_FIELDS
            if original is None or original.get(name) != typed[name]
        }

    def rebased(self, complaint: Complaint) -> QueryDict:
        """Return the posted data with the person's changes on top of the complaint as it is now."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        current = self.initial_for(complaint)
        changed = self.changes()
        for name in EDIT_FIELDS:
            if name not in changed:
                data[name] = self._as_text({name: current[name]})[name]
        data["original"] = current["original"]
        return data
