from __future__ import annotations

from django.apps import AppConfig


class HealthConfig(AppConfig):
    """`/healthz` and the heartbeat beat writes; imports only `common` and the Celery app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "health"
    verbose_name = "Health"
