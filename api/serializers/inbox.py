"""What taking a complaint from the inbox takes: the initial assessment of the inbox's "take it" form.

The fields of `intake.forms.TakeForm`, checked the same way (400 per field); who may take or give it,
and whether it is still there to take, is `recovery.workflow.complaint_take`'s to decide (422, 404, 409).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts import roles
from api.serializers.complaints import ModelIdField
from intake.forms import TakeForm
from recovery.models import Complaint, Severity
from recovery.permissions import people_who_may_be_given_q
from recovery.selectors import categories_for


def _message(field: str, code: str) -> str:
    return str(TakeForm.base_fields[field].error_messages[code])


def _people(field: serializers.Field[Any, Any, Any, Any]) -> Any:
    """As the take form: a manager may give it to anyone who handles complaints but the colleague who complained.

    Anyone else may only take it themselves; an id they send reaches the workflow, which says so (422).
    """
    complaint: Complaint = field.context["complaint"]
    user = field.context["request"].user
    if roles.is_manager(user):
        return roles.handlers().filter(people_who_may_be_given_q(complaint.customer))
    return roles.handlers()


class TakeSerializer(serializers.Serializer[Any]):
    """The initial assessment that comes with taking a complaint (the inbox suggested one when it arrived)."""

    category = ModelIdField(
        choices=lambda field: categories_for(),
        help_text="An active category's id (GET /categories/): the one it arrived with, or a correction.",
        error_messages={
            "required": _message("category", "required"),
            "does_not_exist": _message("category", "invalid_choice"),
            "incorrect_type": "Give the category's id, a whole number.",
            "null": _message("category", "required"),
        },
    )
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        help_text="Your assessment; a different severity re-times the apology, still counted from the arrival.",
        error_messages={
            "required": _message("severity", "required"),
            "invalid_choice": _message("severity", "invalid_choice"),
        },
    )
    to = ModelIdField(
        choices=_people,
        required=False,
        allow_null=True,
        help_text="Managers: the id of the colleague to give it to (null or left out: yourself). Anyone else "
        "takes it themselves.",
        error_messages={
            "does_not_exist": _message("to", "invalid_choice"),
            "incorrect_type": "Give the colleague's id, a whole number.",
        },
    )
    expected_version = serializers.IntegerField(
        min_value=1,
        help_text="The complaint's `version` as you read it in the inbox: if someone changed it since (re-assessed "
        "it, the customer wrote again), taking it is refused with 409 and `current_version`, so you see what you take.",
        error_messages={
            "required": "Send the complaint's `version` as you read it as `expected_version`.",
            "invalid": "Give the version as a whole number.",
            "min_value": "Give the version as a whole number from 1.",
        },
    )
