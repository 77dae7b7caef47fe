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

    def ready(self) -> None:
        from common import navigation

        # Managers set up where events go; the pages under an endpoint belong to the same entry.
        navigation.register_link(
            "Webhooks",
            view_name="webhooks:endpoint_list",
            when="is_manager",
            order=80,
            current_for=("webhooks:endpoint_create", "webhooks:endpoint_detail", "webhooks:endpoint_edit"),
        )
