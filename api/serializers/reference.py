"""How the reference data looks in the API: categories, the recovery policy's due times, the service policy.

Read-only: administrators change categories and due times in the admin, managers publish a new version
of the service policy on its page.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.complaints import PersonSerializer
from common.urls import absolute_url
from policy.models import PolicyVersion
from recovery.models import POLICY_CHANGE_RULE, STEP_ORDER_RULE, Category, RecoveryPolicy, Severity


def _help(model: Any, field: str) -> str:
    """Return the model field's own help text, so the schema says what the admin says."""
    return str(model._meta.get_field(field).help_text)


class CategorySerializer(serializers.Serializer[Any]):
    """What a complaint is about."""

    id = serializers.IntegerField(read_only=True, help_text="Give it as `category` when logging or taking a complaint.")
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True, help_text="What belongs here; may be empty.")
    is_active = serializers.BooleanField(read_only=True, help_text=_help(Category, "is_active"))


class CategoryQuerySerializer(serializers.Serializer[Any]):
    all = serializers.BooleanField(
        required=False,
        default=False,
        help_text="`true`: the inactive categories too (older complaints may be in them).",
    )


class RecoveryPolicySerializer(serializers.Serializer[Any]):
    """The due times of the five steps for one severity."""

    severity = serializers.ChoiceField(choices=Severity.choices, read_only=True)
    hours_to_apologize = serializers.IntegerField(read_only=True, help_text=_help(RecoveryPolicy, "hours_to_apologize"))
    hours_to_reinstate = serializers.IntegerField(read_only=True, help_text=_help(RecoveryPolicy, "hours_to_reinstate"))
    hours_to_empathize = serializers.IntegerField(read_only=True, help_text=_help(RecoveryPolicy, "hours_to_empathize"))
    days_to_atone = serializers.IntegerField(read_only=True, help_text=_help(RecoveryPolicy, "days_to_atone"))
    days_to_follow_up = serializers.IntegerField(read_only=True, help_text=_help(RecoveryPolicy, "days_to_follow_up"))
    escalation_grace_hours = serializers.IntegerField(
        read_only=True, help_text=_help(RecoveryPolicy, "escalation_grace_hours")
    )


RECOVERY_POLICY_RULES = f"{STEP_ORDER_RULE} {POLICY_CHANGE_RULE}"


class PolicyVersionSummarySerializer(serializers.Serializer[Any]):
    """One version of the customer-service policy, without its text (the version list)."""

    number = serializers.IntegerField(read_only=True, help_text="1, 2, 3 …; the highest is in force.")
    title = serializers.CharField(read_only=True)
    change_summary = serializers.CharField(read_only=True, help_text="What changed from the version before.")
    empowerment_limit = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        read_only=True,
        help_text="The atonement value a front-line person may give on their own (a decimal string); "
        "more needs a manager.",
    )
    published_at = serializers.DateTimeField(read_only=True)
    published_by = PersonSerializer(
        read_only=True,
        allow_null=True,
        help_text="The manager who published it; null for the version CareDesk shipped.",
    )
    url = serializers.SerializerMethodField(help_text="This version, with its text, in the API.")
    page_url = serializers.SerializerMethodField(help_text="This version's page in CareDesk.")

    def get_url(self, version: PolicyVersion) -> str:
        return absolute_url("api:policy-version", version.number)

    def get_page_url(self, version: PolicyVersion) -> str:
        return absolute_url("policy:version", version.number)


class PolicyVersionListItemSerializer(PolicyVersionSummarySerializer):
    acknowledgement_count = serializers.SerializerMethodField(
        help_text="How many people said they have read it: for those who may publish (managers); null for others."
    )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_acknowledgement_count(self, version: PolicyVersion) -> int | None:
        if not self.context.get("can_publish"):
            return None
        return int(getattr(version, "acknowledgement_count", 0))


class PolicyVersionSerializer(PolicyVersionSummarySerializer):
    """One version of the customer-service policy with its text."""

    body = serializers.CharField(read_only=True, help_text="The policy's text, as Markdown source.")
    in_force = serializers.SerializerMethodField(help_text="True for the version in force (the latest).")

    def get_in_force(self, version: PolicyVersion) -> bool:
        current = self.context.get("current")
        return current is not None and current.pk == version.pk
