"""The managers' dashboard figures: the dashboard page's numbers, for the same filters, from the same code.

The filters are checked by the page's own form (`recovery.forms.dashboard.DashboardFilterForm`); the
figures are `recovery.dashboard.dashboard_for` (computed in a fixed number of queries and cached per set
of filters, exactly as for the page). Managers only, as the page.
"""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import IsManager
from api.problems import problems
from api.serializers.dashboard import DashboardQuerySerializer, DashboardSerializer
from api.views.base import ApiView
from recovery.dashboard import dashboard_for
from recovery.forms.dashboard import DashboardFilterForm


class DashboardView(ApiView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=["Dashboard"],
        summary="Read the dashboard's figures",
        description="The figures of the managers' dashboard for a period (the last 90 days unless asked) and "
        "optional narrowing, as the dashboard page shows them for the same filters. Figures are cached for a "
        "short while (`computed_at`). A refused filter is a 400 with the page's message for it. Managers only.",
        parameters=[DashboardQuerySerializer],
        responses={200: DashboardSerializer, **problems(400)},
    )
    def get(self, request: Request) -> Response:
        DashboardQuerySerializer(data=request.query_params.dict()).is_valid(raise_exception=True)
        now = timezone.now()
        form = DashboardFilterForm(request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise ValidationError({name: [str(m) for m in messages] for name, messages in form.errors.items()})
        board = dashboard_for(form.dashboard_filters(now), now=now)
        return Response(DashboardSerializer(board).data)


urlpatterns = [path("dashboard/", DashboardView.as_view(), name="dashboard")]
