"""The forms of the public pages: the complaint form anyone may fill in (/complain/) and the status page's message box.

Validation and layout only (the view files the complaint with `intake.services.public_complaint_submit`).
The form validates at least as strictly as the services and models would, so a customer on file and a new
one get the same answers to the same input, and the form never tells anyone whether an address is known.

Two spam checks ride along, both without a third-party service: a honeypot field (`website`) that people
never see and programs fill in, and a signed "form shown at" stamp that says how long the form was open.
`refusal()` reads both from the raw data; the view refuses such a submission before validating it.
"""

from __future__ import annotations

import time
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import MaxLengthValidator
from django.http import QueryDict

from common.forms import PlainTextField
from customers.models import Customer
from intake.models import RefusalReason
from intake.services import PUBLIC_GROUPS
from recovery.models import DESCRIPTION_MAX, REMEDY_MAX

STAMP_SALT = "caredesk.intake.public_form.shown_at"
NAME_MAX = Customer._meta.get_field("name").max_length or 200
EMAIL_MAX = Customer._meta.get_field("email").max_length or 254
PHONE_MAX = Customer._meta.get_field("phone").max_length or 40
MESSAGE_MAX = 5_000  # a message from the status page; the workflow takes up to DESCRIPTION_MAX

HONEYPOT = "website"
STAMP = "shown_at"


def form_stamp(*, now: float | None = None) -> str:
    """Return the signed moment the form is shown, for its hidden field."""
    moment = time.time() if now is None else now
    return signing.TimestampSigner(salt=STAMP_SALT).sign(f"{moment:.3f}")


def seconds_since_stamp(stamp: str, *, now: float | None = None) -> float | None:
    """Return how long ago a stamp was made, or None when it is missing, forged or not one of ours."""
    try:
        value = signing.TimestampSigner(salt=STAMP_SALT).unsign(stamp)
        shown = float(value)
    except (signing.BadSignature, ValueError):
        return None
    return (time.time() if now is None else now) - shown


class TelInput(forms.TextInput):
    input_type = "tel"


class PublicComplaintForm(forms.Form):
    """What a customer tells us about a complaint, in plain words; no account needed."""

    name = PlainTextField(
        limit=NAME_MAX,
        required=True,
        label="Your name",
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words", "spellcheck": "false"}),
        error_messages={"required": "Please tell us your name."},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Give us an email address, a phone number or both, so that we can reply.",
        # No `max_length` (Django's default puts maxlength="320" on the input): the browser would cut a long
        # paste short without a word; the validator says so instead.
        max_length=None,
        validators=[MaxLengthValidator(EMAIL_MAX, message=f"An email address has at most {EMAIL_MAX} characters.")],
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}),
        error_messages={"invalid": "Enter an email address like name@example.org, or leave it empty."},
    )
    phone = PlainTextField(
        limit=PHONE_MAX,
        label="Phone number",
        widget=TelInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    group = forms.ChoiceField(
        label="Which of these describes you best?",
        choices=PUBLIC_GROUPS,
        widget=forms.RadioSelect,
        help_text="If you work here, only managers and the person looking after your complaint will see it.",
        error_messages={
            "required": "Please choose the one that describes you best.",
            "invalid_choice": "Please choose one of the five answers.",
        },
    )
    what_happened = PlainTextField(
        limit=DESCRIPTION_MAX,
        rows=7,
        required=True,
        label="What happened?",
        help_text="In your own words: what went wrong, and when and where it happened.",
        error_messages={"required": "Please tell us what happened."},
    )
    desired_remedy = PlainTextField(
        limit=REMEDY_MAX,
        rows=3,
        label="What would you like us to do about it? (optional)",
        help_text="For example: replace it, refund you, fix something, or just make sure it does not happen again.",
    )
    consents_to_contact = forms.BooleanField(
        label="You may contact me about this complaint",
        required=False,
        help_text=(
            "If you leave this unticked, we will not email you about it. You can still follow your complaint "
            "with the link we give you on the next page."
        ),
    )
    # Spam checks: see the module's docstring. Neither is shown to people.
    website = forms.CharField(
        label="Leave this empty: it is here to catch spam programs",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    shown_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The stamp the page carried, for `refusal`; the form is then shown with a fresh one, so a form sent
        # back with errors is timed again from when it comes back.
        self.stamp_as_sent = str(self.data.get(STAMP, "")) if self.is_bound else ""
        self.initial = {**self.initial, STAMP: form_stamp()}
        if self.is_bound:
            data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
            data[STAMP] = self.initial[STAMP]
            self.data = data
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form tag has it
        self.helper.layout = Layout(
            "name",
            Fieldset("How can we reach you?", "email", "phone", css_class="reach-us"),
            "group",
            "what_happened",
            "desired_remedy",
            "consents_to_contact",
            Div(HONEYPOT, css_class="hp-field", aria_hidden="true"),
            STAMP,
        )

    def refusal(self, *, now: float | None = None) -> RefusalReason | None:
        """Return why this submission is refused as spam (the honeypot filled in, sent too fast, a forged stamp).

        Read from the data as sent, before any validation; None for a submission a person could have made.
        """
        if str(self.data.get(HONEYPOT, "")).strip():
            return RefusalReason.HONEYPOT
        elapsed = seconds_since_stamp(self.stamp_as_sent, now=now)
        if elapsed is None or elapsed < settings.PUBLIC_FORM_MIN_SECONDS:
            return RefusalReason.TOO_FAST
        return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # One way to reply is enough; the message goes by the email field, the first of the two.
        if not (cleaned.get("email") or cleaned.get("phone")) and not {"email", "phone"} & set(self.errors):
            self.add_error("email", "Please give us an email address or a phone number, so that we can reply.")
        return cleaned


class StatusMessageForm(forms.Form):
    """The status page's message box: something the customer wants to add."""

    text = PlainTextField(
        limit=MESSAGE_MAX,
        rows=4,
        required=True,
        label="Your message",
        help_text=(
            "It goes to the person looking after your complaint. Please do not include passwords or card numbers."
        ),
        error_messages={"required": "Please write your message before sending it."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form tag has it
        self.helper.layout = Layout("text")
