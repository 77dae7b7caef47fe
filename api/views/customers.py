"""Customers: find them, read one with their complaints, add one, correct one.

Thin, like the customer screens (customers/views.py): the reads are `customers.selectors` (the same
search, the same counts, the same complaints through `recovery.selectors.complaints_visible_to`), the
writes `customers.services` after the screens' forms validated the input (api.serializers.customers).
Customers themselves are not confidential: anyone in a role finds and reads any customer, an employee
included; which of their complaints they see is the selectors' answer, as on the customer page.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import idempotent
from api.pagination import ComplaintCursorPagination, NameCursorPagination
from api.permissions import IsStaff
from api.problems import problem, problems
from api.serializers.complaints import ComplaintSerializer
from api.serializers.customers import (
    CustomerCreateSerializer,
    CustomerDetailSerializer,
    CustomerQuerySerializer,
    CustomerSerializer,
    CustomerUpdateSerializer,
)
from api.views.base import ApiGenericView
from common.urls import absolute_url
from customers import permissions, selectors
from customers.models import Customer, Organization
from customers.services import DuplicateCustomerError, customer_create, customer_update, organization_get_or_create

# How many of the customer's newest complaints the detail holds (the customer page shows as many a page).
RECENT_COMPLAINTS = 25

TAG = "Customers"
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique text (a UUID): a retried request with the same key returns the first answer "
    "instead of adding the customer twice (`Idempotent-Replayed: true`). The same key with a different "
    "request is refused (422).",
)


class MayAddCustomers(IsStaff):
    """POST needs `customers.permissions.can_add` (both roles have it); reads need a role only."""

    message = "You do not have permission to add customers."

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and (request.method != "POST" or permissions.can_add(request.user))


class MayChangeCustomers(IsStaff):
    """PATCH needs `customers.permissions.can_change` (both roles have it); reads need a role only."""

    message = "You do not have permission to change customers."

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and (
            request.method != "PATCH" or permissions.can_change(request.user)
        )


def _organization(name: str) -> Organization | None:
    return organization_get_or_create(name=name) if name else None


def _detail(request: Request, customer: Customer) -> dict[str, Any]:
    """Return the customer as the detail shows them: four queries (figures two, complaints one) whatever they hold."""
    context = {
        "request": request,
        "figures": selectors.customer_figures(request.user, customer),
        "recent": list(selectors.customer_complaints(request.user, customer)[:RECENT_COMPLAINTS]),
        "recent_limit": RECENT_COMPLAINTS,
        "may_be_hidden": permissions.complaints_may_be_hidden(request.user, customer),
    }
    return dict(CustomerDetailSerializer(customer, context=context).data)


def _duplicate(error: DuplicateCustomerError) -> Response:
    """The service's refusal of a duplicate, naming the customer already on file (as the screen offers them)."""
    field = error.field or "email"
    return problem(
        422,
        error.message,
        field=field,
        errors={field: [error.message]},
        existing_customer=error.existing.pk,
        existing_customer_url=absolute_url("api:customer-detail", error.existing.pk),
    )


