"""Forms for the five recovery steps and for marking a step "not needed".

They only validate what a person typed; `recovery.workflow` does the rest
(order, permissions, due times) and may still refuse. Field names match the
workflow's keyword arguments and the `field` of its errors, so a refusal lands
next to the field it is about.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from crispy_forms.bootstrap import InlineRadios, PrependedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row
from django import forms
from django.utils import timezone

from common.forms import AmountField, PlainTextField
from common.localtime import ClockChange, clock_change_at
from common.money import currency_symbol, format_money
from policy.selectors import EmpowermentLimit
from recovery.models import MINUTES_MAX, NOTE_MAX, REASON_MAX, SKIPPABLE_STEPS, AtonementKind, Stage
from recovery.workflow import CLOCK_SKEW

# What the hidden "when" marker holds when the form was shown with "now" filled in.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"

STALE_FORM = "This form is out of date. Reload the page and try again."


class LocalDateTimeField(forms.DateTimeField):
    """A past date and time typed on the local clock, in plain words when it falls in a clock change.

    Django's own message ("couldn't be interpreted in time zone …; it may be ambiguous or it may not
    exist") leaves the person guessing. A clock time the change skipped is refused, naming the two times
    the person may have meant. One that happened twice is taken when only one of its readings is not in
    the future (a time received or done cannot be); otherwise the person chooses with the "which one"
    field that `offer_clock_choice` adds next to this one, whose answer lands in `reading`.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))
        super().__init__(**kwargs)
        self.reading = ""

    def wall_time(self, value: Any) -> datetime | None:
        """Return what was typed as a clock time without a zone, or None if it is no date and time."""
        try:
            # Read in UTC, where every clock time exists once; only the digits are wanted here.
            with timezone.override(UTC):
                parsed = super().to_python(value)
        except forms.ValidationError:
            return None
        return parsed.replace(tzinfo=None) if isinstance(parsed, datetime) else None

    def readings(self, change: ClockChange) -> list[datetime]:
        """Return the moments a repeated clock time may mean: both, less any still in the future."""
        latest = timezone.now() + CLOCK_SKEW
        return [moment for moment in (change.earlier, change.later) if moment <= latest] or [change.earlier]

    def to_python(self, value: Any) -> datetime | None:
        wall = self.wall_time(value)
        change = clock_change_at(wall) if wall is not None else None
        if change is None:
            return super().to_python(value)
        if not change.repeated:
            raise forms.ValidationError(change.message, code="skipped_time")
        readings = self.readings(change)
        if len(readings) == 1:
            return readings[0]
        if self.reading in READINGS:
            return readings[READINGS.index(self.reading)]
        raise forms.ValidationError(change.message, code="repeated_time")


READINGS = ("earlier", "later")


