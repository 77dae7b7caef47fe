"""How complaints look in the API, and what logging one takes.

Serializers here only validate what a client sent and shape what it reads: the rules (who may do
what, the order of the steps, the due times) are `recovery.workflow`'s, and the reads come from
`recovery.selectors`. `ComplaintSerializer` is one complaint as the list gives it (and as the
webhooks send it, through `api.representations`); `ComplaintDetailSerializer` adds the page's
details: the steps' tracker, every recorded step, the timeline and what the reader may do now.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import roles
from common.people import display_name
from common.urls import absolute_url
from common.validators import no_control_characters, single_line, visible_or_empty
from customers.models import Customer, CustomerGroup
from recovery.definitions import complaint_is_escalated
from recovery.forms.log import FUTURE
from recovery.models import (
    DESCRIPTION_MAX,
    REMEDY_MAX,
    SKIPPABLE_STEPS,
    STEPS,
    SUMMARY_MAX,
    AtonementKind,
    Channel,
    Complaint,
    EventKind,
    Outcome,
    RecoveryAction,
    Severity,
    Stage,
)
from recovery.selectors import TrackerStep, categories_for
from recovery.timeline import TimelineEntry
from recovery.workflow import CLOCK_SKEW

# The five steps, and the three that may be marked not needed, as choices (their enums in the schema:
# settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] names them, since several fields share them).
STEP_CHOICES = [(step.value, step.label) for step in STEPS]
SKIPPABLE_STEP_CHOICES = [(step.value, step.label) for step in SKIPPABLE_STEPS]


# --- fields shared by the complaint and action serializers -------------------------------------------------


class PlainTextField(serializers.CharField):
    """Text a person types, checked as the screens' forms check it (`common.forms.PlainTextField`).

    Surrounding spaces and text with nothing visible (zero-width characters) count as empty; a limit
    with a message; no control characters; `one_line` refuses line breaks (a summary).
    """

    def __init__(self, *, limit: int, one_line: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", not kwargs["required"])
        if not kwargs["required"]:
            kwargs.setdefault("default", "")
        kwargs.setdefault("max_length", limit)
        messages = {"max_length": "Keep this to {max_length:,} characters.", **kwargs.pop("error_messages", {})}
        super().__init__(error_messages=messages, **kwargs)
        self.validators.append(no_control_characters)
        if one_line:
            self.validators.append(single_line)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str):
            # Clients send line breaks as CR LF or LF; store one kind, as the forms do.
            data = visible_or_empty(data).replace("\r\n", "\n")
        return super().run_validation(data)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time with its offset (`2026-03-01T09:30:00+01:00`); never in the future.

    A time without an offset is refused rather than guessed: around a clock change a local time can mean
    two moments, or none.
    """

    default_error_messages = {
        "naive": "Give the time with its offset from UTC, e.g. 2026-03-01T09:30:00+01:00.",
        "future": "That time is in the future.",
    }

    def __init__(self, *, future_message: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if future_message is not None:
            self.error_messages["future"] = future_message

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        aware: datetime = super().enforce_timezone(value)
        return aware

    def to_internal_value(self, value: Any) -> datetime:
        moment: datetime = super().to_internal_value(value)
        if moment > timezone.now() + CLOCK_SKEW:
            self.fail("future")
        return moment


@extend_schema_field(OpenApiTypes.INT)
class ModelIdField(serializers.PrimaryKeyRelatedField[Any]):
    """A related object by its id, chosen among what the screens' form offers (`queryset` may be a callable)."""

    def __init__(self, *, choices: Any, **kwargs: Any) -> None:
        self._choices = choices
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return self._choices(self) if callable(self._choices) else self._choices.all()


# --- what a client reads ----------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer[Any]):
    """A colleague, as the screens name them."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField(help_text="Full name, else the username.")

    def get_name(self, user: Any) -> str:
        return display_name(user)


class CategoryRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class CustomerRefSerializer(serializers.Serializer[Customer]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    group = serializers.ChoiceField(
        choices=CustomerGroup.choices,
        read_only=True,
        help_text="Complaints from employees (the internal customers) are confidential: managers and the owner only.",
    )


class ComplaintSerializer(serializers.Serializer[Complaint]):
    """One complaint as the list shows it; reads only the complaint, its customer, category and owner."""

    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True, help_text="The reference people use, e.g. C-000123.")
    version = serializers.IntegerField(
        read_only=True,
        help_text="Goes up with every change. Send it back as `expected_version` with an action, so the action "
        "is refused (409) if someone else changed the complaint first.",
    )
    stage = serializers.ChoiceField(
        choices=Stage.choices, read_only=True, help_text="The next thing to do (`close`: all five steps are done)."
    )
    severity = serializers.ChoiceField(choices=Severity.choices, read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True, help_text="How it reached us.")
    category = CategoryRefSerializer(read_only=True)
    customer = CustomerRefSerializer(read_only=True)
    owner = PersonSerializer(
        read_only=True, allow_null=True, help_text="Who works it; null while it waits in the inbox."
    )
    summary = serializers.CharField(read_only=True)
    received_at = serializers.DateTimeField(read_only=True)
    step_due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the current step is due; null once there is none."
    )
    escalated = serializers.SerializerMethodField(
        help_text="Open, and escalated to a manager or overdue past the grace before managers are alerted."
    )
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    outcome = serializers.SerializerMethodField(help_text="`retained` or `lost` once closed, else null.")
    round = serializers.IntegerField(read_only=True, help_text="1, then one more each time it is reopened.")
    url = serializers.SerializerMethodField(help_text="This complaint in the API.")
    page_url = serializers.SerializerMethodField(help_text="The complaint's page in CareDesk.")

    def get_escalated(self, complaint: Complaint) -> bool:
        return complaint_is_escalated(complaint, timezone.now())

    @extend_schema_field(serializers.ChoiceField(choices=Outcome.choices, allow_null=True))
    def get_outcome(self, complaint: Complaint) -> str | None:
        return complaint.outcome or None

    def get_url(self, complaint: Complaint) -> str:
        return absolute_url("api:complaint-detail", complaint.pk)

    def get_page_url(self, complaint: Complaint) -> str:
        return absolute_url("recovery:complaint_detail", complaint.pk)


class RecoveryActionSerializer(serializers.Serializer[RecoveryAction]):
    """One recorded step of one round: done, or marked not needed."""

    id = serializers.IntegerField(read_only=True)
    round = serializers.IntegerField(read_only=True)
    step = serializers.ChoiceField(choices=STEP_CHOICES, read_only=True)
    skipped = serializers.BooleanField(read_only=True, help_text="Marked as not needed (`skip_reason` says why).")
    skip_reason = serializers.CharField(read_only=True)
    done_by = PersonSerializer(read_only=True)
    done_at = serializers.DateTimeField(read_only=True)
    due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the step was due; on time means done_at ≤ due_at."
    )
    note = serializers.CharField(read_only=True, help_text="What was said or done.")
    minutes_spent = serializers.IntegerField(read_only=True)
    atonement_kind = serializers.SerializerMethodField(help_text="Atone: what was offered.")
    atonement_value = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, allow_null=True, help_text="Atone: what it cost us."
    )
    satisfaction = serializers.IntegerField(read_only=True, allow_null=True, help_text="Follow-up: 1 to 5.")
    retained = serializers.BooleanField(read_only=True, allow_null=True, help_text="Follow-up: did they stay?")
    customer_comment = serializers.CharField(read_only=True, help_text="Follow-up: the customer's comment.")

    @extend_schema_field(serializers.ChoiceField(choices=AtonementKind.choices, allow_null=True))
    def get_atonement_kind(self, action: RecoveryAction) -> str | None:
        return action.atonement_kind or None


class TrackerStepSerializer(serializers.Serializer[TrackerStep]):
    """One of the five steps as the complaint page's tracker shows it for the current round."""

    step = serializers.ChoiceField(choices=STEP_CHOICES, read_only=True)
    status = serializers.ChoiceField(
        choices=[("done", "Done"), ("skipped", "Not needed"), ("current", "Current"), ("waiting", "Waiting")],
        read_only=True,
    )
    due_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="The current step's due time.")
    from_earlier_round = serializers.BooleanField(
        read_only=True, help_text="A reopened round does not repeat the steps before the one that failed."
    )
    action = RecoveryActionSerializer(read_only=True, allow_null=True, help_text="What was recorded, if anything.")