class CustomerListView(ApiGenericView):
    """GET: find customers; POST: add one."""

    permission_classes = [MayAddCustomers]
    pagination_class = NameCursorPagination
    serializer_class = CustomerSerializer

    @extend_schema(
        tags=[TAG],
        summary="Find customers",
        description="Customers by name (then id), searched and filtered as the customer screen does: `q` matches "
        "part of the name, email, phone or organisation (any case, any accents) or the phone number in another "
        "format. Each has the counts of their complaints you may see (an employee's confidential complaints "
        "count only for managers and the owner). Erased customers are listed under their erased name.",
        parameters=[CustomerQuerySerializer],
        responses={200: CustomerSerializer(many=True), **problems(400)},
    )
    def get(self, request: Request) -> Response:
        query = CustomerQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        text = selectors.clean_query(query.validated_data.get("q", ""))
        found = selectors.customer_search(text=text, group=query.validated_data.get("group", ""))
        page = self.paginate_queryset(found) or []
        counts = selectors.complaint_counts(request.user, [customer.pk for customer in page])
        data = self.get_serializer(page, many=True, context={"request": request, "counts": counts}).data
        return self.get_paginated_response(data)

    @extend_schema(
        tags=[TAG],
        summary="Add a customer",
        description="Checked as the screen's “add customer” form checks it (400 with the messages per field), "
        "then added by the same service: someone whose email address or phone number is already on file is "
        "refused (422, `field` says which, `existing_customer` is their id) unless `allow_duplicate` says "
        "they are a different person. Answers 201 with the customer and `Location`.",
        request=CustomerCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: OpenApiResponse(CustomerDetailSerializer, description="Added; `Location` is its address."),
            **problems(400, 422),
        },
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = CustomerCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        details = dict(serializer.validated_data)
        try:
            with transaction.atomic():
                customer = customer_create(
                    user=request.user, organization=_organization(details.pop("organization")), **details
                )
        except DuplicateCustomerError as error:
            return _duplicate(error)
        body = _detail(request, selectors.get_customer(customer.pk))
        return Response(body, status=201, headers={"Location": body["url"]})


class CustomerDetailView(ApiGenericView):
    """GET: one customer with their complaints; PATCH: correct their details."""

    permission_classes = [MayChangeCustomers]
    serializer_class = CustomerDetailSerializer

    @extend_schema(
        tags=[TAG],
        summary="Read a customer",
        description="The customer, their totals and their newest complaints that you may see, as the customer "
        "page shows them. Any customer can be read, an employee too; an employee's complaints are "
        "confidential, so a front-line user sees only those they own (`complaints_may_be_hidden`).",
        responses={200: CustomerDetailSerializer, **problems(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, selectors.get_customer(pk)))

    @extend_schema(
        tags=[TAG],
        summary="Correct a customer's details",
        description="Only the fields sent change. Checked as the screen's edit form checks it (400 with the "
        "messages per field), the rest of the record as stored; then changed by the same service, which "
        "refuses (422, with `field`) what only a manager may do (moving someone into or out of the employee "
        "group, changing their staff account) and any change to a customer whose personal data was erased. "
        "As on the screen, a correction is not checked for duplicates.",
        request=CustomerUpdateSerializer,
        responses={200: CustomerDetailSerializer, **problems(400, 404, 422)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        customer = selectors.get_customer(pk)
        serializer = CustomerUpdateSerializer(customer, data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        with transaction.atomic():
            if "organization" in changes:
                changes["organization"] = _organization(changes["organization"])
            customer_update(customer=customer, user=request.user, **changes)
        return Response(_detail(request, selectors.get_customer(pk)))


class CustomerComplaintsView(ApiGenericView):
    """GET: every complaint of the customer's that the user may see, a page at a time."""

    pagination_class = ComplaintCursorPagination
    serializer_class = ComplaintSerializer

    @extend_schema(
        tags=[TAG],
        summary="List a customer's complaints",
        description="Their complaints you may see (an employee's confidential ones only for managers and the "
        "owner), newest first unless `sort` says otherwise, as the complaint list shows them.",
        parameters=[
            OpenApiParameter(
                "sort",
                str,
                enum=["-received", "received", "due", "-due"],
                description="`-received` (newest first, the default), `received`, `due` (the most urgent step "
                "first), `-due`.",
            )
        ],
        responses={200: ComplaintSerializer(many=True), **problems(400, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        customer = selectors.get_customer(pk)
        page = self.paginate_queryset(selectors.customer_complaints(request.user, customer)) or []
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


urlpatterns = [
    path("customers/", CustomerListView.as_view(), name="customer-list"),
    path("customers/<int:pk>/", CustomerDetailView.as_view(), name="customer-detail"),
    path("customers/<int:pk>/complaints/", CustomerComplaintsView.as_view(), name="customer-complaints"),
]
