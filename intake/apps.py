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
        from intake.status_links import status_url
        from intake.views.status_admin import status_link_section
        from recovery import page_links
        from recovery.notifications.customer import register_status_link

        navigation.register_link(
            "Inbox",
            view_name="intake:inbox",
            when="can_work",
            order=25,
            current_for=("intake:take",),
            count=inbox_count,
        )
        # The acknowledgement email (recovery) carries the customer's status link, which intake makes.
        register_status_link(status_url)
        # The complaint page (recovery) shows managers where to revoke that link.
        page_links.register_section("status_link", status_link_section, order=20)