class ChangeSerializer(serializers.Serializer[tuple[str, str, str]]):
    field = serializers.SerializerMethodField(help_text="What changed, as the page labels it.")
    old = serializers.SerializerMethodField()
    new = serializers.SerializerMethodField()

    def get_field(self, change: tuple[str, str, str]) -> str:
        return change[0]

    def get_old(self, change: tuple[str, str, str]) -> str:
        return change[1]

    def get_new(self, change: tuple[str, str, str]) -> str:
        return change[2]


class TimelineEntrySerializer(serializers.Serializer[TimelineEntry]):
    """One event of the timeline, told in the same words as on the complaint page (`recovery.timeline`)."""

    id = serializers.IntegerField(source="event.pk", read_only=True)
    kind = serializers.ChoiceField(source="event.kind", choices=EventKind.choices, read_only=True)
    at = serializers.DateTimeField(source="event.created_at", read_only=True)
    actor = PersonSerializer(
        source="event.actor", read_only=True, allow_null=True, help_text="Null when CareDesk itself acted."
    )
    stage_before = serializers.CharField(source="event.stage_before", read_only=True)
    stage_after = serializers.CharField(source="event.stage_after", read_only=True)
    text = serializers.CharField(read_only=True, help_text="The sentence the page shows.")
    detail = serializers.CharField(read_only=True, help_text="Text someone typed (a note, a reason).")
    comment = serializers.CharField(read_only=True, help_text="The customer's comment, if any.")
    changes = ChangeSerializer(many=True, read_only=True, help_text="For edits: each change, old → new.")
    happened_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When a back-dated step happened, if not when it was recorded."
    )


