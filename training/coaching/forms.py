"""The review form (a rating and a comment per step done, an overall note, next time), the reply form and the
calibration form. Forms validate shape; the rules (closed complaint, a manager, steps done) are the services'."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model

from accounts import roles
from common.forms import PersonChoiceField, PlainTextField
from recovery.models import RecoveryAction
from training.coaching.models import TOKEN_MAX
from training.coaching.rules import COMMENT_MAX, NOTE_MAX, REPLY_MAX, Rating, Stance
from training.coaching.services import StepRatingInput, rating_field


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class ReviewForm(forms.Form):
    """One rating and comment per step done (`steps`), then the overall note and what to do next time."""

    def __init__(self, *args: Any, steps: list[RecoveryAction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps = steps
        for action in steps:
            label = action.get_step_display()
            self.fields[rating_field(action.step)] = forms.ChoiceField(
                choices=Rating.choices,
                widget=forms.RadioSelect,
                label=f"{label}: rating",
                error_messages={"required": f"Rate the {label.lower()} step."},
            )
            self.fields[f"comment_{action.step}"] = PlainTextField(
                limit=COMMENT_MAX, rows=2, label=f"{label}: comment", help_text="What was good, what to change."
            )
        self.fields["overall"] = PlainTextField(
            limit=NOTE_MAX,
            rows=3,
            required=True,
            label="Overall note",
            error_messages={"required": "Write an overall note."},
        )
        self.fields["next_time"] = PlainTextField(
            limit=NOTE_MAX,
            rows=3,
            required=True,
            label="Next time",
            help_text="One or two things to do differently next time.",
            error_messages={"required": "Write what to do next time."},
        )
        self.helper = _helper()

    def step_fields(self) -> list[tuple[RecoveryAction, forms.BoundField, forms.BoundField]]:
        return [(a, self[rating_field(a.step)], self[f"comment_{a.step}"]) for a in self.steps]

    def ratings(self) -> dict[str, StepRatingInput]:
        data = self.cleaned_data
        return {
            a.step: StepRatingInput(data[rating_field(a.step)], data.get(f"comment_{a.step}", ""))
            for a in self.steps
            if data.get(rating_field(a.step))
        }


class ReplyForm(forms.Form):
    stance = forms.ChoiceField(
        choices=Stance.choices,
        widget=forms.RadioSelect,
        label="Your view",
        error_messages={"required": "Say whether you agree or what the review missed."},
    )
    text = PlainTextField(
        limit=REPLY_MAX, rows=3, required=True, label="Reply", error_messages={"required": "Write your reply."}
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=TOKEN_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CalibrationForm(forms.Form):
    asked = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        label="Ask a manager to review it blind",
        error_messages={"required": "Choose a manager.", "invalid_choice": "Choose one of the managers listed."},
    )

    def __init__(self, *args: Any, exclude: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["asked"]
        assert isinstance(field, PersonChoiceField)  # noqa: S101
        field.queryset = roles.managers().exclude(pk__in=exclude)
        self.helper = _helper()
