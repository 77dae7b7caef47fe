from __future__ import annotations

from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recovery"
    verbose_name = "Recovery"

    def ready(self) -> None:
        from common import navigation
        from recovery import roles

        navigation.register_flag("can_work", roles.can_work)
        navigation.register_flag("is_manager", roles.is_manager)
        navigation.register_role("Manager", when="is_manager", rank=10)
        navigation.register_role("Front line", when="can_work", rank=20)
        navigation.register_link("Log complaint", url_name="complaint_log", when="can_work", order=10)
        navigation.register_link("My queue", url_name="my_queue", when="can_work", order=20)
        navigation.register_link(
            "Complaints",
            url_name="complaint_list",
            when="can_work",
            order=30,
            current_for=("complaint_detail", "complaints_hand_over"),
        )
        navigation.register_link("Dashboard", url_name="dashboard", when="is_manager", order=50)