class EscalationSerializer(serializers.Serializer[Complaint]):
    to = PersonSerializer(source="escalated_to", read_only=True)
    reason = serializers.CharField(source="escalation_reason", read_only=True)
    at = serializers.DateTimeField(source="escalated_at", read_only=True)


# The actions a client may be offered, named as their endpoints are (`POST /complaints/{id}/<name>/`).
ACTION_NAMES = (
    "apologize",
    "reinstate",
    "empathize",
    "atone",
    "follow-up",
    "skip",
    "notes",
    "assign",
    "escalate",
    "close",
    "reopen",
    "edit",
    "customer-emails",
    "take",
)


class ComplaintDetailSerializer(ComplaintSerializer):
    """A complaint with everything its page shows: details, the steps, the timeline, what the reader may do.

    Serializes the complaint with what the view read through the selectors, passed in its context
    (`progress`, `timeline`, `allowed`): see `api.views.complaints.complaint_detail_data`.
    """

    description = serializers.CharField(read_only=True)
    desired_remedy = serializers.CharField(read_only=True, help_text="The remedy the customer wants.")
    root_cause = serializers.CharField(read_only=True)
    corrective_action = serializers.CharField(read_only=True)
    satisfaction = serializers.IntegerField(read_only=True, allow_null=True, help_text="From the follow-up, 1 to 5.")
    customer_emails_enabled = serializers.BooleanField(
        read_only=True, help_text="Off: CareDesk sends this complaint's customer no emails."
    )
    logged_by = PersonSerializer(read_only=True, allow_null=True, help_text="Null when the customer filed it.")
    round_started_at = serializers.DateTimeField(read_only=True)
    escalation = serializers.SerializerMethodField(help_text="The escalation to a manager, while it lasts.")
    steps = serializers.SerializerMethodField(help_text="The five steps of the current round, in order.")
    actions = serializers.SerializerMethodField(help_text="Every recorded step of every round, in order.")
    timeline = serializers.SerializerMethodField(help_text="What happened, oldest first.")
    allowed_actions = serializers.SerializerMethodField(
        help_text="What you may do now, named as the action endpoints: `POST /complaints/{id}/<name>/` "
        "(`take`: `POST /inbox/{id}/take/`). The workflow still checks the step order when you act."
    )

    @extend_schema_field(EscalationSerializer(allow_null=True))
    def get_escalation(self, complaint: Complaint) -> dict[str, Any] | None:
        return EscalationSerializer(complaint).data if complaint.is_escalated else None

    @extend_schema_field(TrackerStepSerializer(many=True))
    def get_steps(self, complaint: Complaint) -> Any:
        return TrackerStepSerializer(self.context["progress"].tracker, many=True).data

    @extend_schema_field(RecoveryActionSerializer(many=True))
    def get_actions(self, complaint: Complaint) -> Any:
        return RecoveryActionSerializer(self.context["progress"].actions_by_id.values(), many=True).data

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, complaint: Complaint) -> Any:
        return TimelineEntrySerializer(self.context["timeline"], many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ACTION_NAMES)))
    def get_allowed_actions(self, complaint: Complaint) -> list[str]:
        allowed = self.context["allowed"]
        names = []
        if allowed.step:
            names.append(complaint.stage.replace("_", "-"))
        for flag, name in (
            ("skip", "skip"),
            ("note", "notes"),
            ("assign", "assign"),
            ("escalate", "escalate"),
            ("close", "close"),
            ("reopen", "reopen"),
            ("edit", "edit"),
            ("emails", "customer-emails"),
            ("take", "take"),
        ):
            if getattr(allowed, flag):
                names.append(name)
        return names


