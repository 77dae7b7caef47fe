"""The inbox: complaints customers filed themselves that nobody has taken yet, and taking one.

Thin, like the inbox screen (intake/views/inbox.py): the list is `intake.selectors.inbox_for` (scoped like
every complaint read, so an employee's complaint waits there for managers only), taking is
`recovery.workflow.complaint_take` (race-safe under the complaint's row lock: the second of two takers is
told who has it, 422).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.pagination import InboxPagination
from api.problems import problems
from api.serializers.complaints import ComplaintDetailSerializer, ComplaintSerializer
from api.serializers.inbox import TakeSerializer
from api.views.base import ApiGenericView
from api.views.complaints import complaint_detail_data
from intake.selectors import inbox_for
from recovery import selectors
from recovery.workflow import complaint_take

TAG = "Inbox"


class InboxView(ApiGenericView):
    pagination_class = InboxPagination
    serializer_class = ComplaintSerializer

    @extend_schema(
        tags=[TAG],
        summary="List the inbox",
        description="Open complaints nobody has taken yet (filed on the public form or by email), most severe "
        "first, then the newest, as the inbox screen lists them. An employee's complaint is confidential: "
        "until someone owns it, only managers see it here.",
        responses={200: ComplaintSerializer(many=True), **problems(404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(inbox_for(request.user)) or []
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TakeView(ApiGenericView):
    serializer_class = TakeSerializer

    @extend_schema(
        tags=[TAG],
        operation_id="inbox_take",
        summary="Take a complaint from the inbox",
        description="Make it yours (a manager may give it to a colleague with `to`), with the initial assessment: "
        "the category and severity, as suggested or corrected. The apology stays due from when it arrived. "
        "Refused (422) when someone has taken it already (`detail` says who), when it is closed, or when it is "
        "your own complaint as a colleague; 409 when `expected_version` is stale.",
        request=TakeSerializer,
        responses={
            200: OpenApiResponse(ComplaintDetailSerializer, description="Taken: the complaint as it is now."),
            **problems(400, 404, 409, 422),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = selectors.get_complaint_for(request.user, pk)
        serializer = TakeSerializer(data=request.data, context={"request": request, "complaint": complaint})
        serializer.is_valid(raise_exception=True)
        complaint_take(complaint=complaint, user=request.user, **serializer.validated_data)
        # Whoever takes it or is given it owns it, and a manager sees every complaint: still visible.
        return Response(complaint_detail_data(request, selectors.get_complaint_for(request.user, pk)))


urlpatterns = [
    path("inbox/", InboxView.as_view(), name="inbox"),
    path("inbox/<int:pk>/take/", TakeView.as_view(), name="inbox-take"),
]
