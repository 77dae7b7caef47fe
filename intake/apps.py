from __future__ import annotations

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """Complaints customers file themselves: the public form, email intake, the inbox and the status page."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from common import navigation
        from intake.selectors import inbox_count

        navigation.register_link(
            "Inbox",
            view_name="intake:inbox",
            when="can_work",
            order=15,
            current_for=("intake:take",),
            count=inbox_count,
        )
