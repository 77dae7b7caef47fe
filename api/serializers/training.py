"""How training records look in the API: one person's assignments and passes, and the managers' matrix.

Read-only. The records are `training.selectors.my_training` (what "My training" shows) and
`training.matrix.training_matrix` (the matrix page: each cell's status is `training.matrix.cell_status`,
the one rule for it).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.complaints import PersonSerializer
from common.urls import absolute_url
from training.matrix import ROLE_FRONT_LINE, ROLE_MANAGERS, Cell, Matrix, Row, Status
from training.models import AssignmentReason, TrainingModule
from training.selectors import MyTraining, Passed, ToDo

STATUS_HELP = " ".join(f"`{status.value}`: {status.meaning}" for status in Status)


class TrainingModuleSerializer(serializers.Serializer[TrainingModule]):
    """A training module, as its current version names it."""

    slug = serializers.CharField(read_only=True, help_text="The module's stable name.")
    title = serializers.SerializerMethodField(help_text="The current version's title.")
    # The API field `required` (DRF takes declared fields off the class, so Field.required is not shadowed).
    required = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="Required for everyone who meets customers."
    )
    renewal_months = serializers.SerializerMethodField(
        help_text="A pass holds this many months; null: it does not expire."
    )
    page_url = serializers.SerializerMethodField(help_text="The module's page in CareDesk (to read and take it).")

    def get_title(self, module: TrainingModule) -> str:
        return module.current_version.title if module.current_version else module.slug

    def get_required(self, module: TrainingModule) -> bool:
        return bool(module.current_version and module.current_version.required)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_renewal_months(self, module: TrainingModule) -> int | None:
        return module.current_version.renewal_months if module.current_version else None

    def get_page_url(self, module: TrainingModule) -> str:
        return absolute_url("training:module_take", module.slug)


class TrainingToDoSerializer(serializers.Serializer[ToDo]):
    """A module the person must pass, by a date."""

    module = TrainingModuleSerializer(source="assignment.module", read_only=True)
    due_on = serializers.DateField(source="assignment.due_on", read_only=True, help_text="Pass it by this day.")
    overdue = serializers.BooleanField(read_only=True, help_text="The day has gone by without a pass.")
    reason = serializers.ChoiceField(
        source="assignment.reason",
        choices=AssignmentReason.choices,
        read_only=True,
        help_text="Why: " + "; ".join(f"`{reason.value}`: {reason.label}" for reason in AssignmentReason) + ".",
    )
    assigned_at = serializers.DateTimeField(source="assignment.assigned_at", read_only=True)


class TrainingPassSerializer(serializers.Serializer[Passed]):
    """A module the person passed, in a way that counts (not before a “needs retaking” edit)."""

    module = TrainingModuleSerializer(read_only=True)
    passed_at = serializers.DateTimeField(read_only=True, help_text="Their latest pass that counts.")
    expires_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="The pass runs out after this day; null: it does not expire."
    )
    expired = serializers.BooleanField(read_only=True, help_text="The pass has run out: to take again.")


class TrainingRecordSerializer(serializers.Serializer[MyTraining]):
    """One person's training, as “My training” shows it: what to do (overdue first) and what they passed."""

    user = serializers.SerializerMethodField(help_text="Whose training this is.")
    to_do = TrainingToDoSerializer(
        many=True, read_only=True, help_text="Open assignments: overdue first, each by due date."
    )
    passed = TrainingPassSerializer(many=True, read_only=True, help_text="Modules passed, by title.")

    @extend_schema_field(PersonSerializer)
    def get_user(self, record: MyTraining) -> Any:
        return PersonSerializer(self.context["person"]).data


class TrainingQuerySerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Managers: whose training (a user id). Anyone else may ask only for their own; left out: your own.",
    )


class MatrixCellSerializer(serializers.Serializer[Cell]):
    """Where one person is with one module."""

    module = serializers.CharField(source="module.slug", read_only=True, help_text="The module's slug (a column).")
    status = serializers.ChoiceField(
        choices=[(status.value, status.label) for status in Status], read_only=True, help_text=STATUS_HELP
    )
    detail = serializers.CharField(read_only=True, help_text="The date that goes with the status, in words.")
    due_on = serializers.DateField(read_only=True, allow_null=True, help_text="The open assignment's due date.")
    passed_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="The latest pass that counts.")
    expires_on = serializers.DateField(read_only=True, allow_null=True, help_text="When that pass runs out.")


class MatrixRowSerializer(serializers.Serializer[Row]):
    """One person in a role, against every module (the columns, in order)."""

    person = PersonSerializer(read_only=True)
    is_manager = serializers.BooleanField(read_only=True)
    cells = MatrixCellSerializer(many=True, read_only=True)


class MatrixSerializer(serializers.Serializer[Matrix]):
    """The training matrix: everyone in a role against every listed module (or those the filters keep)."""

    today = serializers.DateField(read_only=True, help_text="The day the statuses are for.")
    role = serializers.CharField(source="filters.role", read_only=True, help_text="The role filter; empty for all.")
    module = serializers.CharField(
        source="filters.module", read_only=True, help_text="The module filter (a slug); empty for all."
    )
    modules = TrainingModuleSerializer(many=True, read_only=True, help_text="The columns, by title.")
    rows = MatrixRowSerializer(many=True, read_only=True, help_text="The people, by name.")
    counts = serializers.SerializerMethodField(help_text="How many cells have each status.")

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_counts(self, matrix: Matrix) -> dict[str, int]:
        return {status.value: count for status, count in matrix.counts().items()}


class MatrixQuerySerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(
        choices=[ROLE_FRONT_LINE, ROLE_MANAGERS],
        required=False,
        help_text="Only the front line (not managers) or only the managers; left out: everyone.",
    )
    module = serializers.CharField(required=False, help_text="Only this module (its slug).")
