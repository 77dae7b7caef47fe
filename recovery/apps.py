from __future__ import annotations

from typing import ClassVar

from django.apps import AppConfig

from accounts.roles import FRONT_LINE, MANAGERS

_WORK = ("work_complaint",)


class RecoveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recovery"
    verbose_name = "Recovery"

    # What each role may do here (accounts.bootstrap sets the groups to these). The admin is for
    # administrators (superusers), so the roles hold no model permissions for it, except the
    # managers' reference data: categories and policies.
    role_permissions: ClassVar[dict[str, tuple[str, ...]]] = {
        FRONT_LINE: _WORK,
        MANAGERS: (
            *_WORK,
            "manage_complaints",
            "view_category",
            "add_category",
            "change_category",
            "view_recoverypolicy",
            "change_recoverypolicy",
        ),
    }

    def ready(self) -> None:
        from common import navigation

        navigation.register_link("Log complaint", view_name="recovery:complaint_log", when="can_work", order=10)
        navigation.register_link("My queue", view_name="recovery:my_queue", when="can_work", order=20)
        navigation.register_link(
            "Complaints",
            view_name="recovery:complaint_list",
            when="can_work",
            order=30,
            current_for=("recovery:complaint_detail", "recovery:complaints_hand_over"),
        )
        navigation.register_link("Dashboard", view_name="recovery:dashboard", when="is_manager", order=50)