def offer_clock_choice(form: forms.Form, name: str) -> None:
    """Put a "which 01:30?" choice next to field `name` when the time typed happened twice and either may be meant.

    Call it at the end of the form's `__init__`, once its layout is built. The choice's answer (named
    `<name>_reading`) only tells the field which reading to take; it is no argument of any service.
    """
    field = form.fields[name]
    if not form.is_bound or not isinstance(field, LocalDateTimeField) or field.reading:
        return  # nothing typed, or which reading is already decided
    wall = field.wall_time(form.data.get(form.add_prefix(name)))
    change = clock_change_at(wall) if wall is not None else None
    if change is None or not change.repeated or len(field.readings(change)) < 2:
        return
    choice = f"{name}_reading"
    clock = f"{change.wall:%H:%M}"
    form.fields[choice] = forms.ChoiceField(
        label=f"Which {clock}?",
        choices=[
            ("earlier", f"The first {clock}, {change.label(change.earlier)}"),
            ("later", f"The second {clock}, {change.label(change.later)}, after the clocks went back"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    field.reading = str(form.data.get(form.add_prefix(choice), ""))
    helper = getattr(form, "helper", None)
    if helper is not None:
        helper[name].wrap(Div, choice)


def version_field() -> forms.IntegerField:
    """Return the hidden field holding the complaint version a form was built from."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM, "min_value": STALE_FORM},
    )


def now_for_input() -> datetime:
    """Return the local time now, to the minute, as a datetime-local input shows it."""
    return timezone.localtime().replace(second=0, microsecond=0)


class VersionedForm(forms.Form):
    """A form for a change that must not act on a state the person never saw."""

    expected_version = version_field()

    # Set by the view when someone else changed the complaint first; shown above the form.
    stale_message = ""

    def hidden_errors(self) -> list[str]:
        """Return the errors of hidden fields, which have no place of their own on the page."""
        return [str(e) for field in self.hidden_fields() for e in field.errors]


class StepForm(VersionedForm):
    """What every step records: what was said or done, when, and the minutes it took."""

    step: ClassVar[Stage]
    title: ClassVar[str]
    submit_label: ClassVar[str]
    done_message: ClassVar[str]
    note_label: ClassVar[str] = "What you said or did"
    note_help: ClassVar[str] = ""
    note_required: ClassVar[bool] = False

    note = PlainTextField(limit=NOTE_MAX)
    minutes = forms.IntegerField(
        label="Minutes spent",
        required=False,
        min_value=0,
        max_value=MINUTES_MAX,
        help_text="So we know what recovering a customer costs.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MINUTES_MAX}),
        error_messages={
            "invalid": "Enter the minutes as a whole number.",
            "min_value": "Minutes cannot be negative.",
            "max_value": f"Minutes spent must be at most {MINUTES_MAX:,} (one day).",
        },
    )
    done_at = LocalDateTimeField(
        label="When",
        required=False,
        help_text="Leave as it is if it happened just now.",
        error_messages={"invalid": "Give the date and time it happened."},
    )
    # The "when" the form was shown with: sent back unchanged means "now", at the moment it is saved,
    # so a form left open for a while does not record a time before the previous step.
    done_at_shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            shown = now_for_input().strftime(DATETIME_LOCAL)
            self.initial.setdefault("done_at", shown)
            self.initial.setdefault("done_at_shown", shown)
        note = self.fields["note"]
        note.label = self.note_label
        note.required = self.note_required
        note.help_text = self.note_help
        note.error_messages["required"] = f"Say {self.note_label[0].lower()}{self.note_label[1:]}."
        self.fields["minutes"].initial = 0
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*self.step_fields(), self.timing_row(), "expected_version", "done_at_shown")
        typed, shown = (str(self.data.get(self.add_prefix(name), "")) for name in ("done_at", "done_at_shown"))
        when = self.fields["done_at"]
        if self.is_bound and typed == shown and isinstance(when, LocalDateTimeField):
            # Sent back as shown means "now" (see clean): which reading of the time shown does not matter.
            when.reading = READINGS[0]
        offer_clock_choice(self, "done_at")

    def step_fields(self) -> list[Any]:
        """Return the layout of what this step records before the common minutes and time."""
        return ["note"]

    def focus_first(self) -> None:
        """Put the cursor in the first field when the form arrives in place of the previous step's."""
        first = next(name for name in self.fields if not self.fields[name].widget.is_hidden)
        self.fields[first].widget.attrs["autofocus"] = True

    @staticmethod
    def timing_row() -> Row:
        return Row(Column("minutes", css_class="col-sm-5"), Column("done_at", css_class="col-sm-7"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        shown = self.data.get(self.add_prefix("done_at_shown"), "")
        typed = self.data.get(self.add_prefix("done_at"), "")
        if shown and typed == shown:
            cleaned["done_at"] = None
        return cleaned

    def step_kwargs(self) -> dict[str, Any]:
        """Return the workflow's keyword arguments for this step (all but the complaint and the user)."""
        data = self.cleaned_data
        return {
            "note": data.get("note", ""),
            "minutes": data.get("minutes") or 0,
            "done_at": data.get("done_at"),
            "expected_version": data["expected_version"],
        }


class ApologizeForm(StepForm):
    step = Stage.APOLOGIZE
    title = "Apologize"
    done_message = "Apology recorded"
    submit_label = "Record the apology"
    note_label = "How you apologised"
    note_help = "Sincerely acknowledge the error: fast, in minutes or hours."


class ReinstateForm(StepForm):
    step = Stage.REINSTATE
    title = "Reinstate"
    done_message = "Reinstatement recorded"
    submit_label = "Record what was fixed"
    note_label = "What was fixed"
    note_help = "What you put back in order for the customer."
    note_required = True


class EmpathizeForm(StepForm):
    step = Stage.EMPATHIZE
    title = "Empathize"
    done_message = "Empathy recorded"
    submit_label = "Record the empathy"
    note_label = "How you acknowledged their frustration"
    note_help = "The frustration, not just the breakdown."


class AtoneForm(StepForm):
    step = Stage.ATONE
    title = "Atone"
    done_message = "Atonement recorded"
    submit_label = "Record the atonement"
    note_label = "What was offered"
    note_help = "Required when nothing was offered: say why."

    kind = forms.ChoiceField(
        label="What was offered",
        choices=[("", "Choose…"), *AtonementKind.choices],
        error_messages={"required": "Choose what was offered (or “nothing”, with a reason)."},
    )
    value = AmountField(
        noun="the value",
        example="25 or 25.50",
        label="Value",
        required=False,
        help_text="What it cost us; 0 if nothing.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = "Note"

    def show_limit(self, limit: EmpowermentLimit) -> None:
        """Say, by the value, what this front-line person may give on their own (the service policy's limit)."""
        self.fields[
            "value"
        ].help_text = (
            f"Your limit: {format_money(limit.amount)} (service policy v{limit.version}). Above it, a manager decides."
        )

    def step_fields(self) -> list[Any]:
        return [
            # The currency next to the amount: the setting, read when the form is built.
            Row(
                Column("kind", css_class="col-sm-7"),
                Column(PrependedText("value", currency_symbol()), css_class="col-sm-5"),
            ),
            "note",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == AtonementKind.NOTHING and not cleaned.get("note") and "note" not in self.errors:
            self.add_error("note", "Say why nothing was offered.")
        if kind and kind != AtonementKind.NOTHING and cleaned.get("value") is None and "value" not in self.errors:
            self.add_error("value", "Enter the value of the atonement (0 if it cost nothing).")
        return cleaned

    def step_kwargs(self) -> dict[str, Any]:
        return {**super().step_kwargs(), "kind": self.cleaned_data["kind"], "value": self.cleaned_data.get("value")}


SATISFACTION_CHOICES = [(str(score), str(score)) for score in range(1, 6)]
RETAINED_CHOICES = [("yes", "Yes, they stayed"), ("no", "No, we lost them")]


class FollowUpForm(StepForm):
    step = Stage.FOLLOW_UP
    title = "Follow up"
    done_message = "Follow-up recorded"
    submit_label = "Record the follow-up"
    note_label = "Note"
    note_help = "Anything else about the follow-up."

    satisfaction = forms.TypedChoiceField(
        label="How satisfied is the customer now?",
        help_text="1 = very unhappy, 5 = very happy.",
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the customer's satisfaction, from 1 to 5.",
            "invalid_choice": "Satisfaction is a score from 1 (very unhappy) to 5 (very happy).",
        },
    )
    retained = forms.TypedChoiceField(
        label="Did the customer stay with us?",
        choices=RETAINED_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the customer stayed with us.",
            "invalid_choice": "Say whether the customer stayed with us.",
        },
    )
    customer_comment = PlainTextField(
        limit=NOTE_MAX, label="The customer’s comment", help_text="How they felt the complaint was handled."
    )

    def step_fields(self) -> list[Any]:
        return [InlineRadios("satisfaction"), InlineRadios("retained"), "customer_comment", "note"]

    def step_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().step_kwargs(),
            "satisfaction": data["satisfaction"],
            "retained": data["retained"],
            "customer_comment": data.get("customer_comment", ""),
        }


STEP_FORMS: dict[str, type[StepForm]] = {
    form.step.value: form for form in (ApologizeForm, ReinstateForm, EmpathizeForm, AtoneForm, FollowUpForm)
}


class SkipForm(VersionedForm):
    """Mark reinstate, empathize or atone as not needed, saying why."""

    step = forms.ChoiceField(
        widget=forms.HiddenInput,
        choices=[(s.value, s.label) for s in SKIPPABLE_STEPS],
        error_messages={
            "required": STALE_FORM,
            "invalid_choice": "Only reinstate, empathize and atone can be marked not needed.",
        },
    )
    reason = PlainTextField(
        limit=REASON_MAX,
        required=True,
        rows=2,
        label="Why is this step not needed?",
        help_text="For example: the customer declined compensation.",
        error_messages={"required": "Say why this step is not needed."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def step_label(self) -> str:
        """Return the name of the step this form would mark as not needed."""
        value = self.data.get("step") if self.is_bound else self.initial.get("step")
        return Stage(value).label if value in Stage.values else "This step"
