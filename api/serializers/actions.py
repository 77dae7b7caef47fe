"""What each action on a complaint takes: the fields of the complaint page's forms, checked the same way.

Field names are the workflow's keyword arguments (and the `field` of its refusals), so a 400 and a 422
name the same fields. `expected_version` is optional, as in the workflow: send the version you read and
the action is refused (409) if someone changed the complaint since; leave it out to act on it as it is.
What is allowed (who, the step order, the empowerment limit) is the workflow's to decide, not these.

The people offered for `to` are those the page's forms offer (`recovery.views.detail`), so an id the
page would not list is a 400 on the field.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts import roles
from api.serializers.complaints import (
    SKIPPABLE_STEP_CHOICES,
    STEP_CHOICES,
    AwareDateTimeField,
    ModelIdField,
    PlainTextField,
)
from recovery import permissions
from recovery.models import (
    DESCRIPTION_MAX,
    MINUTES_MAX,
    NOTE_MAX,
    REASON_MAX,
    REMEDY_MAX,
    SUMMARY_MAX,
    AtonementKind,
    Channel,
    Complaint,
    Outcome,
    Severity,
)
from recovery.selectors import categories_for


class VersionedSerializer(serializers.Serializer[Any]):
    """An action that must not act on a state the client never saw."""

    expected_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The complaint's `version` as you read it; a different version now gives 409 with "
        "`current_version`. Leave it out to act on the complaint as it is.",
    )


class StepSerializer(VersionedSerializer):
    """What every step records: what was said or done, when, and the minutes it took."""

    note = PlainTextField(limit=NOTE_MAX, help_text="What you said or did.")
    minutes = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=MINUTES_MAX,
        help_text="Minutes spent on this step, so we know what recovering a customer costs.",
        error_messages={
            "invalid": "Enter the minutes as a whole number.",
            "min_value": "Minutes cannot be negative.",
            "max_value": f"Minutes spent must be at most {MINUTES_MAX:,} (one day).",
        },
    )
    done_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When it happened, with its UTC offset; now if left out. Not before the step became possible.",
    )


class ApologizeSerializer(StepSerializer):
    note = PlainTextField(limit=NOTE_MAX, help_text="How you apologised.")


class ReinstateSerializer(StepSerializer):
    note = PlainTextField(
        limit=NOTE_MAX,
        required=True,
        help_text="What was fixed: what you put back in order for the customer.",
        error_messages={"required": "Say what was fixed.", "blank": "Say what was fixed."},
    )


class EmpathizeSerializer(StepSerializer):
    note = PlainTextField(limit=NOTE_MAX, help_text="How you acknowledged their frustration.")


class AtoneSerializer(StepSerializer):
    kind = serializers.ChoiceField(
        choices=AtonementKind.choices,
        help_text="What was offered (`nothing`: deliberately, saying why in `note`).",
        error_messages={
            "required": "Choose what was offered (or “nothing”, with a reason).",
            "invalid_choice": "Choose what was offered (or “nothing”, with a reason).",
        },
    )
    value = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text='What it cost us (0 if nothing), e.g. "25.50". Above your empowerment limit a manager decides.',
        error_messages={
            "invalid": "Enter the value as an amount, like 25 or 25.50.",
            "min_value": "The value cannot be negative.",
            "max_digits": "The value must be less than 100,000,000.",
            "max_whole_digits": "The value must be less than 100,000,000.",
            "max_decimal_places": "Give the value to the penny (at most 2 decimal places).",
        },
    )
    note = PlainTextField(limit=NOTE_MAX, help_text="What was offered; required when nothing was: say why.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs.get("kind")
        errors = {}
        if kind == AtonementKind.NOTHING and not attrs.get("note"):
            errors["note"] = "Say why nothing was offered."
        if kind and kind != AtonementKind.NOTHING and attrs.get("value") is None:
            errors["value"] = "Enter the value of the atonement (0 if it cost nothing)."
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class FollowUpSerializer(StepSerializer):
    satisfaction = serializers.IntegerField(
        min_value=1,
        max_value=5,
        help_text="How satisfied the customer is now: 1 = very unhappy, 5 = very happy.",
        error_messages={
            "required": "Choose the customer's satisfaction, from 1 to 5.",
            "invalid": "Satisfaction is a score from 1 (very unhappy) to 5 (very happy).",
            "min_value": "Satisfaction is a score from 1 (very unhappy) to 5 (very happy).",
            "max_value": "Satisfaction is a score from 1 (very unhappy) to 5 (very happy).",
        },
    )
    retained = serializers.BooleanField(
        help_text="Did the customer stay with us?",
        error_messages={
            "required": "Say whether the customer stayed with us.",
            "invalid": "Say whether the customer stayed with us (true or false).",
        },
    )
    customer_comment = PlainTextField(limit=NOTE_MAX, help_text="How they felt the complaint was handled.")
    note = PlainTextField(limit=NOTE_MAX, help_text="Anything else about the follow-up.")


class SkipSerializer(VersionedSerializer):
    step = serializers.ChoiceField(
        choices=SKIPPABLE_STEP_CHOICES,
        help_text="The step marked as not needed: the current one (reinstate, empathize or atone).",
        error_messages={
            "required": "Say which step is not needed.",
            "invalid_choice": "Only reinstate, empathize and atone can be marked not needed.",
        },
    )
    reason = PlainTextField(
        limit=REASON_MAX,
        required=True,
        help_text="Why the step is not needed, e.g. the customer declined compensation.",
        error_messages={"required": "Say why this step is not needed.", "blank": "Say why this step is not needed."},
    )


class NoteSerializer(serializers.Serializer[Any]):
    """A clarification for the timeline; it changes nothing else, so it takes no version."""

    text = PlainTextField(
        limit=NOTE_MAX,
        required=True,
        help_text="A clarification for the timeline, e.g. why the customer got something other than they ordered.",
        error_messages={"required": "Write the note first.", "blank": "Write the note first."},
    )


def _people_for_assign(field: serializers.Field[Any, Any, Any, Any]) -> Any:
    # As the page's assign form: the handlers but the owner, never the colleague who complained.
    complaint: Complaint = field.context["complaint"]
    may_be_given = permissions.people_who_may_be_given_q(complaint.customer)
    return roles.handlers().exclude(pk=complaint.owner_id).filter(may_be_given)


def _people_for_escalate(field: serializers.Field[Any, Any, Any, Any]) -> Any:
    # As the page's escalate form: the managers but yourself, never the colleague who complained.
    complaint: Complaint = field.context["complaint"]
    user = field.context["request"].user
    return roles.managers().exclude(pk=user.pk).filter(permissions.people_who_may_be_given_q(complaint.customer))


class AssignSerializer(VersionedSerializer):
    to = ModelIdField(
        choices=_people_for_assign,
        help_text="The id of the colleague to give it to: someone who handles complaints, not its owner.",
        error_messages={
            "required": "Choose a colleague.",
            "does_not_exist": "Choose one of the colleagues who may take it.",
            "incorrect_type": "Give the colleague's id, a whole number.",
            "null": "Choose a colleague.",
        },
    )


class EscalateSerializer(VersionedSerializer):
    to = ModelIdField(
        choices=_people_for_escalate,
        help_text="The id of the manager to hand it to (not yourself).",
        error_messages={
            "required": "Choose a manager.",
            "does_not_exist": "Choose one of the managers.",
            "incorrect_type": "Give the manager's id, a whole number.",
            "null": "Choose a manager.",
        },
    )
    reason = PlainTextField(
        limit=REASON_MAX,
        required=True,
        help_text="Say plainly why someone else should take over.",
        error_messages={"required": "Say why you are escalating.", "blank": "Say why you are escalating."},
    )


class CloseSerializer(VersionedSerializer):
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        help_text="Retained or lost; from the follow-up's answer if left out.",
        error_messages={"invalid_choice": "Choose the outcome: retained or lost."},
    )
    root_cause = PlainTextField(
        limit=NOTE_MAX, default=None, help_text="Why did it go wrong? Left as it is if left out."
    )
    corrective_action = PlainTextField(
        limit=NOTE_MAX, default=None, help_text="What changes so it does not happen again? Left as it is if left out."
    )


class ReopenSerializer(VersionedSerializer):
    to_step = serializers.ChoiceField(
        choices=STEP_CHOICES,
        help_text="The step that failed: the complaint goes back to it; earlier rounds stay in the history.",
        error_messages={"required": "Choose the step that failed.", "invalid_choice": "Choose one of the five steps."},
    )
    reason = PlainTextField(
        limit=REASON_MAX,
        required=True,
        help_text="Why it is reopened, e.g. the customer came back unhappy.",
        error_messages={"required": "Say why it is reopened.", "blank": "Say why it is reopened."},
    )


def _categories(field: serializers.Field[Any, Any, Any, Any]) -> Any:
    # The active categories, plus the one the complaint is in already (as the page's edit form).
    return categories_for(field.context["complaint"])


class EditSerializer(VersionedSerializer):
    """Correct the details: send only what changes (a field left out stays as it is)."""

    summary = PlainTextField(
        limit=SUMMARY_MAX,
        one_line=True,
        required=False,
        allow_blank=False,
        default=serializers.empty,
        error_messages={"blank": "Enter a short summary."},
    )
    description = PlainTextField(limit=DESCRIPTION_MAX, default=serializers.empty)
    desired_remedy = PlainTextField(
        limit=REMEDY_MAX, default=serializers.empty, help_text="The remedy the customer wants."
    )
    category = ModelIdField(
        choices=_categories,
        required=False,
        help_text="An active category's id (or the one it is in already).",
        error_messages={
            "does_not_exist": "Choose an active category.",
            "incorrect_type": "Give the category's id, a whole number.",
            "null": "Choose a category.",
        },
    )
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        required=False,
        help_text="A change re-times the current step under the new severity's targets.",
    )
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, help_text="How it reached us.")
    root_cause = PlainTextField(limit=NOTE_MAX, default=serializers.empty)
    corrective_action = PlainTextField(limit=NOTE_MAX, default=serializers.empty)


class CustomerEmailsSerializer(VersionedSerializer):
    enabled = serializers.BooleanField(
        help_text="Off: CareDesk sends this complaint's customer no emails, and any not yet sent are cancelled.",
        error_messages={
            "required": "Choose on or off (true or false).",
            "invalid": "Choose on or off (true or false).",
        },
    )
