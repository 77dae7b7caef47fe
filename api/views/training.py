"""Training records, read-only: a person's assignments and passes, and the managers' training matrix.

The same reads as the screens: `training.selectors.my_training` (My training) and
`training.matrix.training_matrix` (the matrix page, managers only). Someone's own record is theirs to
read; a manager may read anyone's (`?user=`), as on the matrix's person pages.
"""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import roles
from api.permissions import IsManager
from api.problems import problems
from api.serializers.training import (
    MatrixQuerySerializer,
    MatrixSerializer,
    TrainingQuerySerializer,
    TrainingRecordSerializer,
)
from api.views.base import ApiView
from training import matrix as training_matrix
from training import selectors

TAG = "Training"


class TrainingRecordView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="Read a person's training",
        description="Your open assignments (overdue first) and the modules you passed, with when each pass "
        "runs out, as “My training” shows them. Managers may ask for anyone's with `user`.",
        parameters=[TrainingQuerySerializer],
        responses={200: TrainingRecordSerializer, **problems(400, 404)},
    )
    def get(self, request: Request) -> Response:
        query = TrainingQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        person = request.user
        wanted = query.validated_data.get("user")
        if wanted is not None and wanted != request.user.pk:
            if not roles.is_manager(request.user):
                raise PermissionDenied("Only managers can see someone else's training.")
            person = training_matrix.get_person(wanted)
        record = selectors.my_training(person, today=timezone.localdate())
        return Response(TrainingRecordSerializer(record, context={"person": person}).data)


class TrainingMatrixView(ApiView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=[TAG],
        summary="Read the training matrix",
        description="Everyone in a role against every listed module, each cell one status (the most urgent "
        "first: overdue › expired › due › passed › not assigned), as the matrix page shows it. Managers only.",
        parameters=[MatrixQuerySerializer],
        responses={200: MatrixSerializer, **problems(400)},
    )
    def get(self, request: Request) -> Response:
        query = MatrixQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        filters = training_matrix.MatrixFilters.from_query(query.validated_data)
        grid = training_matrix.training_matrix(today=timezone.localdate(), filters=filters)
        return Response(MatrixSerializer(grid).data)


urlpatterns = [
    path("training/assignments/", TrainingRecordView.as_view(), name="training-assignments"),
    path("training/matrix/", TrainingMatrixView.as_view(), name="training-matrix"),
]
