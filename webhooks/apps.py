from __future__ import annotations

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Telling other systems what happened to a complaint: signed HTTP callbacks, sent over the lease machinery.

    It sits above `recovery` (it reads the timeline's outbox, `ComplaintEvent.to_announce`) and `api` (a
    complaint is described as the API describes it); neither knows it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"
    verbose_name = "Webhooks"