# --- what a client sends ----------------------------------------------------------------------------------


class ComplaintLogSerializer(serializers.Serializer[Any]):
    """A new complaint, checked as the log form checks it (`recovery.forms.log.ComplaintLogForm`)."""

    customer = ModelIdField(
        choices=Customer.objects.all(),
        help_text="The customer's id (find or add them under /customers/).",
        error_messages={
            "required": "Choose the customer: find them, or add them as a new customer.",
            "does_not_exist": "That customer was not found.",
            "incorrect_type": "Give the customer's id, a whole number.",
        },
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        help_text="How the complaint reached us.",
        error_messages={"required": "Choose how the complaint reached us.", "invalid_choice": "Choose a channel."},
    )
    category = ModelIdField(
        choices=lambda field: categories_for(),
        help_text="An active category's id (GET /categories/).",
        error_messages={
            "required": "Choose a category.",
            "does_not_exist": "Choose one of the active categories.",
            "incorrect_type": "Give the category's id, a whole number.",
        },
    )
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        help_text="Your first assessment; it sets how soon the apology is due.",
        error_messages={"required": "Choose a severity.", "invalid_choice": "Choose a severity."},
    )
    summary = PlainTextField(
        limit=SUMMARY_MAX,
        one_line=True,
        required=True,
        help_text="One line the team will recognise it by.",
        error_messages={"required": "Enter a short summary.", "blank": "Enter a short summary."},
    )
    description = PlainTextField(limit=DESCRIPTION_MAX, help_text="What happened, in the customer's words.")
    desired_remedy = PlainTextField(limit=REMEDY_MAX, help_text="The remedy the customer wants.")
    received_at = AwareDateTimeField(
        required=False,
        future_message=FUTURE,
        help_text="When it was received, with its UTC offset; now if left out. Due times count from logging.",
    )
    owner = ModelIdField(
        choices=lambda field: roles.handlers(),
        required=False,
        help_text="The id of who works the recovery (a member of the front line or a manager); you if left out.",
        error_messages={
            "does_not_exist": "Choose a colleague who handles complaints.",
            "incorrect_type": "Give the colleague's id, a whole number.",
        },
    )
