from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API under /api/v1/: personal tokens, the endpoints, the schema and its docs."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"
