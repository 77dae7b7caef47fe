"""Complaints: the list (the complaint list's filters, search and sort), one complaint, logging one.

Reads start from `recovery.selectors` (so a confidential complaint is absent to whoever may not see it),
the one write is `recovery.workflow.complaint_log`; the serializers only check and shape.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import idempotent
from api.pagination import ComplaintCursorPagination
from api.problems import problems
from api.serializers.complaints import ComplaintDetailSerializer, ComplaintLogSerializer, ComplaintSerializer
from api.views.base import ApiGenericView
from recovery import permissions, selectors, timeline, workflow
from recovery.filters import ComplaintFilter
from recovery.models import Complaint

TAG = "Complaints"


def complaint_detail_data(request: Request, complaint: Complaint) -> dict[str, Any]:
    """Return the complaint's detail representation for the user: what its page shows them.

    A fixed number of queries however long its history: the recorded steps, the timeline (each told by
    `recovery.timeline`, as on the page) and nothing per row.
    """
    progress = selectors.complaint_progress(complaint)
    told = [timeline.describe(event, progress.actions_by_id) for event in selectors.complaint_timeline(complaint)]
    context = {
        "request": request,
        "progress": progress,
        "timeline": told,
        "allowed": permissions.allowed_actions(request.user, complaint),
    }
    return dict(ComplaintDetailSerializer(complaint, context=context).data)


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique text (a UUID) for this complaint: a retry with the same key and body answers with "
    "the first response (with `Idempotent-Replayed: true`) instead of logging it twice. The same key with another "
    "body is refused (422).",
)


@extend_schema_view(
    get=extend_schema(
        operation_id="complaints_list",
        summary="List complaints",
        description="The complaints you may see (a colleague's confidential complaint is left out), with the "
        "complaint list's filters, search (`q`) and `sort`, a page at a time. Follow `next` and `previous`: a "
        "cursor keeps its place while complaints arrive. Invalid filter values are refused (400) with the "
        "message per filter.",
        tags=[TAG],
        responses={200: ComplaintSerializer(many=True), **problems(400)},
    ),
    post=extend_schema(
        operation_id="complaints_create",
        summary="Log a complaint",
        description="Logs the complaint as the log form does; the apology falls due from now by the severity's "
        "policy. Answers 201 with the complaint and its address in `Location`. (If it went to someone else and is "
        "a colleague's confidential complaint, you may no longer see it: the answer is then its short form.)",
        tags=[TAG],
        parameters=[IDEMPOTENCY_PARAMETER],
        request=ComplaintLogSerializer,
        responses={201: ComplaintDetailSerializer, **problems(400, 422)},
    ),
)
class ComplaintListView(ApiGenericView):
    serializer_class = ComplaintSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ComplaintFilter
    pagination_class = ComplaintCursorPagination

    def get_queryset(self) -> Any:
        return selectors.complaints_visible_to(self.request.user)

    def get(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @idempotent
    def post(self, request: Request) -> Response:
        serializer = ComplaintLogSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        logged = workflow.complaint_log(user=request.user, **serializer.validated_data)
        try:
            body = complaint_detail_data(request, selectors.get_complaint_for(request.user, logged.pk))
        except Http404:
            body = dict(ComplaintSerializer(logged).data)
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


@extend_schema_view(
    get=extend_schema(
        operation_id="complaints_retrieve",
        summary="Get a complaint",
        description="Everything the complaint's page shows: its details, the five steps of the current round, "
        "every recorded step, the timeline (in the page's words) and `allowed_actions`, what you may do now. "
        "Keep `version` to send back as `expected_version` with an action.",
        tags=[TAG],
        responses={200: ComplaintDetailSerializer, **problems(404)},
    ),
)
class ComplaintDetailView(ApiGenericView):
    serializer_class = ComplaintDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(complaint_detail_data(request, selectors.get_complaint_for(request.user, pk)))


urlpatterns = [
    path("complaints/", ComplaintListView.as_view(), name="complaint-list"),
    path("complaints/<int:pk>/", ComplaintDetailView.as_view(), name="complaint-detail"),
]
