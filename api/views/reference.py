"""Reference data, read-only: categories, the recovery policy's due times, the customer-service policy.

The same reads as the screens: `recovery.selectors.categories_for` (the categories a new complaint may be
put in), `policy.selectors` (the version in force, every version). Everyone in a role may read them.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.problems import problems
from api.serializers.reference import (
    RECOVERY_POLICY_RULES,
    CategoryQuerySerializer,
    CategorySerializer,
    PolicyVersionListItemSerializer,
    PolicyVersionSerializer,
    RecoveryPolicySerializer,
)
from api.views.base import ApiView
from policy import permissions as policy_permissions
from policy import selectors as policy_selectors
from recovery.models import Category
from recovery.selectors import categories_for, recovery_policies

TAG = "Reference"
# The severities from the least to the most severe, as the choices list them.


class CategoryListView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="List the categories",
        description="The categories a new complaint may be put in (the active ones), by name; `all=true` adds "
        "the inactive ones. Administrators change them in the admin.",
        parameters=[CategoryQuerySerializer],
        responses={200: CategorySerializer(many=True), **problems(400)},
    )
    def get(self, request: Request) -> Response:
        query = CategoryQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        categories = Category.objects.order_by("name") if query.validated_data["all"] else categories_for()
        return Response(CategorySerializer(categories, many=True).data)


class RecoveryPolicyListView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="List the due times per severity",
        description="When each of the five steps is due, for each severity (the recovery policy). "
        + RECOVERY_POLICY_RULES,
        responses={200: RecoveryPolicySerializer(many=True), **problems()},
    )
    def get(self, request: Request) -> Response:
        return Response(RecoveryPolicySerializer(recovery_policies(), many=True).data)


class PolicyCurrentView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="Read the customer-service policy in force",
        description="The latest published version: its text (Markdown source) and the empowerment limit. "
        "404 before any version was published.",
        responses={200: PolicyVersionSerializer, **problems(404)},
    )
    def get(self, request: Request) -> Response:
        current = policy_selectors.current_policy()
        if current is None:
            raise NotFound("No version of the service policy has been published yet.")
        return Response(PolicyVersionSerializer(current, context={"current": current}).data)


class PolicyVersionListView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="List the versions of the customer-service policy",
        description="Every published version, newest first, with what changed (without the text: read a "
        "version at its `url`).",
        responses={200: PolicyVersionListItemSerializer(many=True), **problems()},
    )
    def get(self, request: Request) -> Response:
        context = {"can_publish": policy_permissions.can_publish(request.user)}
        versions = policy_selectors.versions()
        return Response(PolicyVersionListItemSerializer(versions, many=True, context=context).data)


class PolicyVersionView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="Read one version of the customer-service policy",
        description="Any published version with its text; `in_force` says whether it is the latest.",
        responses={200: PolicyVersionSerializer, **problems(404)},
    )
    def get(self, request: Request, number: int) -> Response:
        version = policy_selectors.get_version(number)
        context = {"current": policy_selectors.current_policy()}
        return Response(PolicyVersionSerializer(version, context=context).data)


urlpatterns = [
    path("categories/", CategoryListView.as_view(), name="category-list"),
    path("recovery-policies/", RecoveryPolicyListView.as_view(), name="recovery-policy-list"),
    path("policy/", PolicyCurrentView.as_view(), name="policy-current"),
    path("policy/versions/", PolicyVersionListView.as_view(), name="policy-version-list"),
    path("policy/versions/<int:number>/", PolicyVersionView.as_view(), name="policy-version"),
]
