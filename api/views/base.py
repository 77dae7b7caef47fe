"""What every API view shares: DRF authenticates it, not the project's sign-in redirect."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.defaults import page_not_found
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from api.problems import CONTENT_TYPE, problem


class ApiViewMixin:
    """Mark the view `login_not_required`: LoginRequiredMiddleware would send an API client to the login page.

    DRF then authenticates (token or session) and answers 401/403 itself; the permission classes in
    settings (api.permissions.IsStaff) keep every view closed unless it says otherwise.
    """

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        return login_not_required(super().as_view(**initkwargs))  # type: ignore[misc]


class ApiView(ApiViewMixin, APIView):
    pass


class ApiGenericView(ApiViewMixin, GenericAPIView):  # type: ignore[type-arg]
    pass


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    """The project's 404 handler: under /api/ a 404 problem, elsewhere Django's page (templates/404.html)."""
    if not request.path.startswith("/api/"):
        return page_not_found(request, exception or Http404())
    response: Any = problem(404, "There is no such endpoint; the schema at /api/v1/schema/ lists them all.")
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = CONTENT_TYPE
    response.renderer_context = {}
    rendered: HttpResponseBase = response.render()
    return rendered
