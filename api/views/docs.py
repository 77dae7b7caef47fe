"""The OpenAPI schema (/api/v1/schema/) and the docs page that reads it (Swagger UI, from the installed sidecar)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views.base import ApiViewMixin


class SchemaView(ApiViewMixin, SpectacularAPIView):
    """The schema as JSON (YAML with `?format=yaml`), for a token or a signed-in session.

    JSON first, so a refusal (401, 403, 429) is problem details in JSON like everywhere else.
    """

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI for signed-in staff; its script is a separate file, so the strict CSP stays as it is.

    Not `login_not_required`: a browser that is not signed in goes to the login page like any other page.
    """

    template_name = "api/swagger_ui.html"
    title = "CareDesk API"

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        view: Any = super().as_view(**initkwargs)
        view.login_required = True  # DRF marks its views public for tokens; this one is a page
        return view


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]
